/** One connection to a terminal host (main, usually): frames in, output out, with backpressure on the pty. */
import type { Socket } from 'node:net';
import type { Log } from './files';
import { endSocket, graceOf, readFrames } from './frame-socket';
import { isRecordObject } from './protocol';
import { MAX_INPUT_BYTES, type TerminalHello, type TerminalHostFrame } from './terminal-protocol';
import type { RingSlice } from './terminal-ring';

/** What a connection needs from its host. */
export interface TerminalClientHost {
  hello(): TerminalHello;
  since(from: number): RingSlice;
  input(data: string): string | null;
  resize(cols: number, rows: number): void;
  kill(graceMs: number): void;
  /** A connection's socket buffer is over its limit (true) or drained (false): the host pauses the pty meanwhile. */
  lagging(client: TerminalClient, lagging: boolean): void;
  log: Log;
}

/** A JSON-escaped 1 MiB paste can take six bytes per byte. */
const MAX_FRAME_BYTES = 6 * MAX_INPUT_BYTES + 4096;
/** Queued output above this pauses the pty until the socket drains (a slow reader slows the shell, as a real terminal does). */
const HIGH_WATER_BYTES = 1 << 20;
/** A reader that drains nothing for this long is dropped, so one stuck client cannot freeze the shell. */
const STUCK_MS = 5000;
const MAX_GRACE_MS = 60_000;
const MAX_DIM = 1000;

export class TerminalClient {
  private attached = false;
  private closed = false;
  private stuckTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly sock: Socket,
    private readonly host: TerminalClientHost,
    onGone: (c: TerminalClient) => void,
  ) {
    readFrames(
      sock,
      MAX_FRAME_BYTES,
      (line) => this.onFrame(line),
      (bytes) => this.write({ t: 'error', code: 'too_large', message: `A frame of ${bytes} bytes is over the limit and was dropped; send input in smaller pieces.` }),
      (m) => host.log(m),
      'terminal connection',
    );
    sock.on('drain', () => this.setLagging(false));
    sock.on('error', () => sock.destroy());
    sock.on('close', () => {
      this.closed = true;
      this.setLagging(false);
      onGone(this);
    });
    this.write(host.hello());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Live output, once this connection has attached (before that, its attach's replay will hold it). */
  output(at: number, end: number, data: string): void {
    if (!this.attached) return;
    this.write({ t: 'output', at, end, data });
  }

  send(frame: TerminalHostFrame): void {
    this.write(frame);
  }

  /** Says why, then closes once what was written has gone out (bounded). */
  bye(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.write({ t: 'bye', reason: 'exited' });
    return endSocket(this.sock);
  }

  private write(frame: TerminalHostFrame): void {
    if (this.closed || this.sock.destroyed) return;
    const fits = this.sock.write(`${JSON.stringify(frame)}\n`);
    if (!fits && this.sock.writableLength > HIGH_WATER_BYTES) this.setLagging(true);
  }

  private setLagging(lagging: boolean): void {
    if (lagging === (this.stuckTimer !== null)) return;
    if (lagging) {
      this.stuckTimer = setTimeout(() => {
        this.host.log(`a terminal client read nothing for ${STUCK_MS} ms; dropping it so the shell can go on`);
        this.sock.destroy();
      }, STUCK_MS);
    } else if (this.stuckTimer) {
      clearTimeout(this.stuckTimer);
      this.stuckTimer = null;
    }
    this.host.lagging(this, lagging);
  }

  private onFrame(raw: Buffer): void {
    if (raw.length === 0) return;
    let f: unknown;
    try {
      f = JSON.parse(raw.toString('utf8'));
    } catch {
      f = null;
    }
    if (!isRecordObject(f)) {
      this.write({ t: 'error', code: 'bad_frame', message: 'A frame was not a JSON object.' });
      return;
    }
    const dim = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= MAX_DIM;
    if (f.t === 'input' && typeof f.data === 'string') {
      // The text itself is never echoed into an error or a log: it may be a password.
      const refused = this.host.input(f.data);
      if (refused) this.write({ t: 'error', code: 'not_running', message: refused });
    } else if (f.t === 'attach' && Number.isSafeInteger(f.from) && (f.from as number) >= 0) {
      // Synchronous from memory: nothing the pty writes can fall between the replay and the live stream.
      const slice = this.host.since(f.from as number);
      this.attached = true;
      if (slice.data.length > 0) this.write({ t: 'output', at: slice.start, end: slice.end, data: slice.data.toString('utf8') });
      this.write({ t: 'caught_up', end: slice.end });
    } else if (f.t === 'resize' && dim(f.cols) && dim(f.rows)) {
      this.host.resize(f.cols, f.rows);
    } else if (f.t === 'kill') {
      this.host.kill(graceOf(f.graceMs, 2000, MAX_GRACE_MS));
    } else {
      this.write({ t: 'error', code: 'bad_frame', message: `Unknown or malformed frame ${JSON.stringify(f.t)}.` });
    }
  }
}
