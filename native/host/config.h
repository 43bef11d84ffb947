/* The host's config file (HostConfig in src/main/host/protocol.ts), read once and deleted: it holds the agent's environment. */
#ifndef BATON_CONFIG_H
#define BATON_CONFIG_H

#include <stddef.h>

typedef struct {
  char *session_id, *data_dir, *cwd, *command, *socket_path, *launch_id, *debug_point;
  char **args;
  size_t nargs;
  /* NAME=value entries, NULL-terminated, as execve takes them; env_names/env_values alongside. */
  char **envp;
  char **env_names, **env_values;
  size_t nenv;
  char **secret_env;
  size_t nsecret;
  int fsync_interval_ms;
  int agent_umask; /* -1: absent */
  /* An argument or variable held a NUL character: the agent cannot be started with it. */
  int has_nul;
} Config;

/** Reads `--config <path>` from argv: NULL and *error set (a message for stderr) if it cannot be used. */
Config *config_load(int argc, char **argv, char **error);
/** The value of the agent's variable `name`, or NULL. */
const char *config_env(const Config *c, const char *name);

#endif
