#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "json.h"

#define INDEX_EVERY 256
#define READ_CHUNK (1 << 20)

typedef struct {
  int64_t seq;
  int64_t off;
} IndexEntry;

struct Journal {
  int fd;
  int64_t seq;
  int64_t size;
  /* Bytes present at open that held damaged or repeated lines: read back with the full parser. */
  int64_t damaged_until;
  IndexEntry *index;
  size_t index_len, index_cap;
  Buf read_buf;
  /* Grouped sync: the thread waits for a write, lets interval_ms pass, then syncs. */
  int interval_ms;
  pthread_t syncer;
  int has_syncer;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int dirty, stopping;
  /* Crash points. */
  int fault; /* 0 none, 1 after_journal_append, 2 mid_journal_write */
  long fault_wanted, fault_hits;
  char *fault_spec, *fault_fired;
};

static void index_push(Journal *j, int64_t seq, int64_t off) {
  if (j->index_len == j->index_cap) {
    j->index_cap = j->index_cap ? j->index_cap * 2 : 64;
    j->index = xrealloc(j->index, j->index_cap * sizeof *j->index);
  }
  j->index[j->index_len++] = (IndexEntry){seq, off};
}

typedef struct {
  int v_ok, seq_ok, ts_ok, dir_ok, msg;
  int64_t seq;
} RecordFields;

static int record_member(const JsonMember *m, void *ctx) {
  RecordFields *r = ctx;
  double d;
  if (strcmp(m->key, "v") == 0) r->v_ok = json_number(m->val, m->val_end, &d) && d == JOURNAL_VERSION;
  else if (strcmp(m->key, "seq") == 0) {
    r->seq_ok = json_number(m->val, m->val_end, &d) && is_safe_integer(d) && d >= 1;
    r->seq = r->seq_ok ? (int64_t)d : 0;
  } else if (strcmp(m->key, "ts") == 0) r->ts_ok = json_number(m->val, m->val_end, &d);
  else if (strcmp(m->key, "dir") == 0) {
    Buf s = {0};
    r->dir_ok = *m->val == '"' && json_string(m->val, m->val_end, &s) && (strcmp(buf_cstr(&s), "in") == 0 || strcmp(s.data, "out") == 0 || strcmp(s.data, "host") == 0);
    buf_free(&s);
  } else if (strcmp(m->key, "msg") == 0) r->msg = 1;
  return 0;
}

int parse_record_line(const char *text, size_t n, int64_t *seq) {
  RecordFields r = {0};
  if (!json_object_walk(text, n, record_member, &r)) return 0;
  if (!(r.v_ok && r.seq_ok && r.ts_ok && r.dir_ok && r.msg)) return 0;
  *seq = r.seq;
  return 1;
}

/** The seq of a line this host wrote, from its header alone: {"v":1,"seq":N, ... }. */
static int header_seq(const char *t, size_t n, int64_t *seq) {
  static const char head[] = "{\"v\":1,\"seq\":";
  size_t h = sizeof head - 1;
  if (n < h + 3 || memcmp(t, head, h) != 0 || t[n - 1] != '}') return 0;
  int64_t v = 0;
  size_t i = h;
  while (i < n && t[i] >= '0' && t[i] <= '9' && i - h < 16) v = v * 10 + (t[i++] - '0');
  if (i == h || i >= n || t[i] != ',') return 0;
  *seq = v;
  return 1;
}

static void *sync_main(void *arg) {
  Journal *j = arg;
  pthread_mutex_lock(&j->mu);
  for (;;) {
    while (!j->dirty && !j->stopping) pthread_cond_wait(&j->cv, &j->mu);
    if (j->stopping) break;
    // Grouped: every record written in the next interval is covered by the same sync.
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += j->interval_ms / 1000;
    until.tv_nsec += (long)(j->interval_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
      until.tv_sec++;
      until.tv_nsec -= 1000000000L;
    }
    while (!j->stopping && pthread_cond_timedwait(&j->cv, &j->mu, &until) != ETIMEDOUT) {
    }
    if (j->stopping) break;
    j->dirty = 0;
    pthread_mutex_unlock(&j->mu);
    // The records are in the kernel already (a crash of this process loses nothing): nothing waits for this.
    fdatasync(j->fd);
    pthread_mutex_lock(&j->mu);
  }
  pthread_mutex_unlock(&j->mu);
  return NULL;
}

/** Walks the existing file once: last valid seq, where complete lines end, the index, what was damaged. */
static int scan(Journal *j, int64_t *complete, int64_t *file_size, Buf *tail) {
  struct stat st;
  if (fstat(j->fd, &st) != 0) return -1;
  *file_size = st.st_size;
  Buf line = {0};
  char *chunk = xmalloc(READ_CHUNK);
  int64_t pos = 0, line_start = 0, count = 0;
  int line_no = 0, reported = 0;
  while (pos < st.st_size) {
    ssize_t r = pread(j->fd, chunk, READ_CHUNK, pos);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      // Never taken for the end: what follows would be cut off as a torn tail.
      int e = errno;
      free(chunk);
      buf_free(&line);
      errno = e;
      return -1;
    }
    if (r == 0) break;
    size_t s = 0;
    while (s < (size_t)r) {
      char *nl = memchr(chunk + s, '\n', (size_t)r - s);
      if (!nl) {
        buf_add(&line, chunk + s, (size_t)r - s);
        break;
      }
      buf_add(&line, chunk + s, (size_t)(nl - (chunk + s)));
      line_no++;
      int64_t seq;
      if (line.len == 0) {
      } else if (!parse_record_line(line.data, line.len, &seq)) {
        j->damaged_until = pos + (nl - chunk) + 1;
        if (reported++ < 20) hlog("journal: Journal line %d is not a valid record and was skipped.", line_no);
      } else if (seq <= j->seq) {
        j->damaged_until = pos + (nl - chunk) + 1;
        if (reported++ < 20) hlog("journal: Journal line %d repeats seq %lld (last was %lld) and was skipped.", line_no, (long long)seq, (long long)j->seq);
      } else {
        if (seq != j->seq + 1 && reported++ < 20) hlog("journal: Journal line %d jumps from seq %lld to %lld.", line_no, (long long)j->seq, (long long)seq);
        if (count++ % INDEX_EVERY == 0) index_push(j, seq, line_start);
        j->seq = seq;
      }
      line.len = 0;
      s = (size_t)(nl - chunk) + 1;
      line_start = pos + (int64_t)s;
    }
    pos += r;
  }
  free(chunk);
  *complete = line_start;
  buf_add(tail, line.data, line.len);
  buf_free(&line);
  return 0;
}

Journal *journal_open(const char *path, const char *torn_path, int interval_ms, TornTail *torn) {
  int fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return NULL;
  Journal *j = xmalloc(sizeof *j);
  memset(j, 0, sizeof *j);
  j->fd = fd;
  j->interval_ms = interval_ms;
  pthread_mutex_init(&j->mu, NULL);
  pthread_cond_init(&j->cv, NULL);
  int64_t complete = 0, size = 0;
  Buf tail = {0};
  if (scan(j, &complete, &size, &tail) != 0) goto fail;
  torn->bytes = 0;
  if (size > complete) {
    // Nothing is thrown away: the torn bytes go aside (they were never forwarded), the file ends on a whole line.
    int tfd = open(torn_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    buf_addc(&tail, '\n');
    int saved = tfd >= 0 && write_all(tfd, tail.data, tail.len) == 0 && fdatasync(tfd) == 0;
    if (tfd >= 0) close(tfd);
    tail.len--;
    // Cut only what was kept aside: a tail that could not be saved stays, and the host fails rather than lose it.
    if (!saved || ftruncate(fd, complete) != 0 || fdatasync(fd) != 0) goto fail;
    torn->bytes = size - complete;
    preview_of(&torn->preview, tail.data, tail.len, 200, 0);
  }
  buf_free(&tail);
  j->size = complete;
  if (interval_ms > 0) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    // The syncer never takes a signal: they are the event loop's (SIGCHLD, SIGTERM).
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    j->has_syncer = pthread_create(&j->syncer, &attr, sync_main, j) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
  }
  return j;

fail:;
  int e = errno;
  close(fd);
  free(j->index);
  free(j);
  buf_free(&tail);
  errno = e;
  return NULL;
}

int64_t journal_last_seq(const Journal *j) { return j->seq; }
int64_t journal_size(const Journal *j) { return j->size; }

void journal_arm_fault(Journal *j, const char *spec, const char *fired_path) {
  const char *colon = strchr(spec, ':');
  size_t name_len = colon ? (size_t)(colon - spec) : strlen(spec);
  if (name_len == strlen("after_journal_append") && strncmp(spec, "after_journal_append", name_len) == 0) j->fault = 1;
  else if (name_len == strlen("mid_journal_write") && strncmp(spec, "mid_journal_write", name_len) == 0) j->fault = 2;
  else return;
  long n = colon ? strtol(colon + 1, NULL, 10) : 1;
  j->fault_wanted = n >= 1 ? n : 1;
  j->fault_spec = xstrdup(spec);
  j->fault_fired = fired_path ? xstrdup(fired_path) : NULL;
}

static int fault_fires(Journal *j, int which) {
  if (j->fault != which || ++j->fault_hits != j->fault_wanted) return 0;
  // Once per data dir: the hosts a recovery starts next must not crash at the same place again.
  if (j->fault_fired) {
    int fd = open(j->fault_fired, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd >= 0) {
      (void)write_all(fd, j->fault_spec, strlen(j->fault_spec));
      (void)write_all(fd, "\n", 1);
      close(fd);
    }
  }
  return 1;
}

static void die_here(void) {
  kill(getpid(), SIGKILL);
  // Never carry on past a crash point.
  _exit(137);
}

static void schedule_sync(Journal *j) {
  if (j->interval_ms <= 0 || !j->has_syncer) {
    fdatasync(j->fd);
    return;
  }
  pthread_mutex_lock(&j->mu);
  if (!j->dirty) {
    j->dirty = 1;
    pthread_cond_signal(&j->cv);
  }
  pthread_mutex_unlock(&j->mu);
}

/**
 * A write that failed part way (a full disk) left the start of a record: cut back to the last whole one, so
 * the next append (the exit record the failure leads to) starts on a line of its own.
 */
static void cut_partial(Journal *j) {
  int e = errno;
  if (ftruncate(j->fd, j->size) != 0) hlog("journal: a failed write could not be cut off: %s", strerror(errno));
  errno = e;
}

int journal_append(Journal *j, const char *dir, const char *const *msgs, const size_t *lens, size_t count, int64_t *start, Buf *written) {
  written->len = 0;
  *start = j->size;
  int64_t ts = now_ms();
  size_t *line_len = xmalloc(count * sizeof *line_len);
  for (size_t i = 0; i < count; i++) {
    size_t before = written->len;
    buf_addf(written, "{\"v\":%d,\"seq\":%lld,\"ts\":%lld,\"dir\":\"%s\",\"msg\":", JOURNAL_VERSION, (long long)(j->seq + 1 + (int64_t)i), (long long)ts, dir);
    buf_add(written, msgs[i], lens[i]);
    buf_add(written, "}\n", 2);
    line_len[i] = written->len - before;
  }
  if (j->fault) {
    size_t off = 0;
    for (size_t i = 0; i < count; i++) {
      const char *rec = written->data + off;
      if (fault_fires(j, 2)) {
        // Half the record and no newline: exactly what a crash between two write() calls leaves behind.
        size_t part = line_len[i] > 2 ? (line_len[i] - 1) / 2 : 1;
        (void)write_all(j->fd, rec, part);
        fdatasync(j->fd);
        hlog("debug point mid_journal_write: wrote %zu of %zu bytes, killing the host", part, line_len[i]);
        die_here();
      }
      if (write_all(j->fd, rec, line_len[i]) != 0) {
        cut_partial(j);
        free(line_len);
        return -1;
      }
      j->seq++;
      if ((j->seq - 1) % INDEX_EVERY == 0 || j->index_len == 0) index_push(j, j->seq, j->size);
      j->size += (int64_t)line_len[i];
      if (fault_fires(j, 1)) {
        fdatasync(j->fd);
        hlog("debug point after_journal_append: the record is durable, killing the host before it is forwarded");
        die_here();
      }
      off += line_len[i];
    }
  } else if (write_all(j->fd, written->data, written->len) != 0) {
    cut_partial(j);
    free(line_len);
    return -1;
  } else {
    for (size_t i = 0; i < count; i++) {
      j->seq++;
      if ((j->seq - 1) % INDEX_EVERY == 0 || j->index_len == 0) index_push(j, j->seq, j->size);
      j->size += (int64_t)line_len[i];
    }
  }
  free(line_len);
  schedule_sync(j);
  return 0;
}

int64_t journal_offset_for(const Journal *j, int64_t after_seq) {
  int64_t off = 0;
  // Binary search: the index is ordered by seq.
  size_t lo = 0, hi = j->index_len;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (j->index[mid].seq <= after_seq + 1) {
      off = j->index[mid].off;
      lo = mid + 1;
    } else hi = mid;
  }
  return off;
}

int journal_read(Journal *j, int64_t *off, JournalLineFn fn, void *ctx) {
  Buf *b = &j->read_buf;
  size_t want = READ_CHUNK;
  while (*off < j->size) {
    size_t n = (size_t)(j->size - *off) < want ? (size_t)(j->size - *off) : want;
    buf_reserve(b, n);
    ssize_t r = pread(j->fd, b->data, n, *off);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return -1;
    if (r == 0) return 0;
    size_t s = 0;
    int stop = 0;
    while (s < (size_t)r && !stop) {
      char *nl = memchr(b->data + s, '\n', (size_t)r - s);
      if (!nl) break;
      size_t len = (size_t)(nl - (b->data + s));
      const char *text = b->data + s;
      int64_t line_off = *off;
      int64_t seq;
      int ok = line_off < j->damaged_until ? parse_record_line(text, len, &seq) : (header_seq(text, len, &seq) || parse_record_line(text, len, &seq));
      *off += (int64_t)len + 1;
      s += len + 1;
      if (ok && fn(ctx, seq, text, len)) stop = 1;
    }
    if (stop) return 0;
    if (s == 0) {
      // No newline in all that is left: the file is not what this process wrote. Never loop on it.
      if ((size_t)r >= (size_t)(j->size - *off)) {
        errno = EIO;
        return -1;
      }
      // A line longer than what was read: read more at once (lines are at most a few MiB).
      want = want * 2;
    } else want = READ_CHUNK;
    if (b->cap > 4 * READ_CHUNK && want == READ_CHUNK) buf_free(b);
  }
  return 0;
}

void journal_close(Journal *j) {
  if (j->has_syncer) {
    pthread_mutex_lock(&j->mu);
    j->stopping = 1;
    pthread_cond_signal(&j->cv);
    pthread_mutex_unlock(&j->mu);
    pthread_join(j->syncer, NULL);
  }
  fdatasync(j->fd);
  close(j->fd);
  free(j->index);
  buf_free(&j->read_buf);
  free(j->fault_spec);
  free(j->fault_fired);
  free(j);
}
