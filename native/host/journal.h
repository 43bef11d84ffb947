/*
 * The session's append-only journal (ADR 0005), the same file the Node host writes: one record a line,
 * {"v":1,"seq":N,"ts":MS,"dir":"in|out|host","msg":...}. Every record is in the kernel before anyone is
 * told of it; fdatasync runs after each record, or grouped on a thread of its own (ADR 0031).
 */
#ifndef BATON_JOURNAL_H
#define BATON_JOURNAL_H

#include <stdint.h>
#include "util.h"

#define JOURNAL_VERSION 1

typedef struct Journal Journal;

typedef struct {
  int64_t bytes;  /* a torn tail cut off at open, 0 if none */
  Buf preview;
} TornTail;

/** Opens (creating) the journal, cuts a torn tail off into torn_path; NULL with errno on failure. */
Journal *journal_open(const char *path, const char *torn_path, int fsync_interval_ms, TornTail *torn);
int64_t journal_last_seq(const Journal *j);
int64_t journal_size(const Journal *j);

/** Arms a crash point (`after_journal_append[:N]`, `mid_journal_write[:N]`); fired_path is written when it fires. */
void journal_arm_fault(Journal *j, const char *spec, const char *fired_path);

/**
 * Appends records of one direction, each message given as one line of JSON text, with one write
 * (one write per record while a crash point is armed, so points count records). On success, *start is
 * the byte offset where they begin and *written holds exactly the bytes written. -1 with errno on failure.
 */
int journal_append(Journal *j, const char *dir, const char *const *msgs, const size_t *lens, size_t count, int64_t *start, Buf *written);

/** Where a reader wanting records after after_seq starts: the sparse index's offset at or before it. */
int64_t journal_offset_for(const Journal *j, int64_t after_seq);

typedef int (*JournalLineFn)(void *ctx, int64_t seq, const char *text, size_t len);
/**
 * Reads complete lines from *off up to the journal's end, calling fn for each valid record (a line of
 * a damaged journal's old part must parse as a record; one this process wrote is trusted by its header).
 * Stops after fn returns non-zero. *off moves past every line read. -1 with errno on a read error.
 */
int journal_read(Journal *j, int64_t *off, JournalLineFn fn, void *ctx);

/** Syncs what was written and closes the file. */
void journal_close(Journal *j);

/** A line as a record: 1 and its seq, or 0 (bad JSON, wrong version, missing field). */
int parse_record_line(const char *text, size_t n, int64_t *seq);

#endif
