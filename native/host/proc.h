/* The process table as reaping and liveness need it (Linux /proc), and the agent tree's reaping. */
#ifndef BATON_PROC_H
#define BATON_PROC_H

#include <stdint.h>
#include <sys/types.h>

typedef struct {
  pid_t pid, ppid, pgid;
  char state;
} ProcInfo;

/** Field 22 of /proc/<pid>/stat as text (clock ticks after boot), or 0 if the process is gone. */
int process_start_time(pid_t pid, char *out, size_t cap);
/** Exists and is not a zombie. */
int pid_alive(pid_t pid);

/** Pids a reap has signalled; grows as it goes. */
typedef struct {
  pid_t *pids;
  size_t len, cap;
} PidSet;

void pidset_add(PidSet *s, pid_t p);
int pidset_has(const PidSet *s, pid_t p);
void pidset_free(PidSet *s);

/**
 * A reap of the agent's tree in steps the event loop drives (it never blocks the host): SIGTERM to the
 * tree, re-scanned every 50 ms so a process forked meanwhile is caught too; after grace_ms SIGKILL to
 * what is left, every 20 ms for up to 5 s. The tree is the agent by ppid, every process carrying the
 * host's tag in its environment, and every member of those processes' groups (never our own).
 */
typedef struct {
  pid_t agent; /* 0 if it never started */
  char *env_tag; /* NAME=value */
  int active, done;
  int killing;
  int64_t deadline, kill_deadline, next_tick;
  PidSet signalled;
  PidSet groups;
} Reap;

/** Starts a reap; done at once if nothing runs. */
void reap_start(Reap *r, pid_t agent, const char *env_tag, int grace_ms);
/** Advances it when now >= next_tick. */
void reap_tick(Reap *r, int64_t now);
/** The number of processes of the tree still running. */
size_t reap_count_tree(pid_t agent, const char *env_tag);
void reap_free(Reap *r);

#endif
