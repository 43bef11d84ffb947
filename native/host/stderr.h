/*
 * The agent's stderr (ADR 0025): each line redacted of the project's secrets, kept in agent.log (numbered,
 * rotated past a size cap), remembered for the exit record's tail, and sent to the attached main in batches
 * 25 ms apart. Not the journal: stderr is a log, not the conversation.
 */
#ifndef BATON_STDERR_H
#define BATON_STDERR_H

#include <stdint.h>
#include "config.h"
#include "conn.h"
#include "lines.h"
#include "util.h"

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

#define STDERR_TAIL_LINES 50

typedef struct {
  Buf json; /* the line as written to agent.log, for main */
  size_t text_bytes;
} LogEntry;

typedef struct {
  const Config *cfg;
  AgentLog log;
  Lines lines;
  char *tail[STDERR_TAIL_LINES];
  size_t tail_len;
  /* Lines not yet sent to main; bounded like the log itself (they are on disk either way). */
  LogEntry *batch;
  size_t batch_len, batch_cap, batch_bytes;
  int64_t flush_at; /* 0: nothing waits */
} Stderr;

void stderr_init(Stderr *e, const char *dir, const Config *cfg);
/** Bytes the agent wrote on stderr. */
void stderr_push(Stderr *e, const char *p, size_t n);
/** The stream ended: a last line without its newline still counts. */
void stderr_end(Stderr *e);
/** Sends the waiting lines to c (when it is open) and forgets them. */
void stderr_flush(Stderr *e, Conn *c);
void stderr_close(Stderr *e);

#endif
