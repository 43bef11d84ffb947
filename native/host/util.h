/* Small pieces every part of the native session host uses: a growable byte buffer, clocks, the log, files. */
#ifndef BATON_UTIL_H
#define BATON_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct {
  char *data;
  size_t len;
  size_t cap;
} Buf;

void buf_reserve(Buf *b, size_t extra);
void buf_add(Buf *b, const void *p, size_t n);
void buf_adds(Buf *b, const char *s);
void buf_addc(Buf *b, char c);
void buf_addf(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** Drops the first n bytes (what a write sent). */
void buf_consume(Buf *b, size_t n);
void buf_free(Buf *b);
/** NUL-terminates without counting the NUL, so data can be used as a C string. */
const char *buf_cstr(Buf *b);

void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/** Wall-clock milliseconds since the epoch, as Date.now() gives them (journal ts, startedAt). */
int64_t now_ms(void);
/** Monotonic milliseconds, for timers. */
int64_t mono_ms(void);

/** The host's own log (host.log), opened once; lines are "<ISO time> [pid] message". */
void log_open(const char *path);
void hlog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** Writes all of p, retrying on EINTR; -1 with errno on failure. */
int write_all(int fd, const void *p, size_t n);
/** Reads a whole file into b; -1 with errno on failure. */
int read_file(const char *path, Buf *b);
/** mkdir -p with mode for the parts it creates. */
int mkdir_p(const char *path, mode_t mode);
/** path joined with name by "/"; caller frees. */
char *path_join(const char *dir, const char *name);

/**
 * Appends a printable preview of p: its first max UTF-16 units (units=1, as a JS string's slice) or bytes
 * (units=0, as a Buffer's subarray), decoded as Node decodes, control characters but tab and newline as U+FFFD.
 */
void preview_of(Buf *out, const char *p, size_t n, size_t max, int units);
/** Length of the valid UTF-8 sequence at s (1..4), or 0 if the bytes there are not one. */
size_t utf8_seq(const char *s, size_t n);
/** Bytes to take at s: a valid character (*valid=1), or the bad bytes that decode to one U+FFFD (*valid=0). */
size_t utf8_step(const char *s, size_t n, int *valid);
/** The bytes of p that a JS string of it keeps in its first max_units UTF-16 units (each bad byte one unit). */
size_t js_cut(const char *p, size_t n, size_t max_units);
/** Every byte is part of a valid UTF-8 sequence. */
int utf8_valid(const char *p, size_t n);
/** Appends p with each byte that is not valid UTF-8 as U+FFFD, as decoding it in Node would give. */
void utf8_sanitize(Buf *out, const char *p, size_t n);

#endif
