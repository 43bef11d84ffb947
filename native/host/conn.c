#include "conn.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "json.h"

#define MAX_GRACE_MS (10 * 60 * 1000)

static const ConnHost *H;

static void flush(Conn *c) {
  while (c->fd >= 0 && c->out.len > 0) {
    ssize_t w = send(c->fd, c->out.data, c->out.len, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      hlog("main connection error: %s", strerror(errno));
      conn_close(c);
      return;
    }
    buf_consume(&c->out, (size_t)w);
  }
  if (c->fd >= 0 && c->ending && !c->wr_shut && c->out.len == 0) {
    shutdown(c->fd, SHUT_WR);
    c->wr_shut = 1;
  }
}

void conn_write(Conn *c, const char *frame, size_t n) {
  // Nothing follows the bye: a frame main sent after it is still acted on (as by the Node host), unanswered.
  if (c->fd < 0 || c->ending) return;
  buf_add(&c->out, frame, n);
  flush(c);
}

static void write_error(Conn *c, const char *code, const char *message) {
  Buf b = {0};
  buf_addf(&b, "{\"t\":\"error\",\"code\":\"%s\",\"message\":", code);
  json_escape(&b, message, strlen(message));
  buf_adds(&b, "}\n");
  conn_write(c, b.data, b.len);
  buf_free(&b);
}

static int pump_line(void *ctx, int64_t seq, const char *text, size_t len) {
  Conn *c = ctx;
  if (seq <= c->sent_seq) return 0;
  // Each record's text goes out exactly as journaled, never re-serialized.
  buf_adds(&c->out, "{\"t\":\"record\",\"record\":");
  buf_add(&c->out, text, len);
  buf_adds(&c->out, "}\n");
  c->sent_seq = seq;
  return c->out.len >= BATCH_BYTES;
}

void conn_kick(Conn *c) {
  if (c->fd < 0 || !c->attached || c->ending) return;
  Journal *j = H->journal();
  // Fill a batch, hand it to the socket, and go on while the socket takes all of it: poll wakes this
  // connection for POLLOUT only while something is left to send, so stopping with nothing left would stall it.
  for (;;) {
    while (c->out.len < BATCH_BYTES && c->read_off < journal_size(j)) {
      if (journal_read(j, &c->read_off, pump_line, c) != 0) {
        hlog("pump failed: %s", strerror(errno));
        conn_close(c);
        return;
      }
    }
    if (!c->caught_up_sent && c->read_off >= journal_size(j)) {
      c->caught_up_sent = 1;
      Buf b = {0};
      buf_addf(&b, "{\"t\":\"caught_up\",\"seq\":%lld}\n", (long long)c->sent_seq);
      buf_add(&c->out, b.data, b.len);
      buf_free(&b);
    }
    flush(c);
    if (c->fd < 0 || c->out.len > 0 || c->read_off >= journal_size(j)) return;
  }
}

void conn_offer(Conn *c, int64_t start, const char *bytes, size_t n, int64_t last_seq) {
  if (c->fd < 0 || !c->attached || c->ending) return;
  if (c->read_off != start || !c->caught_up_sent || c->out.len >= BATCH_BYTES) {
    conn_kick(c);
    return;
  }
  size_t s = 0;
  while (s < n) {
    const char *nl = memchr(bytes + s, '\n', n - s);
    size_t e = nl ? (size_t)(nl - bytes) : n;
    buf_adds(&c->out, "{\"t\":\"record\",\"record\":");
    buf_add(&c->out, bytes + s, e - s);
    buf_adds(&c->out, "}\n");
    s = e + 1;
  }
  c->read_off = start + (int64_t)n;
  c->sent_seq = last_seq;
  flush(c);
}

int conn_drained(const Conn *c, int64_t last_seq) { return c->fd < 0 || !c->attached || (c->sent_seq >= last_seq && c->out.len == 0); }

void conn_bye(Conn *c, const char *reason) {
  if (c->fd < 0 || c->ending) return;
  Buf b = {0};
  buf_addf(&b, "{\"t\":\"bye\",\"reason\":\"%s\"}\n", reason);
  conn_write(c, b.data, b.len);
  buf_free(&b);
  c->ending = 1;
  c->end_deadline = mono_ms() + 2000;
  flush(c);
}

typedef struct {
  Buf t;
  int has_t, t_string;
  const char *t_raw, *t_raw_end;
  double from_seq;
  int has_from, from_number;
  Buf line;
  int line_string;
  double grace;
  int grace_number;
} Frame;

static int frame_member(const JsonMember *m, void *ctx) {
  Frame *f = ctx;
  if (strcmp(m->key, "t") == 0) {
    f->has_t = 1;
    f->t.len = 0;
    f->t_string = *m->val == '"' && json_string(m->val, m->val_end, &f->t);
    f->t_raw = m->val;
    f->t_raw_end = m->val_end;
  } else if (strcmp(m->key, "fromSeq") == 0) {
    f->has_from = 1;
    f->from_number = json_number(m->val, m->val_end, &f->from_seq);
  } else if (strcmp(m->key, "line") == 0) {
    f->line.len = 0;
    f->line_string = *m->val == '"' && json_string(m->val, m->val_end, &f->line);
  } else if (strcmp(m->key, "graceMs") == 0) {
    f->grace_number = json_number(m->val, m->val_end, &f->grace);
  }
  return 0;
}

static int t_is(Frame *f, const char *name) { return f->t_string && f->t.len == strlen(name) && memcmp(f->t.data, name, f->t.len) == 0; }

static void on_frame(void *ctx, const char *p, size_t n) {
  Conn *c = ctx;
  if (n == 0 || c->fd < 0) return;
  Frame f = {0};
  if (!json_valid(p, n)) {
    write_error(c, "bad_frame", "A frame was not JSON.");
    return;
  }
  if (!json_object_walk(p, n, frame_member, &f)) {
    write_error(c, "bad_frame", "A frame was not a JSON object.");
    goto out;
  }
  if (t_is(&f, "attach") && f.from_number && is_safe_integer(f.from_seq) && f.from_seq >= 0) {
    int64_t last = journal_last_seq(H->journal());
    int64_t from = (int64_t)f.from_seq;
    if (from > last) {
      // Main believes in records the journal never had: say so, rather than silently skip the next ones.
      Buf m = {0};
      buf_addf(&m, "attach from %lld, but the journal ends at %lld; streaming from %lld.", (long long)from, (long long)last, (long long)last);
      write_error(c, "ahead", buf_cstr(&m));
      buf_free(&m);
    }
    c->sent_seq = from < last ? from : last;
    c->read_off = journal_offset_for(H->journal(), c->sent_seq);
    c->attached = 1;
    c->caught_up_sent = 0;
    // Written before any record of the new stream.
    Buf a = {0};
    buf_addf(&a, "{\"t\":\"attached\",\"fromSeq\":%lld}\n", (long long)c->sent_seq);
    conn_write(c, a.data, a.len);
    buf_free(&a);
    conn_kick(c);
  } else if (t_is(&f, "send") && f.line_string) {
    const char *refused = H->send(f.line.data ? f.line.data : "", f.line.len);
    if (refused) write_error(c, "bad_send", refused);
  } else if (t_is(&f, "stop")) {
    double g = f.grace_number && isfinite(f.grace) ? f.grace : 3000;
    if (g < 0) g = 0;
    if (g > MAX_GRACE_MS) g = MAX_GRACE_MS;
    H->stop(g);
  } else {
    Buf m = {0};
    buf_adds(&m, "Unknown or malformed frame ");
    if (f.has_t) json_minify(&m, f.t_raw, (size_t)(f.t_raw_end - f.t_raw));
    else buf_adds(&m, "undefined");
    buf_addc(&m, '.');
    write_error(c, "bad_frame", buf_cstr(&m));
    buf_free(&m);
  }
out:
  buf_free(&f.t);
  buf_free(&f.line);
}

static void on_oversized(void *ctx, size_t bytes, const char *preview, size_t plen) {
  (void)preview;
  (void)plen;
  Conn *c = ctx;
  Buf m = {0};
  buf_addf(&m, "A frame of %zu bytes is over the limit and was dropped.", bytes);
  write_error(c, "bad_frame", buf_cstr(&m));
  buf_free(&m);
}

Conn *conn_new(int fd, const ConnHost *host) {
  H = host;
  Conn *c = xmalloc(sizeof *c);
  memset(c, 0, sizeof *c);
  c->fd = fd;
  c->in = (Lines){.max = MAX_FRAME_BYTES, .on_line = on_frame, .on_oversized = on_oversized, .ctx = c};
  return c;
}

void conn_on_readable(Conn *c) {
  char buf[65536];
  // Bounded per wake-up, so one busy connection cannot starve the agent's output.
  for (int round = 0; round < 16 && c->fd >= 0; round++) {
    ssize_t r = recv(c->fd, buf, sizeof buf, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      hlog("main connection error: %s", strerror(errno));
      conn_close(c);
      return;
    }
    if (r == 0) {
      conn_close(c);
      return;
    }
    // As the Node host does, frames are acted on until the connection closes, also after its bye.
    lines_push(&c->in, buf, (size_t)r);
  }
}

void conn_on_writable(Conn *c) {
  flush(c);
  conn_kick(c);
}

void conn_close(Conn *c) {
  if (c->fd < 0) return;
  close(c->fd);
  c->fd = -1;
  c->out.len = 0;
  H->gone(c);
}

void conn_free(Conn *c) {
  lines_free(&c->in);
  buf_free(&c->out);
  free(c);
}
