/* The native session host's poll loop: signals, the agent's pipes, the listening socket, main's connections. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "agent.h"
#include "files.h"
#include "host.h"
#include "json.h"

/** A tool process that inherited the agent's stdout can keep it open forever; we stop waiting for it. */
#define DRAIN_AFTER_EXIT_MS 1000

/** Connections that closed while current: freed at the end of the loop's round, never inside their own callbacks. */
static Conn **dead;
static size_t dead_len, dead_cap;

static void conn_gone(Conn *c) {
  // A replaced connection's end is implied by the replacement; it is freed by sweep_ending.
  if (S.cur != c) return;
  S.cur = NULL;
  if (dead_len == dead_cap) {
    dead_cap = dead_cap ? dead_cap * 2 : 4;
    dead = xrealloc(dead, dead_cap * sizeof *dead);
  }
  dead[dead_len++] = c;
  hlog("main disconnected");
}

static const ConnHost CONN_HOST = {get_journal, from_main, stop_agent, conn_gone};

static void hello(Conn *c) {
  Buf b = {0};
  buf_addf(&b, "{\"t\":\"hello\",\"protocol\":%d,\"sessionId\":", SOCKET_PROTOCOL);
  json_escape(&b, S.cfg->session_id, strlen(S.cfg->session_id));
  buf_addf(&b, ",\"nonce\":\"%s\",\"pid\":%d,\"startedAt\":%lld,\"agentPid\":", S.nonce, (int)getpid(), (long long)S.started_at);
  if (S.agent_started) buf_addf(&b, "%d", (int)S.agent_pid);
  else buf_adds(&b, "null");
  buf_addf(&b, ",\"lastSeq\":%lld}\n", (long long)(S.journal ? journal_last_seq(S.journal) : 0));
  conn_write(c, b.data, b.len);
  buf_free(&b);
}

static void park_ending(Conn *c) {
  for (int i = 0; i < MAX_ENDING; i++) {
    if (!S.ending[i]) {
      S.ending[i] = c;
      return;
    }
  }
  // Too many goodbyes at once (mains replacing each other): the oldest ends now. Never in its callbacks:
  // parking happens on accept, after the round's connection events.
  conn_close(S.ending[0]);
  conn_free(S.ending[0]);
  memmove(S.ending, S.ending + 1, (MAX_ENDING - 1) * sizeof *S.ending);
  S.ending[MAX_ENDING - 1] = c;
}

void admit(int fd, int replacing) {
  Conn *old = S.cur;
  Conn *c = conn_new(fd, &CONN_HOST);
  S.cur = c;
  if (!replacing) hlog("main connected");
  hello(c);
  if (old) {
    conn_bye(old, "replaced");
    park_ending(old);
  }
}

int has_current(void) { return S.cur != NULL && S.cur->fd >= 0; }

/* ---- the loop ---- */

void on_signal(int sig) {
  int e = errno;
  unsigned char b = (unsigned char)sig;
  (void)!write(S.sig_pipe[1], &b, 1);
  errno = e;
}

static void handle_signals(void) {
  unsigned char sigs[64];
  ssize_t n;
  while ((n = read(S.sig_pipe[0], sigs, sizeof sigs)) > 0) {
    for (ssize_t i = 0; i < n; i++) {
      int sig = sigs[i];
      if (sig == SIGCHLD) {
        int st;
        pid_t p;
        while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
          if (p != S.agent_pid || S.agent_exited) continue;
          S.agent_exited = 1;
          S.exit_code_set = WIFEXITED(st);
          S.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 0;
          S.exit_signal = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
          S.drain_deadline = mono_ms() + DRAIN_AFTER_EXIT_MS;
          if (S.in_fd >= 0) close(S.in_fd);
          S.in_fd = -1;
          S.stdin_buf.len = 0;
        }
      } else if (sig == SIGHUP) {
        // Detached with no terminal: a hangup is not ours to act on.
        hlog("SIGHUP ignored");
      } else if (sig == SIGTERM || sig == SIGINT) {
        // Stop the agent cleanly rather than orphan it.
        stop_agent(3000);
      }
    }
  }
}

static void read_agent(int *fd, Lines *lines, int is_stdout) {
  char buf[65536];
  for (int round = 0; round < 16 && *fd >= 0; round++) {
    ssize_t r = read(*fd, buf, sizeof buf);
    if (r < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return;
      r = 0;
    }
    if (r == 0) {
      close(*fd);
      *fd = -1;
      return;
    }
    lines_push(lines, buf, (size_t)r);
    if (is_stdout) flush_from_agent();
  }
}

static void write_agent(void) {
  while (S.in_fd >= 0 && S.stdin_buf.len > 0) {
    ssize_t w = write(S.in_fd, S.stdin_buf.data, S.stdin_buf.len);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return;
      // EPIPE after the agent died: its exit is reported by SIGCHLD, not here.
      close(S.in_fd);
      S.in_fd = -1;
      S.stdin_buf.len = 0;
      return;
    }
    buf_consume(&S.stdin_buf, (size_t)w);
  }
}

static int64_t min_deadline(int64_t a, int64_t b) { return !a ? b : !b ? a : a < b ? a : b; }

static void sweep_ending(void) {
  for (size_t i = 0; i < dead_len; i++) conn_free(dead[i]);
  dead_len = 0;
  int64_t now = mono_ms();
  for (int i = 0; i < MAX_ENDING; i++) {
    Conn *c = S.ending[i];
    if (!c) continue;
    if (c->fd >= 0 && now >= c->end_deadline) conn_close(c);
    if (c->fd < 0) {
      conn_free(c);
      S.ending[i] = NULL;
    }
  }
}

void loop(void) {
  while (S.phase != DONE) {
    struct pollfd fds[8 + MAX_ENDING];
    Conn *conns[8 + MAX_ENDING] = {0};
    int n = 0;
    fds[n++] = (struct pollfd){S.sig_pipe[0], POLLIN, 0};
    int i_listen = -1, i_out = -1, i_err = -1, i_in = -1;
    if (S.listener.fd >= 0) i_listen = n, fds[n++] = (struct pollfd){S.listener.fd, POLLIN, 0};
    if (S.out_fd >= 0) i_out = n, fds[n++] = (struct pollfd){S.out_fd, POLLIN, 0};
    if (S.err_fd >= 0) i_err = n, fds[n++] = (struct pollfd){S.err_fd, POLLIN, 0};
    if (S.in_fd >= 0 && S.stdin_buf.len > 0) i_in = n, fds[n++] = (struct pollfd){S.in_fd, POLLOUT, 0};
    Conn *all[1 + MAX_ENDING];
    int nall = 0;
    if (S.cur && S.cur->fd >= 0) all[nall++] = S.cur;
    for (int i = 0; i < MAX_ENDING; i++)
      if (S.ending[i] && S.ending[i]->fd >= 0) all[nall++] = S.ending[i];
    for (int i = 0; i < nall; i++) {
      conns[n] = all[i];
      fds[n++] = (struct pollfd){all[i]->fd, (short)(POLLIN | (all[i]->out.len > 0 ? POLLOUT : 0)), 0};
    }

    int64_t due = 0;
    due = min_deadline(due, S.err.flush_at);
    due = min_deadline(due, listener_due(&S.listener));
    if (S.agent_exited && (S.out_fd >= 0 || S.err_fd >= 0)) due = min_deadline(due, S.drain_deadline);
    if (S.stopping && !S.stop_reap.done) due = min_deadline(due, S.stop_reap.next_tick);
    if ((S.phase == FINISH_LEFTOVERS || S.phase == FAIL_REAP) && !S.end_reap.done) due = min_deadline(due, S.end_reap.next_tick);
    if (S.phase == SHUT_DRAIN) due = min_deadline(due, S.phase_deadline);
    if (S.phase == SHUT_BYE && S.cur && S.cur->fd >= 0) due = min_deadline(due, S.cur->end_deadline);
    for (int i = 0; i < MAX_ENDING; i++)
      if (S.ending[i]) due = min_deadline(due, S.ending[i]->end_deadline);
    int timeout = -1;
    if (due) {
      int64_t left = due - mono_ms();
      timeout = left <= 0 ? 0 : left > 60000 ? 60000 : (int)left;
    }
    // Work a state change left to do is done on this round, not after a wait.
    if (S.phase == FINISH_WAIT_STOP || S.phase == SHUT_DRAIN) timeout = timeout < 0 || timeout > 10 ? 10 : timeout;

    int r = poll(fds, (nfds_t)n, timeout);
    if (r < 0 && errno != EINTR) {
      fail_host("Error: poll failed");
    }
    if (r > 0) {
      if (fds[0].revents) handle_signals();
      if (i_out >= 0 && fds[i_out].revents) read_agent(&S.out_fd, &S.out_lines, 1);
      if (i_err >= 0 && fds[i_err].revents) read_agent(&S.err_fd, &S.err.lines, 0);
      if (i_in >= 0 && fds[i_in].revents) write_agent();
      for (int i = 0; i < n; i++) {
        Conn *c = conns[i];
        if (!c || !fds[i].revents || c->fd < 0) continue;
        if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) conn_on_readable(c);
        if (c->fd >= 0 && (fds[i].revents & POLLOUT)) conn_on_writable(c);
      }
      if (i_listen >= 0 && (fds[i_listen].revents & POLLIN)) listener_accept(&S.listener);
    }
    write_agent();
    int64_t now = mono_ms();
    if (S.err.flush_at && now >= S.err.flush_at) stderr_flush(&S.err, S.cur);
    listener_tick(&S.listener, now);
    if (S.stopping && !S.stop_reap.done) reap_tick(&S.stop_reap, now);
    if (S.agent_exited && (S.out_fd >= 0 || S.err_fd >= 0) && now >= S.drain_deadline) {
      if (S.out_fd >= 0) close(S.out_fd);
      if (S.err_fd >= 0) close(S.err_fd);
      S.out_fd = S.err_fd = -1;
    }
    if (S.agent_exited && S.out_fd < 0 && S.err_fd < 0 && S.phase == RUNNING && !S.finished) agent_done();
    if (S.phase == FINISH_WAIT_STOP || S.phase == FINISH_LEFTOVERS || S.phase == FAIL_REAP) advance_end();
    if (S.phase == SHUT_DRAIN || S.phase == SHUT_BYE) advance_shutdown();
    sweep_ending();
  }
}

