#include "proc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "util.h"

/** The fields of /proc/<pid>/stat after the command name, which may itself hold spaces and parentheses. */
static int stat_fields(pid_t pid, char *buf, size_t cap, char **after) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, buf, cap - 1);
  close(fd);
  if (n <= 0) return 0;
  buf[n] = 0;
  char *close_paren = strrchr(buf, ')');
  if (!close_paren || close_paren[1] != ' ') return 0;
  *after = close_paren + 2;
  return 1;
}

int process_start_time(pid_t pid, char *out, size_t cap) {
  char buf[1024];
  char *f;
  if (pid <= 0 || !stat_fields(pid, buf, sizeof buf, &f)) return 0;
  // Field 22 overall is the 20th after the name (the first one after it is field 3, the state).
  for (int i = 0; i < 19 && f; i++) {
    f = strchr(f, ' ');
    if (f) f++;
  }
  if (!f) return 0;
  size_t len = strcspn(f, " \n");
  if (len == 0 || len >= cap) return 0;
  memcpy(out, f, len);
  out[len] = 0;
  return 1;
}

int pid_alive(pid_t pid) {
  if (pid <= 0) return 0;
  if (kill(pid, 0) != 0 && errno != EPERM) return 0;
  char buf[1024];
  char *f;
  if (!stat_fields(pid, buf, sizeof buf, &f)) return 0;
  return f[0] != 'Z' && f[0] != 'X';
}

void pidset_add(PidSet *s, pid_t p) {
  if (pidset_has(s, p)) return;
  if (s->len == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 16;
    s->pids = xrealloc(s->pids, s->cap * sizeof *s->pids);
  }
  s->pids[s->len++] = p;
}

int pidset_has(const PidSet *s, pid_t p) {
  for (size_t i = 0; i < s->len; i++)
    if (s->pids[i] == p) return 1;
  return 0;
}

void pidset_free(PidSet *s) {
  free(s->pids);
  s->pids = NULL;
  s->len = s->cap = 0;
}

typedef struct {
  ProcInfo *p;
  size_t len, cap;
} Table;

static void list_processes(Table *t) {
  t->len = 0;
  DIR *d = opendir("/proc");
  if (!d) return;
  struct dirent *e;
  char buf[1024];
  while ((e = readdir(d))) {
    char *end;
    long pid = strtol(e->d_name, &end, 10);
    if (*end || pid <= 0) continue;
    char *f;
    if (!stat_fields((pid_t)pid, buf, sizeof buf, &f)) continue;
    ProcInfo info = {(pid_t)pid, 0, 0, f[0]};
    if (sscanf(f + 1, " %d %d", &info.ppid, &info.pgid) != 2) continue;
    if (t->len == t->cap) {
      t->cap = t->cap ? t->cap * 2 : 256;
      t->p = xrealloc(t->p, t->cap * sizeof *t->p);
    }
    t->p[t->len++] = info;
  }
  closedir(d);
}

/** environ is NUL-separated: a whole entry matches, at the start or after a NUL. */
static int has_env(pid_t pid, const char *entry) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/environ", (int)pid);
  Buf env = {0};
  if (read_file(path, &env) != 0) return 0;
  size_t n = strlen(entry);
  int found = 0;
  for (size_t i = 0; i < env.len && !found; i += strlen(env.data + i) + 1) {
    buf_cstr(&env);
    if (strlen(env.data + i) == n && memcmp(env.data + i, entry, n) == 0) found = 1;
  }
  buf_free(&env);
  return found;
}

static pid_t own_pgid(void) { return getpgrp(); }

/** What is still running of the tree; groups gathers the process groups it saw (kept across rounds). */
static void find_tree(pid_t agent, const char *env_tag, PidSet *groups, PidSet *out) {
  Table t = {0};
  list_processes(&t);
  out->len = 0;
  PidSet found = {0};
  if (agent > 0) {
    for (size_t i = 0; i < t.len; i++)
      if (t.p[i].pid == agent) pidset_add(&found, agent);
    // Descendants by ppid: grow the set until a pass adds nothing.
    if (found.len > 0) {
      size_t before;
      do {
        before = found.len;
        for (size_t i = 0; i < t.len; i++)
          if (pidset_has(&found, t.p[i].ppid) && t.p[i].pid != t.p[i].ppid) pidset_add(&found, t.p[i].pid);
      } while (found.len != before);
    }
  }
  for (size_t i = 0; i < t.len; i++)
    if (!pidset_has(&found, t.p[i].pid) && has_env(t.p[i].pid, env_tag)) pidset_add(&found, t.p[i].pid);
  pid_t own = own_pgid();
  for (size_t i = 0; i < t.len; i++)
    if (pidset_has(&found, t.p[i].pid) && t.p[i].pgid > 1 && t.p[i].pgid != own) pidset_add(groups, t.p[i].pgid);
  pid_t self = getpid();
  for (size_t i = 0; i < t.len; i++) {
    ProcInfo *p = &t.p[i];
    int member = pidset_has(&found, p->pid) || pidset_has(groups, p->pgid);
    // A zombie is already dead; only its parent can make it go away.
    if (!member || p->pid == self || p->pid <= 1 || p->pgid == own || p->state == 'Z' || p->state == 'X') continue;
    pidset_add(out, p->pid);
  }
  pidset_free(&found);
  free(t.p);
}

size_t reap_count_tree(pid_t agent, const char *env_tag) {
  PidSet groups = {0}, out = {0};
  find_tree(agent, env_tag, &groups, &out);
  size_t n = out.len;
  pidset_free(&groups);
  pidset_free(&out);
  return n;
}

/** Each process's group and the process itself: agents run each tool command in a group of its own. */
static void signal_all(const PidSet *procs, int sig) {
  pid_t own = own_pgid();
  PidSet groups = {0};
  for (size_t i = 0; i < procs->len; i++) {
    pid_t g = getpgid(procs->pids[i]);
    if (g > 1 && g != own) pidset_add(&groups, g);
  }
  for (size_t i = 0; i < groups.len; i++) kill(-groups.pids[i], sig);
  for (size_t i = 0; i < procs->len; i++) kill(procs->pids[i], sig);
  pidset_free(&groups);
}

void reap_start(Reap *r, pid_t agent, const char *env_tag, int grace_ms) {
  reap_free(r);
  memset(r, 0, sizeof *r);
  r->agent = agent;
  r->env_tag = xstrdup(env_tag);
  r->active = 1;
  PidSet procs = {0};
  find_tree(agent, env_tag, &r->groups, &procs);
  if (procs.len == 0) {
    r->done = 1;
    pidset_free(&procs);
    return;
  }
  for (size_t i = 0; i < procs.len; i++) pidset_add(&r->signalled, procs.pids[i]);
  signal_all(&procs, SIGTERM);
  pidset_free(&procs);
  int64_t now = mono_ms();
  r->deadline = now + (grace_ms > 0 ? grace_ms : 0);
  r->next_tick = now + (grace_ms < 50 ? (grace_ms > 1 ? grace_ms : 1) : 50);
}

void reap_tick(Reap *r, int64_t now) {
  if (!r->active || r->done || now < r->next_tick) return;
  PidSet procs = {0};
  find_tree(r->agent, r->env_tag, &r->groups, &procs);
  if (!r->killing && now < r->deadline) {
    if (procs.len == 0) r->done = 1;
    PidSet fresh = {0};
    for (size_t i = 0; i < procs.len; i++)
      if (!pidset_has(&r->signalled, procs.pids[i])) pidset_add(&fresh, procs.pids[i]);
    for (size_t i = 0; i < fresh.len; i++) pidset_add(&r->signalled, fresh.pids[i]);
    if (fresh.len > 0) signal_all(&fresh, SIGTERM);
    pidset_free(&fresh);
    int64_t left = r->deadline - now;
    r->next_tick = now + (left < 50 ? (left > 1 ? left : 1) : 50);
  } else {
    if (!r->killing) {
      r->killing = 1;
      r->kill_deadline = now + 5000;
    }
    if (procs.len == 0 || now >= r->kill_deadline) r->done = 1;
    else {
      for (size_t i = 0; i < procs.len; i++) pidset_add(&r->signalled, procs.pids[i]);
      signal_all(&procs, SIGKILL);
      r->next_tick = now + 20;
    }
  }
  pidset_free(&procs);
}

void reap_free(Reap *r) {
  free(r->env_tag);
  r->env_tag = NULL;
  pidset_free(&r->signalled);
  pidset_free(&r->groups);
}
