import type { Socket } from 'node:net';
import type { Log } from './files';

/** A main connection replaces the previous one at most this often; one that comes sooner waits its turn. */
export const MIN_REPLACE_MS = 250;
/** Replacements within this window are logged as one line. */
export const REPORT_WINDOW_MS = 10_000;

/**
 * Who gets to be the attached main process, and how often that may change.
 * Normally a connection is admitted at once (replacing the previous one, if
 * any: a restarted main whose old socket is not yet closed). But two Baton
 * processes on one data dir, each reconnecting when replaced, would swap the
 * connection thousands of times a second and fill the host's log; so a
 * replacement within MIN_REPLACE_MS of the last one is held until that time
 * has passed, and a newer connection arriving meanwhile takes the held one's
 * place (the held one is closed before its hello, which its main reads as a
 * host it cannot reach). The newest connection therefore always gets in,
 * within MIN_REPLACE_MS, well inside a main's wait for the hello. The log
 * says the first replacement of a window, then one line with the count.
 */
export class ConnectionGate {
  private lastReplaceAt = Number.NEGATIVE_INFINITY;
  private held: Socket | null = null;
  private heldTimer: ReturnType<typeof setTimeout> | null = null;
  private replaced = 0;
  private dropped = 0;
  private reportTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(
    private readonly log: Log,
    /** Whether a main is attached now (its socket still open). */
    private readonly hasCurrent: () => boolean,
    /** Makes `sock` the attached main; `replacing` says whether it takes a live one's place. */
    private readonly admit: (sock: Socket, replacing: boolean) => void,
    private readonly minReplaceMs = MIN_REPLACE_MS,
  ) {}

  offer(sock: Socket): void {
    // A socket reset while it waits here must end only itself, never the host (no listener = uncaught).
    sock.on('error', () => sock.destroy());
    if (this.closed) {
      sock.destroy();
      return;
    }
    if (this.held) {
      // Only the newest waiting connection matters: the one it replaces would be replaced at once anyway.
      this.held.destroy();
      this.held = sock;
      this.dropped++;
      this.scheduleReport();
      return;
    }
    if (!this.hasCurrent()) {
      this.admit(sock, false);
      return;
    }
    const wait = this.lastReplaceAt + this.minReplaceMs - Date.now();
    if (wait <= 0) {
      this.replace(sock);
      return;
    }
    this.held = sock;
    this.heldTimer = setTimeout(() => {
      this.heldTimer = null;
      const next = this.held;
      this.held = null;
      if (!next || next.destroyed || this.closed) return;
      if (this.hasCurrent()) this.replace(next);
      else this.admit(next, false);
    }, wait);
  }

  /** No more connections (the host is stopping): a held one is closed, new ones refused. */
  close(): void {
    this.closed = true;
    if (this.heldTimer) clearTimeout(this.heldTimer);
    this.heldTimer = null;
    this.held?.destroy();
    this.held = null;
    this.report();
  }

  private replace(sock: Socket): void {
    this.lastReplaceAt = Date.now();
    if (this.reportTimer === null) this.log('main connected, replacing the previous connection');
    else this.replaced++;
    this.scheduleReport();
    this.admit(sock, true);
  }

  private scheduleReport(): void {
    if (this.reportTimer) return;
    this.reportTimer = setTimeout(() => this.report(), REPORT_WINDOW_MS);
    this.reportTimer.unref();
  }

  private report(): void {
    if (this.reportTimer) clearTimeout(this.reportTimer);
    this.reportTimer = null;
    const { replaced, dropped } = this;
    this.replaced = 0;
    this.dropped = 0;
    if (replaced === 0 && dropped === 0) return;
    const also = dropped > 0 ? `; ${dropped} connection(s) that came sooner than ${this.minReplaceMs} ms after a replacement were closed unanswered (is another Baton using this data dir?)` : '';
    this.log(`replaced the connection ${replaced} more time(s) in the last ${REPORT_WINDOW_MS / 1000} s${also}`);
  }
}
