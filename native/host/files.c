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
