/*
 * The native session host: one process per live agent session (ADR 0004, ADR 0034), a C port of
 * src/main/host/session-host.ts with the same command line, files, journal and socket frames.
 *
 *   baton-host --config <path to JSON HostConfig>
 *
 * One thread runs a poll() loop (loop.c) over the agent's pipes, the listening socket and main's connections;
 * a second one only syncs the journal (journal.c). This file: the journal's records, the agent's lines, main's
 * sends, and how a session ends. Exit codes as the Node host: 0 the agent exited (or was stopped),
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
#include <sys/wait.h>
#include <unistd.h>
#include "agent.h"
#include "files.h"
#include "host.h"
#include "json.h"

/** Reaps what the agent left behind when it exited by itself: a short grace, then SIGKILL. */
#define LEFTOVER_GRACE_MS 500

HostState S = {.listener = {.fd = -1, .spare_fd = -1, .held_fd = -1}, .in_fd = -1, .out_fd = -1, .err_fd = -1, .sig_pipe = {-1, -1}};

/* ---- journal ---- */

Journal *get_journal(void) { return S.journal; }

static void offer_to_main(int64_t start, Buf *written) {
  if (S.cur) conn_offer(S.cur, start, written->data, written->len, journal_last_seq(S.journal));
}

/** Journal first, then tell main: the record exists on disk before anyone acts on it. */
int append_json(const char *dir, const char *json, size_t n) {
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
void diagnostic(const char *text, const char *kind, int64_t bytes, const char *preview, size_t plen, int units) {
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

void from_agent(void *ctx, const char *p, size_t n) {
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

void from_agent_oversized(void *ctx, size_t bytes, const char *preview, size_t plen) {
  (void)ctx;
  char text[200];
  snprintf(text, sizeof text, "The agent wrote a line of %zu bytes, over the %d-byte limit; it was not forwarded.", bytes, MAX_LINE_BYTES);
  diagnostic(text, "oversized", (int64_t)bytes, preview, plen, 0);
}

/** Journals the agent's lines of the last read of stdout, then tells main. Every other append calls it first, to keep the order. */
void flush_from_agent(void) {
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

/* ---- main's side ---- */

const char *from_main(const char *line, size_t n) {
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


void stop_agent(double grace) {
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
  listener_close(&S.listener);
  S.stopping = 1;
  reap_start(&S.stop_reap, S.agent_started ? S.agent_pid : 0, S.env_tag, grace_ms);
}

/* ---- the end ---- */

static void add_reaped(const Reap *r) {
  for (size_t i = 0; i < r->signalled.len; i++) pidset_add(&S.reaped, r->signalled.pids[i]);
}

void exit_record(const char *cause, int code_set, int code, const char *signal, const char *error) {
  Buf b = {0};
  buf_adds(&b, "{\"exit\":{\"code\":");
  if (code_set) buf_addf(&b, "%d", code);
  else buf_adds(&b, "null");
  buf_adds(&b, ",\"signal\":");
  if (signal) buf_addf(&b, "\"%s\"", signal);
  else buf_adds(&b, "null");
  buf_adds(&b, "},\"stderrTail\":[");
  for (size_t i = 0; i < S.err.tail_len; i++) {
    if (i) buf_addc(&b, ',');
    json_escape(&b, S.err.tail[i], strlen(S.err.tail[i]));
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
void fail_host(const char *text) {
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
void agent_done(void) {
  lines_end(&S.out_lines);
  flush_from_agent();
  stderr_end(&S.err);
  if (S.finished) return;
  S.finished = 1;
  S.phase = FINISH_WAIT_STOP;
}

void advance_end(void) {
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
    stderr_flush(&S.err, S.cur);
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

void shutdown_host(Outcome o) {
  if (S.phase == SHUT_DRAIN || S.phase == SHUT_BYE || S.phase == DONE) return;
  S.finished = 1;
  S.outcome = o;
  stderr_flush(&S.err, S.cur);
  // Before the goodbye: whoever saw this host's connection end must find it closed for good.
  listener_close(&S.listener);
  S.phase = SHUT_DRAIN;
  S.phase_deadline = mono_ms() + 3000;
}

void advance_shutdown(void) {
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

void finalize(void) {
  if (S.cur) {
    conn_close(S.cur);
  }
  for (int i = 0; i < MAX_ENDING; i++)
    if (S.ending[i]) conn_close(S.ending[i]);
  // Only a socket we listened on is ours to remove: a host that failed early may share the path with a live one.
  if (S.listened) unlink(S.cfg->socket_path);
  if (S.journal) journal_close(S.journal);
  S.journal = NULL;
  stderr_close(&S.err);
  if (S.locked) unlink(S.lock_path);
  static const char *names[] = {[OUT_AGENT_EXITED] = "agent_exited", [OUT_SPAWN_FAILED] = "spawn_failed", [OUT_LOCKED] = "locked", [OUT_FAILED] = "failed"};
  hlog("host exiting: %s", names[S.outcome]);
}

