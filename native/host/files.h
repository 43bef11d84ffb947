/* The host's files besides the journal: host.lock, host.json, and the agent's stderr in agent.log (ADR 0025). */
#ifndef BATON_FILES_H
#define BATON_FILES_H

#include <stdint.h>
#include <sys/types.h>
#include "util.h"

/** 1: this process holds the session's lock; 0: *holder (or -1) holds it; -1: an error (errno). */
int lock_acquire(const char *path, pid_t *holder);

/** Written whole or not at all: a reader never sees half a host.json. -1 with errno on failure. */
int write_atomic(const char *path, const char *data, size_t n);

#define AGENT_LOG_KEEP_BYTES (256 * 1024)
#define AGENT_LOG_LINE_CHARS (8 * 1024)

typedef struct {
  char *path, *old_path;
  int fd; /* -1 until the first line */
  int64_t size; /* text bytes in agent.log, as the readers count them */
  int64_t next;
} AgentLog;

/** Numbering goes on from the files a previous host left, so a restart never reuses a number. */
void agent_log_init(AgentLog *l, const char *dir);
/**
 * Appends one line (cut to AGENT_LOG_LINE_CHARS); out gets it as the JSON object written, for main.
 * A disk that fails loses log lines, never the agent.
 */
void agent_log_append(AgentLog *l, const char *text, size_t n, Buf *out);
void agent_log_close(AgentLog *l);

#endif
