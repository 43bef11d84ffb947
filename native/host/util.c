#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) {
    hlog("fatal: out of memory (%zu bytes)", n);
    abort();
  }
  return p;
}

void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) {
    hlog("fatal: out of memory (%zu bytes)", n);
    abort();
  }
  return q;
}

char *xstrndup(const char *s, size_t n) {
  char *d = xmalloc(n + 1);
  memcpy(d, s, n);
  d[n] = 0;
  return d;
}

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

void buf_reserve(Buf *b, size_t extra) {
  if (b->len + extra + 1 <= b->cap) return;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->len + extra + 1) cap *= 2;
  b->data = xrealloc(b->data, cap);
  b->cap = cap;
}

void buf_add(Buf *b, const void *p, size_t n) {
  if (n == 0) return;
  buf_reserve(b, n);
  memcpy(b->data + b->len, p, n);
  b->len += n;
}

void buf_adds(Buf *b, const char *s) { buf_add(b, s, strlen(s)); }

void buf_addc(Buf *b, char c) { buf_add(b, &c, 1); }

void buf_addf(Buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char small[256];
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof small) {
    buf_add(b, small, (size_t)n);
    return;
  }
  buf_reserve(b, (size_t)n);
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

void buf_consume(Buf *b, size_t n) {
  if (n >= b->len) {
    b->len = 0;
    return;
  }
  memmove(b->data, b->data + n, b->len - n);
  b->len -= n;
}

void buf_free(Buf *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

const char *buf_cstr(Buf *b) {
  buf_reserve(b, 0);
  b->data[b->len] = 0;
  return b->data;
}

int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int log_fd = -1;
#define LOG_MAX_BYTES (2 * 1024 * 1024)

void log_open(const char *path) {
  struct stat st;
  if (stat(path, &st) == 0 && st.st_size > LOG_MAX_BYTES) {
    char *old = xmalloc(strlen(path) + 3);
    sprintf(old, "%s.1", path);
    rename(path, old);
    free(old);
  }
  log_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
}

void hlog(const char *fmt, ...) {
  if (log_fd < 0) return;
  Buf b = {0};
  int64_t ms = now_ms();
  time_t secs = (time_t)(ms / 1000);
  struct tm tm;
  gmtime_r(&secs, &tm);
  buf_addf(&b, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ [%d] ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000), (int)getpid());
  va_list ap;
  va_start(ap, fmt);
  char small[512];
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n >= 0 && (size_t)n < sizeof small) {
    buf_add(&b, small, (size_t)n);
  } else if (n >= 0) {
    buf_reserve(&b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b.data + b.len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b.len += (size_t)n;
  }
  buf_addc(&b, '\n');
  // Logging never takes the host down: a failed write is dropped.
  (void)write_all(log_fd, b.data, b.len);
  buf_free(&b);
}

int write_all(int fd, const void *p, size_t n) {
  const char *c = p;
  while (n > 0) {
    ssize_t w = write(fd, c, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    c += w;
    n -= (size_t)w;
  }
  return 0;
}

int read_file(const char *path, Buf *b) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  for (;;) {
    buf_reserve(b, 65536);
    ssize_t r = read(fd, b->data + b->len, 65536);
    if (r < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      close(fd);
      errno = e;
      return -1;
    }
    if (r == 0) break;
    b->len += (size_t)r;
  }
  close(fd);
  return 0;
}

int mkdir_p(const char *path, mode_t mode) {
  char *p = xstrdup(path);
  for (char *s = p + 1; *s; s++) {
    if (*s != '/') continue;
    *s = 0;
    if (mkdir(p, mode) != 0 && errno != EEXIST) {
      free(p);
      return -1;
    }
    *s = '/';
  }
  int r = mkdir(p, mode);
  free(p);
  return r != 0 && errno != EEXIST ? -1 : 0;
}

char *path_join(const char *dir, const char *name) {
  size_t a = strlen(dir), b = strlen(name);
  char *p = xmalloc(a + b + 2);
  memcpy(p, dir, a);
  p[a] = '/';
  memcpy(p + a + 1, name, b + 1);
  return p;
}

size_t utf8_step(const char *s, size_t n, int *valid) {
  size_t len = utf8_seq(s, n);
  *valid = len > 0;
  if (len) return len;
  // Not valid here: one U+FFFD stands for the longest start of a sequence that could have been valid
  // (the WHATWG decoder's "maximal subpart", which is what Node gives), or for the one byte.
  const unsigned char *p = (const unsigned char *)s;
  unsigned char c = p[0];
  size_t want;
  unsigned char lo = 0x80, hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) want = 2;
  else if (c >= 0xe0 && c <= 0xef) {
    want = 3;
    if (c == 0xe0) lo = 0xa0;
    if (c == 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    want = 4;
    if (c == 0xf0) lo = 0x90;
    if (c == 0xf4) hi = 0x8f;
  } else return 1;
  size_t i = 1;
  while (i < want && i < n) {
    unsigned char b = p[i];
    if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xbf)) break;
    i++;
  }
  return i;
}

size_t utf8_seq(const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  unsigned char c = p[0];
  if (c < 0x80) return 1;
  size_t len;
  unsigned min;
  unsigned cp;
  if ((c & 0xe0) == 0xc0) len = 2, cp = c & 0x1f, min = 0x80;
  else if ((c & 0xf0) == 0xe0) len = 3, cp = c & 0x0f, min = 0x800;
  else if ((c & 0xf8) == 0xf0) len = 4, cp = c & 0x07, min = 0x10000;
  else return 0;
  if (n < len) return 0;
  for (size_t i = 1; i < len; i++) {
    if ((p[i] & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (p[i] & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return len;
}

size_t js_cut(const char *p, size_t n, size_t max_units) {
  size_t i = 0, units = 0;
  while (i < n) {
    int valid;
    size_t len = utf8_step(p + i, n - i, &valid);
    // Bytes that are not UTF-8 are one U+FFFD; a character past U+FFFF is two UTF-16 units.
    size_t u = valid && len == 4 ? 2 : 1;
    if (units + u > max_units) break;
    units += u;
    i += len;
  }
  return i;
}

void preview_of(Buf *out, const char *p, size_t n, size_t max, int units) {
  // In units, the prefix a JS string's slice(0, max) keeps; in bytes, what decoding the first max bytes gives.
  size_t end = units ? js_cut(p, n, max) : (n < max ? n : max);
  size_t i = 0;
  while (i < end) {
    int valid;
    size_t len = utf8_step(p + i, end - i, &valid);
    if (!valid) {
      // Bad bytes, or a character cut at the end: U+FFFD, as Node's decoder gives.
      buf_adds(out, "\xef\xbf\xbd");
      i += len;
      continue;
    }
    unsigned char c = (unsigned char)p[i];
    if (len == 1 && ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)) buf_adds(out, "\xef\xbf\xbd");
    else buf_add(out, p + i, len);
    i += len;
  }
}

int utf8_valid(const char *p, size_t n) {
  size_t i = 0;
  while (i < n) {
    if ((unsigned char)p[i] < 0x80) {
      i++;
      continue;
    }
    size_t len = utf8_seq(p + i, n - i);
    if (len == 0) return 0;
    i += len;
  }
  return 1;
}

void utf8_sanitize(Buf *out, const char *p, size_t n) {
  size_t i = 0;
  while (i < n) {
    int valid;
    size_t len = (unsigned char)p[i] < 0x80 ? (valid = 1, 1) : utf8_step(p + i, n - i, &valid);
    if (valid) buf_add(out, p + i, len);
    else buf_adds(out, "\xef\xbf\xbd");
    i += len;
  }
}
