/*
 * The native session host's one state and the functions its files share (ADR 0034): session.c journals and
 * ends the session, loop.c runs the poll loop and main's connections, main.c starts it all. One process is one
 * session, so the state is one object.
 */
#ifndef BATON_HOST_H
#define BATON_HOST_H

#include <stdint.h>
#include <sys/types.h>
#include "config.h"
#include "conn.h"
#include "journal.h"
#include "lines.h"
#include "listener.h"
#include "proc.h"
#include "stderr.h"
#include "util.h"

#define SOCKET_PROTOCOL 1
#define HOST_TAG_VAR "BATON_HOST_TAG"
/** Connections told bye (replaced) that wait for main to close them. */
#define MAX_ENDING 8

typedef enum { RUNNING, FINISH_WAIT_STOP, FINISH_LEFTOVERS, FAIL_REAP, SHUT_DRAIN, SHUT_BYE, DONE } Phase;
typedef enum { OUT_AGENT_EXITED = 0, OUT_SPAWN_FAILED = 3, OUT_LOCKED = 4, OUT_FAILED = 70 } Outcome;

typedef struct {
  Config *cfg;
  char *dir, *journal_path, *torn_path, *host_file, *lock_path, *fired_path;
  Journal *journal;
  Listener listener;
  int listened;
  Conn *cur;
  Conn *ending[MAX_ENDING];
  /* the agent */
  pid_t agent_pid;
  int agent_started;
  int in_fd, out_fd, err_fd;
  Buf stdin_buf;
  Lines out_lines;
  int agent_exited, exit_code_set, exit_code, exit_signal;
  int64_t drain_deadline;
  Buf pending;
  size_t *pend_off, *pend_len, pend_count, pend_cap;
  Stderr err;
  /* lifecycle */
  int finished, stopping, locked;
  Reap stop_reap, end_reap;
  PidSet reaped;
  Phase phase;
  Outcome outcome;
  int64_t phase_deadline;
  char fail_text[512];
  char nonce[33];
  int64_t started_at;
  char *tag, *env_tag;
  int sig_pipe[2];
} HostState;

extern HostState S;

/* session.c: the journal, the agent's lines, main's sends, the end. */
Journal *get_journal(void);
int append_json(const char *dir, const char *json, size_t n);
void diagnostic(const char *text, const char *kind, int64_t bytes, const char *preview, size_t plen, int units);
void from_agent(void *ctx, const char *p, size_t n);
void from_agent_oversized(void *ctx, size_t bytes, const char *preview, size_t plen);
void flush_from_agent(void);
const char *from_main(const char *line, size_t n);
void stop_agent(double grace);
void exit_record(const char *cause, int code_set, int code, const char *signal, const char *error);
void fail_host(const char *text);
void agent_done(void);
void advance_end(void);
void shutdown_host(Outcome o);
void advance_shutdown(void);
void finalize(void);

/* loop.c: main's connections, signals, the poll loop. */
void admit(int fd, int replacing);
int has_current(void);
void on_signal(int sig);
void loop(void);

#endif
