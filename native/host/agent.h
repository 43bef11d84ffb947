/* Starting the agent: the checks that name what is missing, then fork/exec in a session of its own. */
#ifndef BATON_AGENT_H
#define BATON_AGENT_H

#include <sys/types.h>
#include "util.h"

typedef struct {
  const char *command;
  char *const *argv; /* command first, NULL-terminated */
  const char *cwd;
  char *const *envp; /* NAME=value, NULL-terminated */
  const char *path_env; /* the agent's PATH, NULL if it has none */
  int umask; /* -1: the host's */
} AgentSpec;

typedef struct {
  pid_t pid;
  int in_fd, out_fd, err_fd; /* non-blocking, close-on-exec */
} AgentProc;

/** 0 and the running agent, or -1 and what failed, naming the command (never an argument's or variable's value). */
int agent_spawn(const AgentSpec *spec, AgentProc *out, Buf *error);

/** "SIGTERM" for 15, as Node names signals. */
const char *signal_name(int sig);

#endif
