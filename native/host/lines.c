#include "lines.h"

#include <string.h>

static void emit(Lines *l, const char *p, size_t n) {
  if (n > 0 && p[n - 1] == '\r') n--;
  l->on_line(l->ctx, p, n);
}

static void take(Lines *l, const char *p, size_t n) {
  if (n == 0) return;
  if (l->discarding) {
    l->discarded += n;
    return;
  }
  if (l->acc.len + n > l->max) {
    l->discarding = 1;
    l->discarded = l->acc.len + n;
    l->preview.len = 0;
    size_t from_acc = l->acc.len < PREVIEW_BYTES ? l->acc.len : PREVIEW_BYTES;
    buf_add(&l->preview, l->acc.data, from_acc);
    size_t rest = PREVIEW_BYTES - from_acc;
    buf_add(&l->preview, p, n < rest ? n : rest);
    // The oversized line's bytes are not kept: memory stays bounded by max.
    buf_free(&l->acc);
    return;
  }
  buf_add(&l->acc, p, n);
}

static void finish_line(Lines *l) {
  if (l->discarding) {
    l->discarding = 0;
    size_t bytes = l->discarded;
    l->discarded = 0;
    l->on_oversized(l->ctx, bytes, l->preview.data, l->preview.len);
    l->preview.len = 0;
    return;
  }
  size_t n = l->acc.len;
  l->acc.len = 0;
  emit(l, l->acc.data, n);
}

void lines_push(Lines *l, const char *p, size_t n) {
  size_t start = 0;
  while (start < n) {
    const char *nl = memchr(p + start, '\n', n - start);
    size_t end = nl ? (size_t)(nl - p) : n;
    if (nl && l->acc.len == 0 && !l->discarding && end - start <= l->max) {
      // A whole line inside this chunk (the common case): handed over without a copy.
      emit(l, p + start, end - start);
      start = end + 1;
      continue;
    }
    take(l, p + start, end - start);
    if (!nl) return;
    finish_line(l);
    start = end + 1;
  }
}

void lines_end(Lines *l) {
  if (l->acc.len > 0 || l->discarding) finish_line(l);
}

void lines_free(Lines *l) {
  buf_free(&l->acc);
  buf_free(&l->preview);
}
