/*
 * The host's listening socket and who gets to be the attached main (src/main/host/connection-gate.ts): a
 * connection is admitted at once, replacing the previous one; but a replacement within 250 ms of the last one
 * waits its turn, and a newer one arriving meanwhile takes its place, so two Batons on one data dir cannot swap
 * the connection thousands of times a second. The log says the first replacement of a 10 s window, then a count.
 */
#ifndef BATON_LISTENER_H
#define BATON_LISTENER_H

#include <stdint.h>

typedef struct {
  int fd; /* -1 once closed */
  /* Held open so a connection can still be accepted (and closed) when descriptors run out. */
  int spare_fd;
  int closed;
  int held_fd;
  int64_t held_until;
  int64_t last_replace_at, report_at;
  int replaced, dropped;
  /** Whether a main is attached now (its socket still open). */
  int (*has_current)(void);
  /** Makes fd the attached main; replacing says whether it takes a live one's place. */
  void (*admit)(int fd, int replacing);
} Listener;

/** Listens on path (mode 0600); -1 with errno. */
int listener_open(Listener *l, const char *path);
/** The socket is readable: takes every waiting connection. */
void listener_accept(Listener *l);
/** When listener_tick has work (a held connection, a report), 0 for never. */
int64_t listener_due(const Listener *l);
void listener_tick(Listener *l, int64_t now);
/** No more connections (the host is stopping): a held one is closed, new ones refused by the OS. Idempotent. */
void listener_close(Listener *l);

#endif
