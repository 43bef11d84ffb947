#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *ws(const char *p, const char *end) {
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
  return p;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static const char *skip_string(const char *p, const char *end) {
  p++;
  while (p < end) {
    unsigned char c = (unsigned char)*p;
    if (c == '"') return p + 1;
    if (c < 0x20) return NULL;
    if (c == '\\') {
      if (p + 1 >= end) return NULL;
      char e = p[1];
      if (e == 'u') {
        if (p + 6 > end) return NULL;
        for (int i = 2; i < 6; i++)
          if (hexval(p[i]) < 0) return NULL;
        p += 6;
        continue;
      }
      if (!strchr("\"\\/bfnrt", e) || e == 0) return NULL;
      p += 2;
      continue;
    }
    p++;
  }
  return NULL;
}

static const char *skip_number(const char *p, const char *end) {
  if (p < end && *p == '-') p++;
  if (p >= end) return NULL;
  if (*p == '0') p++;
  else if (*p >= '1' && *p <= '9') {
    while (p < end && *p >= '0' && *p <= '9') p++;
  } else return NULL;
  if (p < end && *p == '.') {
    p++;
    if (p >= end || *p < '0' || *p > '9') return NULL;
    while (p < end && *p >= '0' && *p <= '9') p++;
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    p++;
    if (p < end && (*p == '+' || *p == '-')) p++;
    if (p >= end || *p < '0' || *p > '9') return NULL;
    while (p < end && *p >= '0' && *p <= '9') p++;
  }
  return p;
}

static const char *skip_word(const char *p, const char *end, const char *w) {
  size_t n = strlen(w);
  if ((size_t)(end - p) < n || memcmp(p, w, n) != 0) return NULL;
  return p + n;
}

const char *json_skip_value(const char *p, const char *end) {
  // The open containers, innermost last; grown on the heap past 64 so depth is bounded by memory only.
  char small[64];
  char *stack = small;
  size_t depth = 0, cap = sizeof small;
  const char *result = NULL;
  enum { VALUE, AFTER, KEY } want = VALUE;
  for (;;) {
    p = ws(p, end);
    if (want == KEY) {
      if (p >= end || *p != '"') goto out;
      p = skip_string(p, end);
      if (!p) goto out;
      p = ws(p, end);
      if (p >= end || *p != ':') goto out;
      p++;
      want = VALUE;
      continue;
    }
    if (want == AFTER) {
      if (depth == 0) {
        result = p;
        goto out;
      }
      if (p >= end) goto out;
      char top = stack[depth - 1];
      if (*p == ',') {
        p++;
        want = top == '{' ? KEY : VALUE;
      } else if ((top == '{' && *p == '}') || (top == '[' && *p == ']')) {
        p++;
        depth--;
      } else goto out;
      continue;
    }
    if (p >= end) goto out;
    char c = *p;
    if (c == '{' || c == '[') {
      if (depth == cap) {
        char *grown = xmalloc(cap * 2);
        memcpy(grown, stack, cap);
        if (stack != small) free(stack);
        stack = grown;
        cap *= 2;
      }
      stack[depth++] = c;
      p = ws(p + 1, end);
      if (p < end && *p == (c == '{' ? '}' : ']')) {
        p++;
        depth--;
        want = AFTER;
      } else want = c == '{' ? KEY : VALUE;
      continue;
    }
    if (c == '"') p = skip_string(p, end);
    else if (c == 't') p = skip_word(p, end, "true");
    else if (c == 'f') p = skip_word(p, end, "false");
    else if (c == 'n') p = skip_word(p, end, "null");
    else p = skip_number(p, end);
    if (!p) goto out;
    want = AFTER;
  }
out:
  if (stack != small) free(stack);
  return result;
}

int json_valid(const char *p, size_t n) {
  const char *end = p + n;
  const char *after = json_skip_value(p, end);
  return after != NULL && ws(after, end) == end;
}

int json_is_object(const char *p, size_t n) {
  const char *end = p + n;
  const char *s = ws(p, end);
  if (s >= end || *s != '{') return 0;
  const char *after = json_skip_value(s, end);
  return after != NULL && ws(after, end) == end;
}

static void put_utf8(Buf *out, unsigned cp) {
  char b[4];
  if (cp < 0x80) {
    b[0] = (char)cp;
    buf_add(out, b, 1);
  } else if (cp < 0x800) {
    b[0] = (char)(0xc0 | (cp >> 6));
    b[1] = (char)(0x80 | (cp & 0x3f));
    buf_add(out, b, 2);
  } else if (cp < 0x10000) {
    b[0] = (char)(0xe0 | (cp >> 12));
    b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
    b[2] = (char)(0x80 | (cp & 0x3f));
    buf_add(out, b, 3);
  } else {
    b[0] = (char)(0xf0 | (cp >> 18));
    b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    b[3] = (char)(0x80 | (cp & 0x3f));
    buf_add(out, b, 4);
  }
}

/** The one-letter escapes JSON has for control characters: each letter, then the byte it stands for. */
static const char SHORT_ESCAPES[] = "b\bf\fn\nr\rt\t";

/** The byte `\<letter>` stands for, or -1. */
static int escaped_byte(char letter) {
  for (const char *e = SHORT_ESCAPES; *e; e += 2)
    if (e[0] == letter) return (unsigned char)e[1];
  return -1;
}

/** The letter that escapes a control byte, or 0 if it has none (then it is written as \u00XX). */
static char escape_letter(unsigned char byte) {
  for (const char *e = SHORT_ESCAPES; *e; e += 2)
    if ((unsigned char)e[1] == byte) return e[0];
  return 0;
}

static unsigned hex4(const char *p) { return (unsigned)(hexval(p[0]) << 12 | hexval(p[1]) << 8 | hexval(p[2]) << 4 | hexval(p[3])); }

int json_string(const char *p, const char *end, Buf *out) {
  const char *stop = p < end && *p == '"' ? skip_string(p, end) : NULL;
  if (!stop || stop != end) return 0;
  p++;
  end--;
  while (p < end) {
    if (*p != '\\') {
      const char *q = p;
      while (q < end && *q != '\\') q++;
      buf_add(out, p, (size_t)(q - p));
      p = q;
      continue;
    }
    char e = p[1];
    p += 2;
    int byte = escaped_byte(e);
    if (byte >= 0) {
      buf_addc(out, (char)byte);
      continue;
    }
    switch (e) {
      case 'u': {
        unsigned cp = hex4(p);
        p += 4;
        if (cp >= 0xd800 && cp <= 0xdbff && p + 6 <= end && p[0] == '\\' && p[1] == 'u') {
          unsigned lo = hex4(p + 2);
          if (lo >= 0xdc00 && lo <= 0xdfff) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            p += 6;
          }
        }
        // A lone surrogate has no UTF-8 form: as when Node writes such a string, it becomes U+FFFD.
        if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
        put_utf8(out, cp);
        break;
      }
      default: buf_addc(out, e);
    }
  }
  return 1;
}

int json_number(const char *p, const char *end, double *out) {
  if (p >= end || skip_number(p, end) != end) return 0;
  size_t n = (size_t)(end - p);
  char small[64];
  char *s = n < sizeof small ? small : xmalloc(n + 1);
  memcpy(s, p, n);
  s[n] = 0;
  *out = strtod(s, NULL);
  if (s != small) free(s);
  return 1;
}

int json_is_word(const char *p, const char *end, const char *word) {
  size_t n = strlen(word);
  return (size_t)(end - p) == n && memcmp(p, word, n) == 0;
}

int json_object_walk(const char *p, size_t n, JsonMemberFn fn, void *ctx) {
  const char *end = p + n;
  const char *s = ws(p, end);
  if (s >= end || *s != '{') return 0;
  const char *after = json_skip_value(s, end);
  if (!after || ws(after, end) != end) return 0;
  // Valid as a whole: the walk below can trust the grammar.
  s = ws(s + 1, end);
  if (*s == '}') return 1;
  Buf key = {0};
  int ok = 1;
  for (;;) {
    const char *kend = skip_string(s, end);
    key.len = 0;
    json_string(s, kend, &key);
    s = ws(kend, end);
    s = ws(s + 1, end);
    const char *vend = json_skip_value(s, end);
    JsonMember m = {buf_cstr(&key), key.len, s, vend};
    if (fn(&m, ctx) != 0) {
      ok = 0;
      break;
    }
    s = ws(vend, end);
    if (*s == '}') break;
    s = ws(s + 1, end);
  }
  buf_free(&key);
  return ok;
}

void json_escape(Buf *out, const char *s, size_t n) {
  buf_reserve(out, n + 2);
  buf_addc(out, '"');
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0;
  while (i < n) {
    size_t run = i;
    while (run < n && u[run] >= 0x20 && u[run] < 0x80 && u[run] != '"' && u[run] != '\\') run++;
    buf_add(out, s + i, run - i);
    i = run;
    if (i >= n) break;
    unsigned char c = u[i];
    if (c == '"' || c == '\\') {
      buf_addc(out, '\\');
      buf_addc(out, (char)c);
      i++;
    } else if (c < 0x20) {
      char letter = escape_letter(c);
      if (letter) {
        buf_addc(out, '\\');
        buf_addc(out, letter);
      } else buf_addf(out, "\\u%04x", c);
      i++;
    } else {
      // Non-ASCII: copied when it is valid UTF-8, else U+FFFD, as decoding the bytes in Node would give.
      int valid;
      size_t len = utf8_step(s + i, n - i, &valid);
      if (valid) buf_add(out, s + i, len);
      else buf_adds(out, "\xef\xbf\xbd");
      i += len;
    }
  }
  buf_addc(out, '"');
}

void json_minify(Buf *out, const char *p, size_t n) {
  const char *end = p + n;
  while (p < end) {
    char c = *p;
    if (c == '"') {
      const char *q = skip_string(p, end);
      if (!q) q = end;
      buf_add(out, p, (size_t)(q - p));
      p = q;
    } else {
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') buf_addc(out, c);
      p++;
    }
  }
}

void json_put_number(Buf *out, double v) {
  double mag = v < 0 ? -v : v;
  if (mag < 1e21 && (double)(long long)v == v) {
    buf_addf(out, "%lld", (long long)v);
    return;
  }
  // The shortest form that reads back as the same double, as JS prints numbers.
  char tmp[40];
  for (int p = 1; p <= 17; p++) {
    snprintf(tmp, sizeof tmp, "%.*g", p, v);
    if (strtod(tmp, NULL) == v) break;
  }
  // JS writes an exponent without leading zeros: 1e-7, not 1e-07.
  char *e = strchr(tmp, 'e');
  if (e && (e[1] == '-' || e[1] == '+')) {
    char *digits = e + 2;
    char *nz = digits;
    while (*nz == '0' && nz[1]) nz++;
    memmove(digits, nz, strlen(nz) + 1);
  }
  buf_adds(out, tmp);
}

int is_safe_integer(double v) {
  // NaN and the infinities fail the range test; inside it the cast is exact for integers.
  if (!(v >= -9007199254740991.0 && v <= 9007199254740991.0)) return 0;
  return (double)(long long)v == v;
}
