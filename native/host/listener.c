#include "listener.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "util.h"

/** A main connection replaces the previous one at most this often; one that comes sooner waits its turn. */
#define MIN_REPLACE_MS 250
/** Replacements within this window are logged as one line. */
#define REPORT_WINDOW_MS 10000

static void report(Listener *l) {
  l->report_at = 0;
  int replaced = l->replaced, dropped = l->dropped;
  l->replaced = l->dropped = 0;
  if (replaced == 0 && dropped == 0) return;
  char also[200] = "";
  if (dropped > 0) snprintf(also, sizeof also, "; %d connection(s) that came sooner than %d ms after a replacement were closed unanswered (is another Baton using this data dir?)", dropped, MIN_REPLACE_MS);
  hlog("replaced the connection %d more time(s) in the last %d s%s", replaced, REPORT_WINDOW_MS / 1000, also);
}

static void schedule_report(Listener *l) {
  if (!l->report_at) l->report_at = mono_ms() + REPORT_WINDOW_MS;
}

static void replace_with(Listener *l, int fd) {
  l->last_replace_at = mono_ms();
  if (!l->report_at) hlog("main connected, replacing the previous connection");
  else l->replaced++;
  schedule_report(l);
  l->admit(fd, 1);
}

/** Who gets to be the attached main, and how often that may change (connection-gate.ts). */
static void offer(Listener *l, int fd) {
  if (l->closed) {
    close(fd);
    return;
  }
  if (l->held_fd >= 0) {
    // Only the newest waiting connection matters: the one it replaces would be replaced at once anyway.
    close(l->held_fd);
    l->held_fd = fd;
    l->dropped++;
    schedule_report(l);
    return;
  }
  if (!l->has_current()) {
    l->admit(fd, 0);
    return;
  }
  int64_t wait = l->last_replace_at + MIN_REPLACE_MS - mono_ms();
  if (l->last_replace_at == 0 || wait <= 0) {
    replace_with(l, fd);
    return;
  }
  l->held_fd = fd;
  l->held_until = mono_ms() + wait;
}

static void held_due(Listener *l) {
  int fd = l->held_fd;
  l->held_fd = -1;
  l->held_until = 0;
  if (fd < 0 || l->closed) return;
  if (l->has_current()) replace_with(l, fd);
  else l->admit(fd, 0);
}

void listener_close(Listener *l) {
  l->closed = 1;
  if (l->held_fd >= 0) close(l->held_fd);
  l->held_fd = -1;
  l->held_until = 0;
  report(l);
  if (l->fd >= 0) close(l->fd);
  l->fd = -1;
  if (l->spare_fd >= 0) close(l->spare_fd);
  l->spare_fd = -1;
}

void listener_accept(Listener *l) {
  while (l->fd >= 0) {
    int cfd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (cfd >= 0) {
      offer(l, cfd);
      continue;
    }
    if ((errno == EMFILE || errno == ENFILE) && l->spare_fd >= 0) {
      // Out of descriptors: the waiting connection is taken with the spare one and closed at once, as libuv
      // does, so the listener stops being readable instead of waking the loop forever.
      close(l->spare_fd);
      int drop = accept4(l->fd, NULL, NULL, SOCK_CLOEXEC);
      if (drop >= 0) close(drop);
      l->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
      hlog("a connection was refused: out of file descriptors");
      continue;
    }
    return;
  }
}

int64_t listener_due(const Listener *l) {
  if (!l->held_until) return l->report_at;
  if (!l->report_at) return l->held_until;
  return l->held_until < l->report_at ? l->held_until : l->report_at;
}

void listener_tick(Listener *l, int64_t now) {
  if (l->held_until && now >= l->held_until) held_due(l);
  if (l->report_at && now >= l->report_at) report(l);
}

int listener_open(Listener *l, const char *path) {
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  if (strlen(path) >= sizeof addr.sun_path) {
    errno = ENAMETOOLONG;
    return -1;
  }
  strcpy(addr.sun_path, path);
  unlink(path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, 64) != 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  chmod(path, 0600);
  l->fd = fd;
  l->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  return 0;
}

