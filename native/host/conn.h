/*
 * The main process attached over the socket (ADR 0004), as src/main/host/connection.ts: after
 * attach(fromSeq) one pump sends every record with a higher seq, from the file and then live, in order and
 * exactly once; a frame that breaks ends this connection only.
 */
#ifndef BATON_CONN_H
#define BATON_CONN_H

#include <stdint.h>
#include "journal.h"
#include "lines.h"
#include "util.h"

/** A send frame carries an 8 MiB line as a JSON string, which escaping can double. */
#define MAX_LINE_BYTES (8 * 1024 * 1024)
#define MAX_FRAME_BYTES (2 * MAX_LINE_BYTES + 4096)
/** Records are read into the outgoing buffer while it holds less than this. */
#define BATCH_BYTES (1 << 20)

typedef struct Conn {
  int fd; /* -1 once closed */
  Lines in;
  Buf out;
  int attached;
  int64_t sent_seq;
  int64_t read_off;
  int caught_up_sent;
  /* bye written: the write side is shut once out is sent, the fd closed when the peer closes or at end_deadline. */
  int ending, wr_shut;
  int64_t end_deadline;
} Conn;

/** What the connection needs from the host (session.c). */
typedef struct {
  Journal *(*journal)(void);
  /** Journals and forwards one line main sent; NULL, or why it was refused. */
  const char *(*send)(const char *line, size_t n);
  void (*stop)(double grace_ms);
  void (*gone)(Conn *c);
} ConnHost;

Conn *conn_new(int fd, const ConnHost *host);
void conn_write(Conn *c, const char *frame, size_t n);
/** The journal grew: send what is new, if attached. */
void conn_kick(Conn *c);
/**
 * Records just written at byte offset start: sent straight from memory when this connection is
 * streaming live and has sent everything before them, else read from the file by the pump.
 */
void conn_offer(Conn *c, int64_t start, const char *bytes, size_t n, int64_t last_seq);
/** Every journaled record has been handed to the socket. */
int conn_drained(const Conn *c, int64_t last_seq);
void conn_bye(Conn *c, const char *reason);
/** poll() said the fd is readable / writable / failed. */
void conn_on_readable(Conn *c);
void conn_on_writable(Conn *c);
void conn_close(Conn *c);
void conn_free(Conn *c);

#endif
