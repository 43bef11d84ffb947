/*
 * The same per-line work as relay.mjs, compiled: what a session host in a compiled language would cost at the
 * least (bench/host-alternatives.bench.ts, ADR 0022). `relay <socket> <journal>`: the agent's output on stdin, each
 * line framed as a journal record, each read journaled in one write and forwarded in one write to the socket.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static char in[1 << 16];
static char out[(1 << 16) * 2];

static int write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 3) return 2;
  int journal = open(argv[2], O_WRONLY | O_CREAT | O_APPEND, 0600);
  int sock = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  strncpy(addr.sun_path, argv[1], sizeof addr.sun_path - 1);
  if (journal < 0 || sock < 0 || connect(sock, (struct sockaddr *)&addr, sizeof addr) != 0) return 3;
  size_t have = 0;
  unsigned long seq = 0;
  /* Inside a line longer than `in`: skipped up to its newline, as the host drops an oversized line. */
  int skipping = 0;
  for (;;) {
    ssize_t n = read(0, in + have, sizeof in - have);
    if (n <= 0) break;
    have += (size_t)n;
    size_t start = 0, len = 0;
    if (skipping) {
      char *nl = memchr(in, '\n', have);
      if (!nl) {
        have = 0;
        continue;
      }
      skipping = 0;
      start = (size_t)(nl - in) + 1;
    }
    for (size_t i = start; i < have; i++) {
      if (in[i] != '\n') continue;
      if (len + (i - start) + 100 > sizeof out) {
        /* Many short lines in one read: what is framed so far goes out first. */
        if (write_all(journal, out, len) != 0 || write_all(sock, out, len) != 0) return 4;
        len = 0;
      }
      struct timespec ts;
      clock_gettime(CLOCK_REALTIME, &ts);
      long long ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
      len += (size_t)snprintf(out + len, sizeof out - len, "{\"v\":1,\"seq\":%lu,\"ts\":%lld,\"dir\":\"in\",\"msg\":", ++seq, ms);
      memcpy(out + len, in + start, i - start);
      len += i - start;
      memcpy(out + len, "}\n", 2);
      len += 2;
      start = i + 1;
    }
    if (len > 0 && (write_all(journal, out, len) != 0 || write_all(sock, out, len) != 0)) return 4;
    memmove(in, in + start, have - start);
    have -= start;
    if (have == sizeof in) {
      /* A line longer than the buffer (not exercised by the bench): dropped, up to and with its newline. */
      have = 0;
      skipping = 1;
    }
  }
  return 0;
}
