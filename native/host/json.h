/*
 * The JSON the host reads and writes, without a DOM: checking that a line is one JSON value, walking an
 * object's top-level members, decoding and escaping strings. Checking is iterative, so a line nested a
 * million deep is refused or accepted without touching the C stack.
 */
#ifndef BATON_JSON_H
#define BATON_JSON_H

#include <stddef.h>
#include "util.h"

/** Skips one JSON value starting at p (whitespace first); the byte after it, or NULL if it is not valid JSON. */
const char *json_skip_value(const char *p, const char *end);
/** The whole of p[0..n) is one JSON value, whitespace around it allowed (what JSON.parse accepts). */
int json_valid(const char *p, size_t n);
/** The whole of p[0..n) is one JSON object, whitespace around it allowed (what JSON.parse accepts as an object). */
int json_is_object(const char *p, size_t n);

typedef struct {
  const char *key; /* decoded, NUL-terminated */
  size_t key_len;
  const char *val; /* the raw value's bytes */
  const char *val_end;
} JsonMember;

typedef int (*JsonMemberFn)(const JsonMember *m, void *ctx);
/**
 * Calls fn for each top-level member of the object in p[0..n), in order (a repeated key is seen twice:
 * the callback overwrites, so the last wins as in JSON.parse). 0 if it is not one valid object, or fn
 * returned non-zero; 1 otherwise.
 */
int json_object_walk(const char *p, size_t n, JsonMemberFn fn, void *ctx);

/** Decodes the JSON string at [p, end) (p at its quote) into out as UTF-8; 0 if it is not one string. */
int json_string(const char *p, const char *end, Buf *out);
/** The number at [p, end); 0 if the value is not a number. */
int json_number(const char *p, const char *end, double *out);
/** 1 if the raw value is exactly the literal word (true, false, null). */
int json_is_word(const char *p, const char *end, const char *word);

/** Appends s as a quoted JSON string, escaped as JSON.stringify does; bytes that are not UTF-8 become U+FFFD. */
void json_escape(Buf *out, const char *s, size_t n);
/** Appends the JSON value in p[0..n) without whitespace outside strings (the one-line form of pretty JSON). */
void json_minify(Buf *out, const char *p, size_t n);

/** Appends a finite number as JSON.stringify writes it (for the integers and plain fractions the host writes). */
void json_put_number(Buf *out, double v);
/** Number.isSafeInteger. */
int is_safe_integer(double v);

#endif
