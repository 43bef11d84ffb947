/* The host's files besides the journal and agent.log: host.lock and host.json. */
#ifndef BATON_FILES_H
#define BATON_FILES_H

#include <stdint.h>
#include <sys/types.h>
#include "util.h"

/** 1: this process holds the session's lock; 0: *holder (or -1) holds it; -1: an error (errno). */
int lock_acquire(const char *path, pid_t *holder);

/** Written whole or not at all: a reader never sees half a host.json. -1 with errno on failure. */
int write_atomic(const char *path, const char *data, size_t n);

#endif
