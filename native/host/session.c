/*
 * The native session host: one process per live agent session (ADR 0004, ADR 0034), a C port of
 * src/main/host/session-host.ts with the same command line, files, journal and socket frames.
 *
 *   baton-host --config <path to JSON HostConfig>
 *
 * One thread runs a poll() loop over the agent's pipes, the listening socket and main's connection;
 * a second one only syncs the journal. Exit codes as the Node host: 0 the agent exited (or was stopped),
 * 2 bad config, 3 the agent could not be started, 4 another host holds the session, 70 an internal failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "agent.h"
#include "config.h"
#include "conn.h"
#include "files.h"
#include "journal.h"
#include "json.h"
#include "lines.h"
#include "proc.h"
#include "util.h"

#define SOCKET_PROTOCOL 1
#define HOST_TAG_VAR "BATON_HOST_TAG"
/** A main connection replaces the previous one at most this often (connection-gate.ts). */
#define MIN_REPLACE_MS 250
#define REPORT_WINDOW_MS 10000
/** Stderr lines go to main in batches this far apart. */
#define AGENT_LOG_FLUSH_MS 25
#define LEFTOVER_GRACE_MS 500
/** A tool process that inherited the agent's stdout can keep it open forever; we stop waiting for it. */
#define DRAIN_AFTER_EXIT_MS 1000
#define STDERR_LINES 50
#define STDERR_LINE_CHARS 2000
#define STDERR_MAX_LINE (64 * 1024)
#define MAX_ENDING 8

typedef enum { RUNNING, FINISH_WAIT_STOP, FINISH_LEFTOVERS, FAIL_REAP, SHUT_DRAIN, SHUT_BYE, DONE } Phase;
typedef enum { OUT_AGENT_EXITED = 0, OUT_SPAWN_FAILED = 3, OUT_LOCKED = 4, OUT_FAILED = 70 } Outcome;

typedef struct {
  int64_t n, ts;
  Buf json;
  size_t text_bytes;
} LogEntry;

static struct {
  Config *cfg;
  char *dir, *journal_path, *torn_path, *host_file, *lock_path, *fired_path;
  Journal *journal;
  int listen_fd, listened, gate_closed;
  Conn *cur;
  Conn *ending[MAX_ENDING];
  int held_fd;
  int64_t held_until;
  int64_t last_replace_at, report_at;
  int replaced, dropped;
  /* the agent */
  pid_t agent_pid;
  int agent_started;
  int in_fd, out_fd, err_fd;
  Buf stdin_buf;
  Lines out_lines, err_lines;
  int agent_exited, exit_code_set, exit_code, exit_signal;
  int64_t drain_deadline;
  Buf pending;
  size_t *pend_off, *pend_len, pend_count, pend_cap;
  char *tail[STDERR_LINES];
  size_t tail_len;
  AgentLog alog;
  LogEntry *batch;
  size_t batch_len, batch_cap, batch_bytes;
  int64_t log_flush_at;
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
  /* Held open so a connection can still be accepted (and closed) when descriptors run out. */
  int spare_fd;
} S = {.spare_fd = -1, .listen_fd = -1, .held_fd = -1, .in_fd = -1, .out_fd = -1, .err_fd = -1, .sig_pipe = {-1, -1}};

static void shutdown_host(Outcome o);
static void fail_host(const char *text);
static void flush_from_agent(void);

/* ---- journal ---- */

static Journal *get_journal(void) { return S.journal; }

static void offer_to_main(int64_t start, Buf *written) {
  if (S.cur) conn_offer(S.cur, start, written->data, written->len, journal_last_seq(S.journal));
}

/** Journal first, then tell main: the record exists on disk before anyone acts on it. */
static int append_json(const char *dir, const char *json, size_t n) {
  flush_from_agent();
  if (!S.journal) return 0;
  const char *msgs[1] = {json};
  size_t lens[1] = {n};
  int64_t start;
  Buf written = {0};
  if (journal_append(S.journal, dir, msgs, lens, 1, &start, &written) != 0) {
    // A line that cannot be journaled must not be forwarded, and nothing after it could be either.
    char why[300];
    snprintf(why, sizeof why, "Error: the journal could not be written: %s", strerror(errno));
    buf_free(&written);
    fail_host(why);
    return 0;
  }
  offer_to_main(start, &written);
  buf_free(&written);
  return 1;
}

/** A host diagnostic record; the preview counts UTF-16 units when it comes from text (units=1), bytes when from a buffer. */
static void diagnostic(const char *text, const char *kind, int64_t bytes, const char *preview, size_t plen, int units) {
  Buf b = {0};
  buf_adds(&b, "{\"diagnostic\":");
  json_escape(&b, text, strlen(text));
  buf_addf(&b, ",\"kind\":\"%s\"", kind);
  if (bytes >= 0) buf_addf(&b, ",\"bytes\":%lld", (long long)bytes);
  if (preview) {
    Buf p = {0};
    preview_of(&p, preview, plen, PREVIEW_BYTES, units);
    buf_adds(&b, ",\"preview\":");
    json_escape(&b, p.data ? p.data : "", p.len);
    buf_free(&p);
  }
  buf_addc(&b, '}');
  append_json("host", b.data, b.len);
  buf_free(&b);
}

/* ---- the agent's output ---- */

/** One line of the agent's stdout, as text; raw_bytes is its length before bad bytes became U+FFFD. */
static void agent_line(const char *p, size_t n, size_t raw_bytes) {
  if (!json_is_object(p, n)) {
    diagnostic("The agent wrote a line that is not a JSON-RPC message; it was not forwarded.", "non_json", (int64_t)raw_bytes, p, n, 1);
    return;
  }
  // Journaled with the rest of this read of stdout, in one write, before any of them is forwarded.
  if (S.pend_count == S.pend_cap) {
    S.pend_cap = S.pend_cap ? S.pend_cap * 2 : 64;
    S.pend_off = xrealloc(S.pend_off, S.pend_cap * sizeof(size_t));
    S.pend_len = xrealloc(S.pend_len, S.pend_cap * sizeof(size_t));
  }
  S.pend_off[S.pend_count] = S.pending.len;
  S.pend_len[S.pend_count] = n;
  S.pend_count++;
  buf_add(&S.pending, p, n);
}

static void from_agent(void *ctx, const char *p, size_t n) {
  (void)ctx;
  if (n == 0) return;
  if (utf8_valid(p, n)) {
    agent_line(p, n, n);
    return;
  }
  // Journaled as text, as the Node host does: bytes that are not UTF-8 become U+FFFD.
  Buf clean = {0};
  utf8_sanitize(&clean, p, n);
  agent_line(clean.data, clean.len, n);
  buf_free(&clean);
}

static void from_agent_oversized(void *ctx, size_t bytes, const char *preview, size_t plen) {
  (void)ctx;
  char text[200];
  snprintf(text, sizeof text, "The agent wrote a line of %zu bytes, over the %d-byte limit; it was not forwarded.", bytes, MAX_LINE_BYTES);
  diagnostic(text, "oversized", (int64_t)bytes, preview, plen, 0);
}

/** Journals the agent's lines of the last read of stdout, then tells main. Every other append calls it first, to keep the order. */
static void flush_from_agent(void) {
  if (S.pend_count == 0) return;
  size_t count = S.pend_count;
  S.pend_count = 0;
  if (!S.journal) {
    S.pending.len = 0;
    return;
  }
  const char **msgs = xmalloc(count * sizeof *msgs);
  for (size_t i = 0; i < count; i++) msgs[i] = S.pending.data + S.pend_off[i];
  int64_t start;
  Buf written = {0};
  int r = journal_append(S.journal, "in", msgs, S.pend_len, count, &start, &written);
  int err = errno;
  free(msgs);
  S.pending.len = 0;
  if (r != 0) {
    char why[300];
    snprintf(why, sizeof why, "Error: the journal could not be written: %s", strerror(err));
    buf_free(&written);
    fail_host(why);
    return;
  }
  offer_to_main(start, &written);
  buf_free(&written);
}

/* ---- the agent's stderr ---- */

static void flush_log(void) {
  S.log_flush_at = 0;
  if (S.batch_len == 0) return;
  if (S.cur && S.cur->fd >= 0) {
    Buf b = {0};
    buf_adds(&b, "{\"t\":\"agent_log\",\"lines\":[");
    for (size_t i = 0; i < S.batch_len; i++) {
      if (i) buf_addc(&b, ',');
      buf_add(&b, S.batch[i].json.data, S.batch[i].json.len);
    }
    buf_adds(&b, "]}\n");
    conn_write(S.cur, b.data, b.len);
    buf_free(&b);
  }
  for (size_t i = 0; i < S.batch_len; i++) buf_free(&S.batch[i].json);
  S.batch_len = 0;
  S.batch_bytes = 0;
}

/** Replaces the values of the secret variables wherever a line repeats them, longest first. */
static void redact(Buf *line) {
  const Config *c = S.cfg;
  if (c->nsecret == 0) return;
  size_t *order = xmalloc(c->nsecret * sizeof *order);
  size_t n = 0;
  for (size_t i = 0; i < c->nsecret; i++) {
    const char *v = config_env(c, c->secret_env[i]);
    // Very short values would mangle ordinary words and hide nothing worth hiding.
    if (v && strlen(v) >= 4) order[n++] = i;
  }
  for (size_t a = 1; a < n; a++)
    for (size_t b = a; b > 0 && strlen(config_env(c, c->secret_env[order[b]])) > strlen(config_env(c, c->secret_env[order[b - 1]])); b--) {
      size_t t = order[b];
      order[b] = order[b - 1];
      order[b - 1] = t;
    }
  for (size_t k = 0; k < n; k++) {
    const char *name = c->secret_env[order[k]];
    const char *v = config_env(c, name);
    size_t vl = strlen(v);
    buf_cstr(line);
    if (!memmem(line->data, line->len, v, vl)) continue;
    Buf out = {0};
    size_t s = 0;
    for (;;) {
      char *hit = memmem(line->data + s, line->len - s, v, vl);
      if (!hit) break;
      buf_add(&out, line->data + s, (size_t)(hit - (line->data + s)));
      buf_addf(&out, "[secret %s]", name);
      s = (size_t)(hit - line->data) + vl;
    }
    buf_add(&out, line->data + s, line->len - s);
    buf_free(line);
    *line = out;
  }
  free(order);
}

static void stderr_text(const char *p, size_t n) {
  Buf line = {0};
  buf_add(&line, p, n);
  redact(&line);
  // The tail the exit record carries.
  size_t keep = js_cut(line.data ? line.data : "", line.len, STDERR_LINE_CHARS);
  Buf t = {0};
  buf_add(&t, line.data, keep);
  if (keep < line.len) buf_adds(&t, "\xe2\x80\xa6");
  if (S.tail_len == STDERR_LINES) {
    free(S.tail[0]);
    memmove(S.tail, S.tail + 1, (STDERR_LINES - 1) * sizeof(char *));
    S.tail_len--;
  }
  S.tail[S.tail_len++] = (char *)buf_cstr(&t);
  // Kept in agent.log first (it outlives main and this host), then sent to main if one is attached.
  Buf json = {0};
  agent_log_append(&S.alog, line.data ? line.data : "", line.len, &json);
  if (S.batch_len == S.batch_cap) {
    S.batch_cap = S.batch_cap ? S.batch_cap * 2 : 32;
    S.batch = xrealloc(S.batch, S.batch_cap * sizeof *S.batch);
  }
  S.batch[S.batch_len++] = (LogEntry){0, 0, json, keep};
  S.batch_bytes += line.len;
  // Bounded like the log itself: they are on disk either way.
  while (S.batch_bytes > AGENT_LOG_KEEP_BYTES && S.batch_len > 1) {
    S.batch_bytes -= S.batch[0].text_bytes;
    buf_free(&S.batch[0].json);
    memmove(S.batch, S.batch + 1, (S.batch_len - 1) * sizeof *S.batch);
    S.batch_len--;
  }
  S.batch[S.batch_len - 1].text_bytes = line.len;
  if (!S.log_flush_at) S.log_flush_at = mono_ms() + AGENT_LOG_FLUSH_MS;
  buf_free(&line);
}

static void from_stderr(void *ctx, const char *p, size_t n) {
  (void)ctx;
  stderr_text(p, n);
}

static void stderr_oversized(void *ctx, size_t bytes, const char *preview, size_t plen) {
  (void)ctx;
  Buf b = {0};
  preview_of(&b, preview, plen, PREVIEW_BYTES, 0);
  buf_addf(&b, "\xe2\x80\xa6 (%zu bytes)", bytes);
  stderr_text(b.data, b.len);
  buf_free(&b);
}

/* ---- main's side ---- */

static const char *from_main(const char *line, size_t n) {
  static char why[200];
  if (S.finished || !S.agent_started) return "The agent is not running.";
  if (n > MAX_LINE_BYTES || !json_is_object(line, n)) {
    char what[120];
    if (n > MAX_LINE_BYTES) snprintf(what, sizeof what, "is %zu bytes, over the %d-byte limit", n, MAX_LINE_BYTES);
    else snprintf(what, sizeof what, "is not a JSON object");
    char text[200];
    snprintf(text, sizeof text, "Main sent a line that %s; it was not forwarded.", what);
    diagnostic(text, "bad_send", (int64_t)n, line, n, 1);
    snprintf(why, sizeof why, "The line %s.", what);
    return why;
  }
  // The agent reads one message per line: pretty-printed JSON is put onto one.
  Buf one = {0};
  if (memchr(line, '\n', n) || memchr(line, '\r', n)) json_minify(&one, line, n);
  else buf_add(&one, line, n);
  if (!utf8_valid(one.data, one.len)) {
    // Journaled as text, as the Node host does: bytes that are not UTF-8 become U+FFFD.
    Buf clean = {0};
    utf8_sanitize(&clean, one.data, one.len);
    buf_free(&one);
    one = clean;
  }
  if (!append_json("out", one.data, one.len)) {
    buf_free(&one);
    return "The journal could not be written; the line was not forwarded.";
  }
  if (!S.agent_exited && S.in_fd >= 0) {
    buf_add(&S.stdin_buf, one.data, one.len);
    buf_addc(&S.stdin_buf, '\n');
  }
  buf_free(&one);
  return NULL;
}

static void close_listener(void);

static void stop_agent(double grace) {
  if (S.stopping || S.finished) return;
  Buf num = {0}, rec = {0};
  json_put_number(&num, grace);
  buf_addf(&rec, "{\"stop\":{\"graceMs\":%s}}", buf_cstr(&num));
  append_json("host", rec.data, rec.len);
  hlog("stop requested, grace %s ms", num.data);
  buf_free(&num);
  buf_free(&rec);
  int grace_ms = (int)grace + ((double)(int)grace < grace);
  // Stopping is recorded: no main may attach from now on (the one that asked keeps its connection to see the exit).
  close_listener();
  S.stopping = 1;
  reap_start(&S.stop_reap, S.agent_started ? S.agent_pid : 0, S.env_tag, grace_ms);
}

/** Connections that closed while current: freed at the end of the loop's round, never inside their own callbacks. */
static Conn **dead;
static size_t dead_len, dead_cap;

static void conn_gone(Conn *c) {
  // A replaced connection's end is implied by the replacement; it is freed by sweep_ending.
  if (S.cur != c) return;
  S.cur = NULL;
  if (dead_len == dead_cap) {
    dead_cap = dead_cap ? dead_cap * 2 : 4;
    dead = xrealloc(dead, dead_cap * sizeof *dead);
  }
  dead[dead_len++] = c;
  hlog("main disconnected");
}

static const ConnHost CONN_HOST = {get_journal, from_main, stop_agent, conn_gone};

static void hello(Conn *c) {
  Buf b = {0};
  buf_addf(&b, "{\"t\":\"hello\",\"protocol\":%d,\"sessionId\":", SOCKET_PROTOCOL);
  json_escape(&b, S.cfg->session_id, strlen(S.cfg->session_id));
  buf_addf(&b, ",\"nonce\":\"%s\",\"pid\":%d,\"startedAt\":%lld,\"agentPid\":", S.nonce, (int)getpid(), (long long)S.started_at);
  if (S.agent_started) buf_addf(&b, "%d", (int)S.agent_pid);
  else buf_adds(&b, "null");
  buf_addf(&b, ",\"lastSeq\":%lld}\n", (long long)(S.journal ? journal_last_seq(S.journal) : 0));
  conn_write(c, b.data, b.len);
  buf_free(&b);
}

static void park_ending(Conn *c) {
  for (int i = 0; i < MAX_ENDING; i++) {
    if (!S.ending[i]) {
      S.ending[i] = c;
      return;
    }
  }
  // Too many goodbyes at once (mains replacing each other): the oldest ends now. Never in its callbacks:
  // parking happens on accept, after the round's connection events.
  conn_close(S.ending[0]);
  conn_free(S.ending[0]);
  memmove(S.ending, S.ending + 1, (MAX_ENDING - 1) * sizeof *S.ending);
  S.ending[MAX_ENDING - 1] = c;
}

static void admit(int fd, int replacing) {
  Conn *old = S.cur;
  Conn *c = conn_new(fd, &CONN_HOST);
  S.cur = c;
  if (!replacing) hlog("main connected");
  hello(c);
  if (old) {
    conn_bye(old, "replaced");
    park_ending(old);
  }
}

static int has_current(void) { return S.cur != NULL && S.cur->fd >= 0; }

static void report(void) {
  S.report_at = 0;
  int replaced = S.replaced, dropped = S.dropped;
  S.replaced = S.dropped = 0;
  if (replaced == 0 && dropped == 0) return;
  char also[200] = "";
  if (dropped > 0) snprintf(also, sizeof also, "; %d connection(s) that came sooner than %d ms after a replacement were closed unanswered (is another Baton using this data dir?)", dropped, MIN_REPLACE_MS);
  hlog("replaced the connection %d more time(s) in the last %d s%s", replaced, REPORT_WINDOW_MS / 1000, also);
}

static void schedule_report(void) {
  if (!S.report_at) S.report_at = mono_ms() + REPORT_WINDOW_MS;
}

static void replace_with(int fd) {
  S.last_replace_at = mono_ms();
  if (!S.report_at) hlog("main connected, replacing the previous connection");
  else S.replaced++;
  schedule_report();
  admit(fd, 1);
}

/** Who gets to be the attached main, and how often that may change (connection-gate.ts). */
static void offer(int fd) {
  if (S.gate_closed) {
    close(fd);
    return;
  }
  if (S.held_fd >= 0) {
    // Only the newest waiting connection matters: the one it replaces would be replaced at once anyway.
    close(S.held_fd);
    S.held_fd = fd;
    S.dropped++;
    schedule_report();
    return;
  }
  if (!has_current()) {
    admit(fd, 0);
    return;
  }
  int64_t wait = S.last_replace_at + MIN_REPLACE_MS - mono_ms();
  if (S.last_replace_at == 0 || wait <= 0) {
    replace_with(fd);
    return;
  }
  S.held_fd = fd;
  S.held_until = mono_ms() + wait;
}

static void held_due(void) {
  int fd = S.held_fd;
  S.held_fd = -1;
  S.held_until = 0;
  if (fd < 0 || S.gate_closed) return;
  if (has_current()) replace_with(fd);
  else admit(fd, 0);
}

static void close_listener(void) {
  S.gate_closed = 1;
  if (S.held_fd >= 0) close(S.held_fd);
  S.held_fd = -1;
  S.held_until = 0;
  report();
  if (S.listen_fd >= 0) close(S.listen_fd);
  S.listen_fd = -1;
}

static int listen_on(const char *path) {
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  if (strlen(path) >= sizeof addr.sun_path) {
    errno = ENAMETOOLONG;
    return -1;
  }
  strcpy(addr.sun_path, path);
  unlink(path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, 64) != 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  chmod(path, 0600);
  return fd;
}

/* ---- the end ---- */

static void add_reaped(const Reap *r) {
  for (size_t i = 0; i < r->signalled.len; i++) pidset_add(&S.reaped, r->signalled.pids[i]);
}

static void exit_record(const char *cause, int code_set, int code, const char *signal, const char *error) {
  Buf b = {0};
  buf_adds(&b, "{\"exit\":{\"code\":");
  if (code_set) buf_addf(&b, "%d", code);
  else buf_adds(&b, "null");
  buf_adds(&b, ",\"signal\":");
  if (signal) buf_addf(&b, "\"%s\"", signal);
  else buf_adds(&b, "null");
  buf_adds(&b, "},\"stderrTail\":[");
  for (size_t i = 0; i < S.tail_len; i++) {
    if (i) buf_addc(&b, ',');
    json_escape(&b, S.tail[i], strlen(S.tail[i]));
  }
  buf_addf(&b, "],\"cause\":\"%s\"", cause);
  if (error) {
    buf_adds(&b, ",\"error\":");
    json_escape(&b, error, strlen(error));
  }
  buf_adds(&b, ",\"reaped\":[");
  for (size_t i = 0; i < S.reaped.len; i++) buf_addf(&b, i ? ",%d" : "%d", (int)S.reaped.pids[i]);
  buf_addf(&b, "],\"hostPid\":%d}", (int)getpid());
  append_json("host", b.data, b.len);
  buf_free(&b);
}

/** Last resort after a failure: take the agent's tree down with us rather than leave it unjournaled. */
static void fail_host(const char *text) {
  hlog("fatal: %s", text);
  if (S.finished) return;
  S.finished = 1;
  snprintf(S.fail_text, sizeof S.fail_text, "%s", text);
  // What the agent wrote before this is journaled first (a failing journal lands back here and returns above).
  flush_from_agent();
  reap_start(&S.end_reap, S.agent_started ? S.agent_pid : 0, S.env_tag, 1000);
  S.phase = FAIL_REAP;
}

/** The agent has exited and its output has been read: reap what it left, journal its exit. */
static void agent_done(void) {
  lines_end(&S.out_lines);
  flush_from_agent();
  lines_end(&S.err_lines);
  if (S.finished) return;
  S.finished = 1;
  S.phase = FINISH_WAIT_STOP;
}

static void advance_end(void) {
  int64_t now = mono_ms();
  if (S.phase == FINISH_WAIT_STOP) {
    if (S.stopping) {
      reap_tick(&S.stop_reap, now);
      if (!S.stop_reap.done) return;
      add_reaped(&S.stop_reap);
    }
    if (reap_count_tree(S.agent_pid, S.env_tag) > 0) {
      reap_start(&S.end_reap, S.agent_pid, S.env_tag, S.stopping ? 0 : LEFTOVER_GRACE_MS);
      S.phase = FINISH_LEFTOVERS;
      return;
    }
    S.phase = FINISH_LEFTOVERS;
    S.end_reap.done = 1;
  }
  if (S.phase == FINISH_LEFTOVERS) {
    reap_tick(&S.end_reap, now);
    if (!S.end_reap.done) return;
    add_reaped(&S.end_reap);
    const char *sig = S.exit_signal ? signal_name(S.exit_signal) : NULL;
    char code[16] = "null";
    if (S.exit_code_set) snprintf(code, sizeof code, "%d", S.exit_code);
    hlog("agent exited code=%s signal=%s; reaped %zu", code, sig ? sig : "null", S.reaped.len);
    // Its last stderr lines reach main before its exit does.
    flush_log();
    exit_record(S.stopping ? "stopped" : "exited", S.exit_code_set, S.exit_code, sig, NULL);
    shutdown_host(OUT_AGENT_EXITED);
    return;
  }
  if (S.phase == FAIL_REAP) {
    reap_tick(&S.end_reap, now);
    if (!S.end_reap.done) return;
    add_reaped(&S.end_reap);
    char first[512];
    snprintf(first, sizeof first, "%s", S.fail_text);
    first[strcspn(first, "\n")] = 0;
    if (S.journal) {
      // The journal itself may be what failed: one more try, and no second failure.
      S.finished = 1;
      exit_record("host_failed", 0, 0, NULL, first);
    }
    shutdown_host(OUT_FAILED);
  }
}

static void shutdown_host(Outcome o) {
  if (S.phase == SHUT_DRAIN || S.phase == SHUT_BYE || S.phase == DONE) return;
  S.finished = 1;
  S.outcome = o;
  flush_log();
  // Before the goodbye: whoever saw this host's connection end must find it closed for good.
  close_listener();
  S.phase = SHUT_DRAIN;
  S.phase_deadline = mono_ms() + 3000;
}

static void advance_shutdown(void) {
  int64_t now = mono_ms();
  if (S.phase == SHUT_DRAIN) {
    if (S.cur && S.cur->fd >= 0 && !conn_drained(S.cur, journal_last_seq(S.journal)) && now < S.phase_deadline) return;
    if (S.cur && S.cur->fd >= 0) conn_bye(S.cur, "exited");
    S.phase = SHUT_BYE;
  }
  if (S.phase == SHUT_BYE) {
    if (S.cur && S.cur->fd >= 0 && now < S.cur->end_deadline) return;
    S.phase = DONE;
  }
}

static void finalize(void) {
  if (S.cur) {
    conn_close(S.cur);
  }
  for (int i = 0; i < MAX_ENDING; i++)
    if (S.ending[i]) conn_close(S.ending[i]);
  // Only a socket we listened on is ours to remove: a host that failed early may share the path with a live one.
  if (S.listened) unlink(S.cfg->socket_path);
  if (S.journal) journal_close(S.journal);
  S.journal = NULL;
  agent_log_close(&S.alog);
  if (S.locked) unlink(S.lock_path);
  static const char *names[] = {[OUT_AGENT_EXITED] = "agent_exited", [OUT_SPAWN_FAILED] = "spawn_failed", [OUT_LOCKED] = "locked", [OUT_FAILED] = "failed"};
  hlog("host exiting: %s", names[S.outcome]);
}

/* ---- the loop ---- */

static void on_signal(int sig) {
  int e = errno;
  unsigned char b = (unsigned char)sig;
  (void)!write(S.sig_pipe[1], &b, 1);
  errno = e;
}

static void handle_signals(void) {
  unsigned char sigs[64];
  ssize_t n;
  while ((n = read(S.sig_pipe[0], sigs, sizeof sigs)) > 0) {
    for (ssize_t i = 0; i < n; i++) {
      int sig = sigs[i];
      if (sig == SIGCHLD) {
        int st;
        pid_t p;
        while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
          if (p != S.agent_pid || S.agent_exited) continue;
          S.agent_exited = 1;
          S.exit_code_set = WIFEXITED(st);
          S.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 0;
          S.exit_signal = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
          S.drain_deadline = mono_ms() + DRAIN_AFTER_EXIT_MS;
          if (S.in_fd >= 0) close(S.in_fd);
          S.in_fd = -1;
          S.stdin_buf.len = 0;
        }
      } else if (sig == SIGHUP) {
        // Detached with no terminal: a hangup is not ours to act on.
        hlog("SIGHUP ignored");
      } else if (sig == SIGTERM || sig == SIGINT) {
        // Stop the agent cleanly rather than orphan it.
        stop_agent(3000);
      }
    }
  }
}

static void read_agent(int *fd, Lines *lines, int is_stdout) {
  char buf[65536];
  for (int round = 0; round < 16 && *fd >= 0; round++) {
    ssize_t r = read(*fd, buf, sizeof buf);
    if (r < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return;
      r = 0;
    }
    if (r == 0) {
      close(*fd);
      *fd = -1;
      return;
    }
    lines_push(lines, buf, (size_t)r);
    if (is_stdout) flush_from_agent();
  }
}

static void write_agent(void) {
  while (S.in_fd >= 0 && S.stdin_buf.len > 0) {
    ssize_t w = write(S.in_fd, S.stdin_buf.data, S.stdin_buf.len);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return;
      // EPIPE after the agent died: its exit is reported by SIGCHLD, not here.
      close(S.in_fd);
      S.in_fd = -1;
      S.stdin_buf.len = 0;
      return;
    }
    buf_consume(&S.stdin_buf, (size_t)w);
  }
}

static int64_t min_deadline(int64_t a, int64_t b) { return !a ? b : !b ? a : a < b ? a : b; }

static void sweep_ending(void) {
  for (size_t i = 0; i < dead_len; i++) conn_free(dead[i]);
  dead_len = 0;
  int64_t now = mono_ms();
  for (int i = 0; i < MAX_ENDING; i++) {
    Conn *c = S.ending[i];
    if (!c) continue;
    if (c->fd >= 0 && now >= c->end_deadline) conn_close(c);
    if (c->fd < 0) {
      conn_free(c);
      S.ending[i] = NULL;
    }
  }
}

static void loop(void) {
  while (S.phase != DONE) {
    struct pollfd fds[8 + MAX_ENDING];
    Conn *conns[8 + MAX_ENDING] = {0};
    int n = 0;
    fds[n++] = (struct pollfd){S.sig_pipe[0], POLLIN, 0};
    int i_listen = -1, i_out = -1, i_err = -1, i_in = -1;
    if (S.listen_fd >= 0) i_listen = n, fds[n++] = (struct pollfd){S.listen_fd, POLLIN, 0};
    if (S.out_fd >= 0) i_out = n, fds[n++] = (struct pollfd){S.out_fd, POLLIN, 0};
    if (S.err_fd >= 0) i_err = n, fds[n++] = (struct pollfd){S.err_fd, POLLIN, 0};
    if (S.in_fd >= 0 && S.stdin_buf.len > 0) i_in = n, fds[n++] = (struct pollfd){S.in_fd, POLLOUT, 0};
    Conn *all[1 + MAX_ENDING];
    int nall = 0;
    if (S.cur && S.cur->fd >= 0) all[nall++] = S.cur;
    for (int i = 0; i < MAX_ENDING; i++)
      if (S.ending[i] && S.ending[i]->fd >= 0) all[nall++] = S.ending[i];
    for (int i = 0; i < nall; i++) {
      conns[n] = all[i];
      fds[n++] = (struct pollfd){all[i]->fd, (short)(POLLIN | (all[i]->out.len > 0 ? POLLOUT : 0)), 0};
    }

    int64_t due = 0;
    due = min_deadline(due, S.log_flush_at);
    due = min_deadline(due, S.held_until);
    due = min_deadline(due, S.report_at);
    if (S.agent_exited && (S.out_fd >= 0 || S.err_fd >= 0)) due = min_deadline(due, S.drain_deadline);
    if (S.stopping && !S.stop_reap.done) due = min_deadline(due, S.stop_reap.next_tick);
    if ((S.phase == FINISH_LEFTOVERS || S.phase == FAIL_REAP) && !S.end_reap.done) due = min_deadline(due, S.end_reap.next_tick);
    if (S.phase == SHUT_DRAIN) due = min_deadline(due, S.phase_deadline);
    if (S.phase == SHUT_BYE && S.cur && S.cur->fd >= 0) due = min_deadline(due, S.cur->end_deadline);
    for (int i = 0; i < MAX_ENDING; i++)
      if (S.ending[i]) due = min_deadline(due, S.ending[i]->end_deadline);
    int timeout = -1;
    if (due) {
      int64_t left = due - mono_ms();
      timeout = left <= 0 ? 0 : left > 60000 ? 60000 : (int)left;
    }
    // Work a state change left to do is done on this round, not after a wait.
    if (S.phase == FINISH_WAIT_STOP || S.phase == SHUT_DRAIN) timeout = timeout < 0 || timeout > 10 ? 10 : timeout;

    int r = poll(fds, (nfds_t)n, timeout);
    if (r < 0 && errno != EINTR) {
      fail_host("Error: poll failed");
    }
    if (r > 0) {
      if (fds[0].revents) handle_signals();
      if (i_out >= 0 && fds[i_out].revents) read_agent(&S.out_fd, &S.out_lines, 1);
      if (i_err >= 0 && fds[i_err].revents) read_agent(&S.err_fd, &S.err_lines, 0);
      if (i_in >= 0 && fds[i_in].revents) write_agent();
      for (int i = 0; i < n; i++) {
        Conn *c = conns[i];
        if (!c || !fds[i].revents || c->fd < 0) continue;
        if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) conn_on_readable(c);
        if (c->fd >= 0 && (fds[i].revents & POLLOUT)) conn_on_writable(c);
      }
      if (i_listen >= 0 && S.listen_fd >= 0 && (fds[i_listen].revents & POLLIN)) {
        for (;;) {
          int cfd = accept4(S.listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
          if (cfd >= 0) {
            offer(cfd);
            continue;
          }
          if ((errno == EMFILE || errno == ENFILE) && S.spare_fd >= 0) {
            // Out of descriptors: the waiting connection is taken with the spare one and closed at once, as libuv
            // does, so the listener stops being readable instead of waking this loop forever.
            close(S.spare_fd);
            int drop = accept4(S.listen_fd, NULL, NULL, SOCK_CLOEXEC);
            if (drop >= 0) close(drop);
            S.spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
            hlog("a connection was refused: out of file descriptors");
            continue;
          }
          break;
        }
      }
    }
    write_agent();
    int64_t now = mono_ms();
    if (S.log_flush_at && now >= S.log_flush_at) flush_log();
    if (S.held_until && now >= S.held_until) held_due();
    if (S.report_at && now >= S.report_at) report();
    if (S.stopping && !S.stop_reap.done) reap_tick(&S.stop_reap, now);
    if (S.agent_exited && (S.out_fd >= 0 || S.err_fd >= 0) && now >= S.drain_deadline) {
      if (S.out_fd >= 0) close(S.out_fd);
      if (S.err_fd >= 0) close(S.err_fd);
      S.out_fd = S.err_fd = -1;
    }
    if (S.agent_exited && S.out_fd < 0 && S.err_fd < 0 && S.phase == RUNNING && !S.finished) agent_done();
    if (S.phase == FINISH_WAIT_STOP || S.phase == FINISH_LEFTOVERS || S.phase == FAIL_REAP) advance_end();
    if (S.phase == SHUT_DRAIN || S.phase == SHUT_BYE) advance_shutdown();
    sweep_ending();
  }
}

/* ---- start ---- */

static void random_hex(char *out, size_t bytes) {
  unsigned char raw[32];
  int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  ssize_t got = fd >= 0 ? read(fd, raw, bytes) : -1;
  if (fd >= 0) close(fd);
  if (got != (ssize_t)bytes) {
    for (size_t i = 0; i < bytes; i++) raw[i] = (unsigned char)(rand() ^ (int)getpid() ^ (int)now_ms());
  }
  for (size_t i = 0; i < bytes; i++) sprintf(out + 2 * i, "%02x", raw[i]);
}

static void write_host_file(void) {
  char start[64] = "";
  process_start_time(getpid(), start, sizeof start);
  Buf b = {0};
  buf_addf(&b, "{\n  \"v\": 1,\n  \"protocol\": %d,\n  \"sessionId\": ", SOCKET_PROTOCOL);
  json_escape(&b, S.cfg->session_id, strlen(S.cfg->session_id));
  buf_addf(&b, ",\n  \"pid\": %d,\n  \"startTime\": \"%s\",\n  \"startedAt\": %lld,\n  \"nonce\": \"%s\",\n  \"socket\": ", (int)getpid(), start, (long long)S.started_at, S.nonce);
  json_escape(&b, S.cfg->socket_path, strlen(S.cfg->socket_path));
  buf_addf(&b, ",\n  \"agentPid\": %d,\n  \"launchId\": ", (int)S.agent_pid);
  json_escape(&b, S.cfg->launch_id, strlen(S.cfg->launch_id));
  buf_adds(&b, "\n}\n");
  if (write_atomic(S.host_file, b.data, b.len) != 0) hlog("writing host.json failed: %s", strerror(errno));
  buf_free(&b);
}

static void started_record(void) {
  Buf b = {0};
  buf_addf(&b, "{\"started\":{\"pid\":%d,\"protocol\":%d,\"journal\":%d,\"command\":", (int)getpid(), SOCKET_PROTOCOL, JOURNAL_VERSION);
  json_escape(&b, S.cfg->command, strlen(S.cfg->command));
  buf_adds(&b, ",\"args\":[");
  for (size_t i = 0; i < S.cfg->nargs; i++) {
    if (i) buf_addc(&b, ',');
    json_escape(&b, S.cfg->args[i], strlen(S.cfg->args[i]));
  }
  buf_adds(&b, "],\"cwd\":");
  json_escape(&b, S.cfg->cwd, strlen(S.cfg->cwd));
  buf_adds(&b, "}}");
  append_json("host", b.data, b.len);
  buf_free(&b);
}

/** Starts the agent; 0, or -1 once its failure is journaled. */
static int start_agent(void) {
  Config *c = S.cfg;
  // The tag goes in the agent's environment (replacing one the config carried): inherited by everything it starts.
  size_t slot = c->nenv;
  for (size_t i = 0; i < c->nenv; i++)
    if (strcmp(c->env_names[i], HOST_TAG_VAR) == 0) slot = i;
  c->envp[slot] = S.env_tag;
  char **argv = xmalloc((c->nargs + 2) * sizeof(char *));
  argv[0] = c->command;
  for (size_t i = 0; i < c->nargs; i++) argv[i + 1] = c->args[i];
  argv[c->nargs + 1] = NULL;
  AgentSpec spec = {c->command, argv, c->cwd, c->envp, config_env(c, "PATH"), c->agent_umask};
  AgentProc proc;
  Buf error = {0};
  int r;
  if (c->has_nul) {
    buf_addf(&error, "Cannot start \"%s\": an argument or environment variable is not a valid string (a NUL character, say) (ERR_INVALID_ARG_VALUE)", c->command);
    r = -1;
  } else r = agent_spawn(&spec, &proc, &error);
  free(argv);
  if (r != 0) {
    const char *text = buf_cstr(&error);
    hlog("%s", text);
    exit_record("spawn_failed", 0, 0, NULL, text);
    buf_free(&error);
    shutdown_host(OUT_SPAWN_FAILED);
    return -1;
  }
  S.agent_pid = proc.pid;
  S.agent_started = 1;
  S.in_fd = proc.in_fd;
  S.out_fd = proc.out_fd;
  S.err_fd = proc.err_fd;
  hlog("agent %s started as pid %d", c->command, (int)proc.pid);
  write_host_file();
  return 0;
}

int main(int argc, char **argv) {
  // Everything the host writes (journals, logs, host.json) is private to this user (ADR 0011), whoever started us.
  umask(077);
  char *error = NULL;
  Config *cfg = config_load(argc, argv, &error);
  if (!cfg) {
    fprintf(stderr, "baton host: %s\n", error);
    return 2;
  }
  S.cfg = cfg;
  Buf dir = {0};
  buf_addf(&dir, "%s/sessions/%s", cfg->data_dir, cfg->session_id);
  S.dir = (char *)buf_cstr(&dir);
  mkdir_p(S.dir, 0777);
  char *log_path = path_join(S.dir, "host.log");
  log_open(log_path);
  free(log_path);
  hlog("host starting for session %s (native)", cfg->session_id);
  S.journal_path = path_join(S.dir, "journal.jsonl");
  S.torn_path = path_join(S.dir, "journal.torn");
  S.host_file = path_join(S.dir, "host.json");
  S.lock_path = path_join(S.dir, "host.lock");
  S.fired_path = path_join(cfg->data_dir, "debug-point.fired");
  S.started_at = now_ms();
  random_hex(S.nonce, 16);
  Buf tag = {0};
  buf_addf(&tag, "%s.%s", cfg->session_id, S.nonce);
  S.tag = (char *)buf_cstr(&tag);
  Buf env_tag = {0};
  buf_addf(&env_tag, "%s=%s", HOST_TAG_VAR, S.tag);
  S.env_tag = (char *)buf_cstr(&env_tag);

  S.spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (pipe2(S.sig_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
    hlog("fatal: no pipe for signals: %s", strerror(errno));
    return 70;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
  sigemptyset(&sa.sa_mask);
  int caught[] = {SIGCHLD, SIGTERM, SIGINT, SIGHUP};
  for (size_t i = 0; i < sizeof caught / sizeof *caught; i++) sigaction(caught[i], &sa, NULL);
  signal(SIGPIPE, SIG_IGN);

  pid_t holder;
  int locked = lock_acquire(S.lock_path, &holder);
  if (locked != 1) {
    if (locked == 0) hlog("another host (pid %d) holds session %s; exiting", (int)holder, cfg->session_id);
    else hlog("fatal: the session lock could not be taken: %s", strerror(errno));
    return locked == 0 ? OUT_LOCKED : OUT_FAILED;
  }
  S.locked = 1;
  agent_log_init(&S.alog, S.dir);
  S.out_lines = (Lines){.max = MAX_LINE_BYTES, .on_line = from_agent, .on_oversized = from_agent_oversized};
  S.err_lines = (Lines){.max = STDERR_MAX_LINE, .on_line = from_stderr, .on_oversized = stderr_oversized};

  TornTail torn = {0};
  S.journal = journal_open(S.journal_path, S.torn_path, cfg->fsync_interval_ms, &torn);
  if (!S.journal) {
    hlog("fatal: the journal could not be opened: %s", strerror(errno));
    unlink(S.lock_path);
    return OUT_FAILED;
  }
  if (cfg->debug_point) journal_arm_fault(S.journal, cfg->debug_point, S.fired_path);
  hlog("journal open at seq %lld", (long long)journal_last_seq(S.journal));
  if (torn.bytes > 0) {
    char text[200];
    snprintf(text, sizeof text, "The journal's last line was torn by a crash (%lld bytes); it was skipped and saved to journal.torn.", (long long)torn.bytes);
    diagnostic(text, "torn_journal", torn.bytes, torn.preview.data ? torn.preview.data : "", torn.preview.len, 1);
  }
  buf_free(&torn.preview);
  started_record();

  S.listen_fd = listen_on(cfg->socket_path);
  if (S.listen_fd < 0) {
    char why[300];
    snprintf(why, sizeof why, "Error: listen %s: %s", cfg->socket_path, strerror(errno));
    fail_host(why);
  } else {
    S.listened = 1;
    start_agent();
  }
  loop();
  finalize();
  return S.outcome;
}
