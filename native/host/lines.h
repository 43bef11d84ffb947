/*
 * Splits a byte stream into newline-terminated lines without ever holding more than `max` bytes of one
 * line: a longer line is dropped as it streams and reported once, with its size and first bytes, when its
 * newline comes. A trailing CR is dropped with the newline.
 */
#ifndef BATON_LINES_H
#define BATON_LINES_H

#include <stddef.h>
#include "util.h"

#define PREVIEW_BYTES 200

typedef struct {
  size_t max;
  Buf acc;
  int discarding;
  size_t discarded;
  Buf preview;
  /** The line is valid during the call only. */
  void (*on_line)(void *ctx, const char *p, size_t n);
  void (*on_oversized)(void *ctx, size_t bytes, const char *preview, size_t preview_len);
  void *ctx;
} Lines;

void lines_push(Lines *l, const char *p, size_t n);
/** The stream ended: a last line without its newline still counts. */
void lines_end(Lines *l);
void lines_free(Lines *l);

#endif
