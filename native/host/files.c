#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "json.h"
#include "proc.h"

typedef struct {
  double pid;
  int has_pid;
  char *start;
} LockHolder;

static int holder_member(const JsonMember *m, void *ctx) {
  LockHolder *h = ctx;
  if (strcmp(m->key, "pid") == 0) h->has_pid = json_number(m->val, m->val_end, &h->pid);
  else if (strcmp(m->key, "startTime") == 0 && *m->val == '"') {
    Buf b = {0};
    if (json_string(m->val, m->val_end, &b)) {
      free(h->start);
      h->start = (char *)buf_cstr(&b);
    } else buf_free(&b);
  }
  return 0;
}

int lock_acquire(const char *path, pid_t *holder) {
  char start[64];
  Buf mine = {0};
  if (process_start_time(getpid(), start, sizeof start)) buf_addf(&mine, "{\"pid\":%d,\"startTime\":\"%s\"}", (int)getpid(), start);
  else buf_addf(&mine, "{\"pid\":%d,\"startTime\":null}", (int)getpid());
  for (int attempt = 0; attempt < 2; attempt++) {
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
      int r = write_all(fd, mine.data, mine.len);
      close(fd);
      buf_free(&mine);
      return r == 0 ? 1 : -1;
    }
    if (errno != EEXIST) {
      buf_free(&mine);
      return -1;
    }
    // Held: by a live host (its pid and start time match), or left by a dead one and taken over.
    Buf text = {0};
    LockHolder h = {0};
    if (read_file(path, &text) == 0 && text.len > 0) json_object_walk(text.data, text.len, holder_member, &h);
    buf_free(&text);
    pid_t pid = h.has_pid && h.pid > 0 && h.pid < 4194304 && (double)(pid_t)h.pid == h.pid ? (pid_t)h.pid : -1;
    char now[64];
    int live = pid > 0 && pid != getpid() && pid_alive(pid) && h.start && process_start_time(pid, now, sizeof now) && strcmp(now, h.start) == 0;
    free(h.start);
    if (live) {
      *holder = pid;
      buf_free(&mine);
      return 0;
    }
    unlink(path);
  }
  buf_free(&mine);
  *holder = -1;
  return 0;
}

int write_atomic(const char *path, const char *data, size_t n) {
  Buf tmp = {0};
  buf_addf(&tmp, "%s.%d.tmp", path, (int)getpid());
  const char *t = buf_cstr(&tmp);
  unlink(t);
  int fd = open(t, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  int r = -1;
  if (fd >= 0) {
    r = write_all(fd, data, n);
    close(fd);
    if (r == 0) r = rename(t, path);
    if (r != 0) unlink(t);
  }
  buf_free(&tmp);
  return r;
}

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
