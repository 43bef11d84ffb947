#include "stderr.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "json.h"

#define STDERR_LINE_CHARS 2000
#define STDERR_MAX_LINE (64 * 1024)
#define AGENT_LOG_FLUSH_MS 25

/* ---- agent.log ---- */

typedef struct {
  double n, ts;
  int has_n, has_ts, has_text;
  int64_t text_bytes;
} LogLine;

static int log_member(const JsonMember *m, void *ctx) {
  LogLine *l = ctx;
  if (strcmp(m->key, "n") == 0) l->has_n = json_number(m->val, m->val_end, &l->n);
  else if (strcmp(m->key, "ts") == 0) l->has_ts = json_number(m->val, m->val_end, &l->ts);
  else if (strcmp(m->key, "text") == 0) {
    Buf b = {0};
    l->has_text = *m->val == '"' && json_string(m->val, m->val_end, &b);
    l->text_bytes = (int64_t)b.len;
    buf_free(&b);
  }
  return 0;
}

/** The last line's n and the text bytes of a log file's valid lines; a line torn by a crash is skipped. */
static void scan_log(const char *path, int64_t *last_n, int64_t *text_bytes) {
  Buf text = {0};
  if (read_file(path, &text) != 0) return;
  size_t s = 0;
  while (s < text.len) {
    char *nl = memchr(text.data + s, '\n', text.len - s);
    size_t e = nl ? (size_t)(nl - text.data) : text.len;
    LogLine l = {0};
    if (e > s && json_object_walk(text.data + s, e - s, log_member, &l) && l.has_n && l.has_ts && l.has_text) {
      *last_n = (int64_t)l.n;
      if (text_bytes) *text_bytes += l.text_bytes + 1;
    }
    s = e + 1;
  }
  buf_free(&text);
}

void agent_log_init(AgentLog *l, const char *dir) {
  memset(l, 0, sizeof *l);
  l->path = path_join(dir, "agent.log");
  l->old_path = path_join(dir, "agent.log.1");
  l->fd = -1;
  int64_t last = 0;
  scan_log(l->old_path, &last, NULL);
  scan_log(l->path, &last, NULL);
  l->next = last + 1;
}

void agent_log_append(AgentLog *l, const char *text, size_t n, Buf *out) {
  size_t keep = js_cut(text, n, AGENT_LOG_LINE_CHARS);
  out->len = 0;
  buf_addf(out, "{\"n\":%lld,\"ts\":%lld,\"text\":", (long long)l->next++, (long long)now_ms());
  Buf t = {0};
  buf_add(&t, text, keep);
  if (keep < n) buf_adds(&t, "\xe2\x80\xa6");
  json_escape(out, t.data ? t.data : "", t.len);
  buf_addc(out, '}');
  if (l->fd < 0) {
    l->size = 0;
    int64_t ignored = 0;
    scan_log(l->path, &ignored, &l->size);
    l->fd = open(l->path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (l->fd >= 0) {
      // A line torn by a crash has no newline: the next one must not be glued to it.
      struct stat st;
      char last = '\n';
      if (fstat(l->fd, &st) == 0 && st.st_size > 0) (void)!pread(l->fd, &last, 1, st.st_size - 1);
      if (last != '\n') (void)write_all(l->fd, "\n", 1);
    }
  }
  if (l->fd >= 0) {
    buf_addc(out, '\n');
    int r = write_all(l->fd, out->data, out->len);
    out->len--;
    if (r != 0) {
      agent_log_close(l);
    } else {
      l->size += (int64_t)t.len + 1;
      if (l->size >= AGENT_LOG_KEEP_BYTES) {
        // The full file becomes the old one; the older one (all of it older than the kept bytes) goes.
        agent_log_close(l);
        rename(l->path, l->old_path);
        l->size = 0;
      }
    }
  }
  buf_free(&t);
}

void agent_log_close(AgentLog *l) {
  if (l->fd >= 0) close(l->fd);
  l->fd = -1;
}

/* ---- the stream ---- */

void stderr_flush(Stderr *e, Conn *c) {
  e->flush_at = 0;
  if (e->batch_len == 0) return;
  if (c && c->fd >= 0) {
    Buf b = {0};
    buf_adds(&b, "{\"t\":\"agent_log\",\"lines\":[");
    for (size_t i = 0; i < e->batch_len; i++) {
      if (i) buf_addc(&b, ',');
      buf_add(&b, e->batch[i].json.data, e->batch[i].json.len);
    }
    buf_adds(&b, "]}\n");
    conn_write(c, b.data, b.len);
    buf_free(&b);
  }
  for (size_t i = 0; i < e->batch_len; i++) buf_free(&e->batch[i].json);
  e->batch_len = 0;
  e->batch_bytes = 0;
}

/** Replaces the values of the secret variables wherever a line repeats them, longest first. */
static void redact(const Config *c, Buf *line) {
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

static void stderr_text(Stderr *e, const char *p, size_t n) {
  Buf line = {0};
  buf_add(&line, p, n);
  redact(e->cfg, &line);
  // The tail the exit record carries.
  size_t keep = js_cut(line.data ? line.data : "", line.len, STDERR_LINE_CHARS);
  Buf t = {0};
  buf_add(&t, line.data, keep);
  if (keep < line.len) buf_adds(&t, "\xe2\x80\xa6");
  if (e->tail_len == STDERR_TAIL_LINES) {
    free(e->tail[0]);
    memmove(e->tail, e->tail + 1, (STDERR_TAIL_LINES - 1) * sizeof(char *));
    e->tail_len--;
  }
  e->tail[e->tail_len++] = (char *)buf_cstr(&t);
  // Kept in agent.log first (it outlives main and this host), then sent to main if one is attached.
  Buf json = {0};
  agent_log_append(&e->log, line.data ? line.data : "", line.len, &json);
  if (e->batch_len == e->batch_cap) {
    e->batch_cap = e->batch_cap ? e->batch_cap * 2 : 32;
    e->batch = xrealloc(e->batch, e->batch_cap * sizeof *e->batch);
  }
  e->batch[e->batch_len++] = (LogEntry){json, line.len};
  e->batch_bytes += line.len;
  // Bounded like the log itself: they are on disk either way.
  while (e->batch_bytes > AGENT_LOG_KEEP_BYTES && e->batch_len > 1) {
    e->batch_bytes -= e->batch[0].text_bytes;
    buf_free(&e->batch[0].json);
    memmove(e->batch, e->batch + 1, (e->batch_len - 1) * sizeof *e->batch);
    e->batch_len--;
  }
  if (!e->flush_at) e->flush_at = mono_ms() + AGENT_LOG_FLUSH_MS;
  buf_free(&line);
}

static void from_stderr(void *ctx, const char *p, size_t n) { stderr_text(ctx, p, n); }

static void stderr_oversized(void *ctx, size_t bytes, const char *preview, size_t plen) {
  Buf b = {0};
  preview_of(&b, preview, plen, PREVIEW_BYTES, 0);
  buf_addf(&b, "\xe2\x80\xa6 (%zu bytes)", bytes);
  stderr_text(ctx, b.data, b.len);
  buf_free(&b);
}

void stderr_init(Stderr *e, const char *dir, const Config *cfg) {
  memset(e, 0, sizeof *e);
  e->cfg = cfg;
  agent_log_init(&e->log, dir);
  e->lines = (Lines){.max = STDERR_MAX_LINE, .on_line = from_stderr, .on_oversized = stderr_oversized, .ctx = e};
}

void stderr_push(Stderr *e, const char *p, size_t n) { lines_push(&e->lines, p, n); }

void stderr_end(Stderr *e) { lines_end(&e->lines); }

void stderr_close(Stderr *e) { agent_log_close(&e->log); }
