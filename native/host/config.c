#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "json.h"
#include "util.h"

/** The raw value of each key the config may hold (the last one when a key repeats, as JSON.parse keeps). */
typedef struct {
  const char *name;
  const char *val, *end;
} Field;

enum { F_V, F_SESSION, F_DATA, F_CWD, F_COMMAND, F_SOCKET, F_LAUNCH, F_ARGS, F_ENV, F_SECRET, F_FSYNC, F_UMASK, F_DEBUG, F_COUNT };
static const char *const NAMES[F_COUNT] = {"v", "sessionId", "dataDir", "cwd", "command", "socketPath", "launchId", "args", "env", "secretEnv", "fsyncIntervalMs", "agentUmask", "debugPoint"};

static int field_member(const JsonMember *m, void *ctx) {
  Field *f = ctx;
  for (int i = 0; i < F_COUNT; i++)
    if (strcmp(m->key, NAMES[i]) == 0) f[i] = (Field){NAMES[i], m->val, m->val_end};
  return 0;
}

/** A decoded string value; NULL if the value is not a string. *nul is set when it holds a NUL. */
static char *string_of(const char *p, const char *end, int *nul) {
  if (!p || *p != '"') return NULL;
  Buf b = {0};
  if (!json_string(p, end, &b)) {
    buf_free(&b);
    return NULL;
  }
  buf_cstr(&b);
  if (nul && strlen(b.data) != b.len) *nul = 1;
  return b.data;
}

typedef struct {
  char **items;
  size_t len;
  int bad;
  int *nul;
} StrList;

/** Walks an array of strings without a DOM: each element must be a string. */
static int string_array(const char *p, const char *end, StrList *out) {
  if (!p || *p != '[') return 0;
  const char *s = p + 1;
  for (;;) {
    while (s < end && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) s++;
    if (s < end && *s == ']') return 1;
    const char *v = s;
    const char *ve = json_skip_value(v, end);
    if (!ve) return 0;
    char *str = string_of(v, ve, out->nul);
    if (!str) return 0;
    out->items = xrealloc(out->items, (out->len + 1) * sizeof *out->items);
    out->items[out->len++] = str;
    s = ve;
    while (s < end && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) s++;
    if (s < end && *s == ',') s++;
  }
}

typedef struct {
  Config *c;
  int bad;
} EnvCtx;

static int env_member(const JsonMember *m, void *ctx) {
  EnvCtx *e = ctx;
  char *v = string_of(m->val, m->val_end, &e->c->has_nul);
  if (!v) {
    e->bad = 1;
    return 1;
  }
  if (strlen(m->key) != m->key_len) e->c->has_nul = 1;
  Config *c = e->c;
  // A repeated name keeps its last value.
  for (size_t i = 0; i < c->nenv; i++) {
    if (strcmp(c->env_names[i], m->key) == 0) {
      free(c->env_values[i]);
      c->env_values[i] = v;
      return 0;
    }
  }
  c->env_names = xrealloc(c->env_names, (c->nenv + 1) * sizeof(char *));
  c->env_values = xrealloc(c->env_values, (c->nenv + 1) * sizeof(char *));
  c->env_names[c->nenv] = xstrdup(m->key);
  c->env_values[c->nenv] = v;
  c->nenv++;
  return 0;
}

static int valid_session_id(const char *s) {
  size_t n = strlen(s);
  if (n < 1 || n > 128) return 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-')) return 0;
  }
  return 1;
}

static int valid_debug_point(const char *s) {
  const char *colon = strchr(s, ':');
  size_t n = colon ? (size_t)(colon - s) : strlen(s);
  return (n == 20 && strncmp(s, "after_journal_append", n) == 0) || (n == 17 && strncmp(s, "mid_journal_write", n) == 0);
}

static char *msg(const char *fmt, const char *a) {
  Buf b = {0};
  buf_addf(&b, fmt, a);
  return (char *)buf_cstr(&b);
}

static Config *parse(const char *text, size_t n, char **error) {
  Field f[F_COUNT] = {0};
  if (!json_object_walk(text, n, field_member, f)) {
    *error = xstrdup("the config is not a JSON object");
    return NULL;
  }
  double d;
  if (!f[F_V].val || !json_number(f[F_V].val, f[F_V].end, &d) || d != 1) {
    Buf b = {0};
    buf_adds(&b, "unsupported config version ");
    if (f[F_V].val) buf_add(&b, f[F_V].val, (size_t)(f[F_V].end - f[F_V].val));
    else buf_adds(&b, "undefined");
    *error = (char *)buf_cstr(&b);
    return NULL;
  }
  Config *c = xmalloc(sizeof *c);
  memset(c, 0, sizeof *c);
  char **strs[] = {&c->session_id, &c->data_dir, &c->cwd, &c->command, &c->socket_path, &c->launch_id};
  for (int i = 0; i < 6; i++) {
    Field *fld = &f[F_SESSION + i];
    *strs[i] = string_of(fld->val, fld->end, i == 2 || i == 3 ? &c->has_nul : NULL);
    if (!*strs[i] || !**strs[i]) {
      *error = msg("\"%s\" must be a non-empty string", fld->name);
      return NULL;
    }
  }
  if (!valid_session_id(c->session_id)) {
    *error = xstrdup("\"sessionId\" may hold only letters, digits, \".\", \"_\" and \"-\"");
    return NULL;
  }
  StrList args = {0};
  args.nul = &c->has_nul;
  if (!string_array(f[F_ARGS].val, f[F_ARGS].end, &args)) {
    *error = xstrdup("\"args\" must be an array of strings");
    return NULL;
  }
  c->args = args.items;
  c->nargs = args.len;
  EnvCtx ectx = {c, 0};
  if (!f[F_ENV].val || *f[F_ENV].val != '{' || !json_object_walk(f[F_ENV].val, (size_t)(f[F_ENV].end - f[F_ENV].val), env_member, &ectx) || ectx.bad) {
    *error = xstrdup("\"env\" must map names to strings");
    return NULL;
  }
  if (f[F_SECRET].val) {
    StrList sec = {0};
    int ignored = 0;
    sec.nul = &ignored;
    if (!string_array(f[F_SECRET].val, f[F_SECRET].end, &sec)) {
      *error = xstrdup("\"secretEnv\" must be an array of names");
      return NULL;
    }
    c->secret_env = sec.items;
    c->nsecret = sec.len;
  }
  c->fsync_interval_ms = 100;
  if (f[F_FSYNC].val && !json_is_word(f[F_FSYNC].val, f[F_FSYNC].end, "null")) {
    if (!json_number(f[F_FSYNC].val, f[F_FSYNC].end, &d) || !(d >= 0 && d < 1e300)) {
      *error = xstrdup("\"fsyncIntervalMs\" must be a number >= 0");
      return NULL;
    }
    c->fsync_interval_ms = d > 3600000 ? 3600000 : (int)d + ((double)(int)d < d);
  }
  c->agent_umask = -1;
  if (f[F_UMASK].val) {
    if (!json_number(f[F_UMASK].val, f[F_UMASK].end, &d) || !is_safe_integer(d) || d < 0 || d > 0777) {
      *error = xstrdup("\"agentUmask\" must be an integer from 0 to 0o777");
      return NULL;
    }
    c->agent_umask = (int)d;
  }
  if (f[F_DEBUG].val) {
    // A misspelt crash point must fail loudly: a fault-injection test that silently injects nothing proves nothing.
    c->debug_point = string_of(f[F_DEBUG].val, f[F_DEBUG].end, NULL);
    if (!c->debug_point || !valid_debug_point(c->debug_point)) {
      Buf b = {0};
      buf_adds(&b, "\"debugPoint\" must name a host debug point, got ");
      buf_add(&b, f[F_DEBUG].val, (size_t)(f[F_DEBUG].end - f[F_DEBUG].val));
      *error = (char *)buf_cstr(&b);
      return NULL;
    }
  }
  return c;
}

const char *config_env(const Config *c, const char *name) {
  for (size_t i = 0; i < c->nenv; i++)
    if (strcmp(c->env_names[i], name) == 0) return c->env_values[i];
  return NULL;
}

Config *config_load(int argc, char **argv, char **error) {
  const char *path = NULL;
  for (int i = 1; i < argc - 1; i++)
    if (strcmp(argv[i], "--config") == 0) path = argv[i + 1];
  if (!path || !*path) {
    *error = xstrdup("usage: host --config <path to JSON config>");
    return NULL;
  }
  Buf text = {0};
  if (read_file(path, &text) != 0) {
    Buf b = {0};
    buf_addf(&b, "cannot read the config %s: %s", path, strerror(errno));
    *error = (char *)buf_cstr(&b);
    return NULL;
  }
  if (!json_valid(text.data ? text.data : "", text.len)) {
    Buf b = {0};
    buf_addf(&b, "cannot read the config %s: not valid JSON", path);
    *error = (char *)buf_cstr(&b);
    buf_free(&text);
    return NULL;
  }
  unlink(path);
  Config *c = parse(text.data, text.len, error);
  buf_free(&text);
  if (!c) return NULL;
  c->envp = xmalloc((c->nenv + 2) * sizeof(char *));
  for (size_t i = 0; i < c->nenv; i++) {
    Buf b = {0};
    buf_addf(&b, "%s=%s", c->env_names[i], c->env_values[i]);
    c->envp[i] = (char *)buf_cstr(&b);
  }
  c->envp[c->nenv] = NULL;
  c->envp[c->nenv + 1] = NULL;
  return c;
}
