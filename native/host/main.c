/* The native session host's start: the config, the lock, the journal, the socket, the agent; then the loop. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "agent.h"
#include "files.h"
#include "host.h"
#include "json.h"

/* ---- start ---- */

static void random_hex(char *out, size_t bytes) {
  unsigned char raw[32];
  int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  ssize_t got = fd >= 0 ? read(fd, raw, bytes) : -1;
  if (fd >= 0) close(fd);
  if (got != (ssize_t)bytes) {
    for (size_t i = 0; i < bytes; i++) raw[i] = (unsigned char)(rand() ^ (int)getpid() ^ (int)now_ms());
  }
  for (size_t i = 0; i < bytes; i++) sprintf(out + 2 * i, "%02x", raw[i]);
}

static void write_host_file(void) {
  char start[64] = "";
  process_start_time(getpid(), start, sizeof start);
  Buf b = {0};
  buf_addf(&b, "{\n  \"v\": 1,\n  \"protocol\": %d,\n  \"sessionId\": ", SOCKET_PROTOCOL);
  json_escape(&b, S.cfg->session_id, strlen(S.cfg->session_id));
  buf_addf(&b, ",\n  \"pid\": %d,\n  \"startTime\": \"%s\",\n  \"startedAt\": %lld,\n  \"nonce\": \"%s\",\n  \"socket\": ", (int)getpid(), start, (long long)S.started_at, S.nonce);
  json_escape(&b, S.cfg->socket_path, strlen(S.cfg->socket_path));
  buf_addf(&b, ",\n  \"agentPid\": %d,\n  \"launchId\": ", (int)S.agent_pid);
  json_escape(&b, S.cfg->launch_id, strlen(S.cfg->launch_id));
  buf_adds(&b, "\n}\n");
  if (write_atomic(S.host_file, b.data, b.len) != 0) hlog("writing host.json failed: %s", strerror(errno));
  buf_free(&b);
}

static void started_record(void) {
  Buf b = {0};
  buf_addf(&b, "{\"started\":{\"pid\":%d,\"protocol\":%d,\"journal\":%d,\"command\":", (int)getpid(), SOCKET_PROTOCOL, JOURNAL_VERSION);
  json_escape(&b, S.cfg->command, strlen(S.cfg->command));
  buf_adds(&b, ",\"args\":[");
  for (size_t i = 0; i < S.cfg->nargs; i++) {
    if (i) buf_addc(&b, ',');
    json_escape(&b, S.cfg->args[i], strlen(S.cfg->args[i]));
  }
  buf_adds(&b, "],\"cwd\":");
  json_escape(&b, S.cfg->cwd, strlen(S.cfg->cwd));
  buf_adds(&b, "}}");
  append_json("host", b.data, b.len);
  buf_free(&b);
}

/** Starts the agent; 0, or -1 once its failure is journaled. */
static int start_agent(void) {
  Config *c = S.cfg;
  // The tag goes in the agent's environment (replacing one the config carried): inherited by everything it starts.
  size_t slot = c->nenv;
  for (size_t i = 0; i < c->nenv; i++)
    if (strcmp(c->env_names[i], HOST_TAG_VAR) == 0) slot = i;
  c->envp[slot] = S.env_tag;
  char **argv = xmalloc((c->nargs + 2) * sizeof(char *));
  argv[0] = c->command;
  for (size_t i = 0; i < c->nargs; i++) argv[i + 1] = c->args[i];
  argv[c->nargs + 1] = NULL;
  AgentSpec spec = {c->command, argv, c->cwd, c->envp, config_env(c, "PATH"), c->agent_umask};
  AgentProc proc;
  Buf error = {0};
  int r;
  if (c->has_nul) {
    buf_addf(&error, "Cannot start \"%s\": an argument or environment variable is not a valid string (a NUL character, say) (ERR_INVALID_ARG_VALUE)", c->command);
    r = -1;
  } else r = agent_spawn(&spec, &proc, &error);
  free(argv);
  if (r != 0) {
    const char *text = buf_cstr(&error);
    hlog("%s", text);
    exit_record("spawn_failed", 0, 0, NULL, text);
    buf_free(&error);
    shutdown_host(OUT_SPAWN_FAILED);
    return -1;
  }
  S.agent_pid = proc.pid;
  S.agent_started = 1;
  S.in_fd = proc.in_fd;
  S.out_fd = proc.out_fd;
  S.err_fd = proc.err_fd;
  hlog("agent %s started as pid %d", c->command, (int)proc.pid);
  write_host_file();
  return 0;
}

int main(int argc, char **argv) {
  // Everything the host writes (journals, logs, host.json) is private to this user (ADR 0011), whoever started us.
  umask(077);
  char *error = NULL;
  Config *cfg = config_load(argc, argv, &error);
  if (!cfg) {
    fprintf(stderr, "baton host: %s\n", error);
    return 2;
  }
  S.cfg = cfg;
  Buf dir = {0};
  buf_addf(&dir, "%s/sessions/%s", cfg->data_dir, cfg->session_id);
  S.dir = (char *)buf_cstr(&dir);
  mkdir_p(S.dir, 0777);
  char *log_path = path_join(S.dir, "host.log");
  log_open(log_path);
  free(log_path);
  hlog("host starting for session %s (native)", cfg->session_id);
  S.journal_path = path_join(S.dir, "journal.jsonl");
  S.torn_path = path_join(S.dir, "journal.torn");
  S.host_file = path_join(S.dir, "host.json");
  S.lock_path = path_join(S.dir, "host.lock");
  S.fired_path = path_join(cfg->data_dir, "debug-point.fired");
  S.started_at = now_ms();
  random_hex(S.nonce, 16);
  Buf tag = {0};
  buf_addf(&tag, "%s.%s", cfg->session_id, S.nonce);
  S.tag = (char *)buf_cstr(&tag);
  Buf env_tag = {0};
  buf_addf(&env_tag, "%s=%s", HOST_TAG_VAR, S.tag);
  S.env_tag = (char *)buf_cstr(&env_tag);

  if (pipe2(S.sig_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
    hlog("fatal: no pipe for signals: %s", strerror(errno));
    return 70;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
  sigemptyset(&sa.sa_mask);
  int caught[] = {SIGCHLD, SIGTERM, SIGINT, SIGHUP};
  for (size_t i = 0; i < sizeof caught / sizeof *caught; i++) sigaction(caught[i], &sa, NULL);
  signal(SIGPIPE, SIG_IGN);

  pid_t holder;
  int locked = lock_acquire(S.lock_path, &holder);
  if (locked != 1) {
    if (locked == 0) hlog("another host (pid %d) holds session %s; exiting", (int)holder, cfg->session_id);
    else hlog("fatal: the session lock could not be taken: %s", strerror(errno));
    return locked == 0 ? OUT_LOCKED : OUT_FAILED;
  }
  S.locked = 1;
  stderr_init(&S.err, S.dir, cfg);
  S.out_lines = (Lines){.max = MAX_LINE_BYTES, .on_line = from_agent, .on_oversized = from_agent_oversized};

  TornTail torn = {0};
  S.journal = journal_open(S.journal_path, S.torn_path, cfg->fsync_interval_ms, &torn);
  if (!S.journal) {
    hlog("fatal: the journal could not be opened: %s", strerror(errno));
    unlink(S.lock_path);
    return OUT_FAILED;
  }
  if (cfg->debug_point) journal_arm_fault(S.journal, cfg->debug_point, S.fired_path);
  hlog("journal open at seq %lld", (long long)journal_last_seq(S.journal));
  if (torn.bytes > 0) {
    char text[200];
    snprintf(text, sizeof text, "The journal's last line was torn by a crash (%lld bytes); it was skipped and saved to journal.torn.", (long long)torn.bytes);
    diagnostic(text, "torn_journal", torn.bytes, torn.preview.data ? torn.preview.data : "", torn.preview.len, 1);
  }
  buf_free(&torn.preview);
  started_record();

  S.listener.has_current = has_current;
  S.listener.admit = admit;
  if (listener_open(&S.listener, cfg->socket_path) != 0) {
    char why[300];
    snprintf(why, sizeof why, "Error: listen %s: %s", cfg->socket_path, strerror(errno));
    fail_host(why);
  } else {
    S.listened = 1;
    start_agent();
  }
  loop();
  finalize();
  return S.outcome;
}

