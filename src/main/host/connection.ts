import type { Socket } from 'node:net';
import type { Log } from './files';
import type { JournalLine } from './journal';
import { endSocket, graceOf, readFrames } from './frame-socket';
import { isRecordObject, MAX_LINE_BYTES, type AgentLogLine, type HelloFrame, type HostFrame } from './protocol';

/** What one main connection needs from the host. */
export interface ConnectionHost {
  hello(): HelloFrame;
  lastSeq(): number;
  linesAfter(afterSeq: number, maxBytes: number): Promise<JournalLine[]>;
  /** Journals and forwards one line; an error message if it was refused. */
  send(line: string): string | null;
  stop(graceMs: number): void;
  log: Log;
}

/** A send frame carries an 8 MiB line as a JSON string, which escaping can double. */
const MAX_FRAME_BYTES = 2 * MAX_LINE_BYTES + 4096;
const BATCH_BYTES = 1 << 20;
const MAX_GRACE_MS = 10 * 60_000;

/**
 * The one main process currently attached. After `attach(fromSeq)` a
 * single pump sends every record with a higher seq, from the file and then
 * from memory, in order and exactly once, and keeps going as the journal
 * grows: catch-up and live delivery are the same loop, so there is no seam
 * between them where a record could be lost or sent twice.
 */
export class MainConnection {
  private sentSeq: number | null = null;
  private generation = 0;
  private pumping = false;
  private caughtUpSent = false;
  private closed = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly sock: Socket,
    private readonly host: ConnectionHost,
    onGone: (c: MainConnection) => void,
  ) {
    // A frame that breaks its handler, or a socket error, ends this connection only: the host and its agent go on.
    readFrames(
      sock,
      MAX_FRAME_BYTES,
      (line) => this.onFrame(line),
      (bytes) => this.write({ t: 'error', code: 'bad_frame', message: `A frame of ${bytes} bytes is over the limit and was dropped.` }),
      (m) => host.log(m),
      'main connection',
    );
    sock.on('error', (e) => {
      host.log(`main connection error: ${e.message}`);
      sock.destroy();
    });
    sock.on('close', () => {
      this.closed = true;
      this.wakeIdle();
      onGone(this);
    });
    this.write(host.hello());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The journal grew: send what is new, if attached. */
  kick(): void {
    if (this.sentSeq === null || this.pumping || this.closed) return;
    void this.pump().catch((e: unknown) => {
      this.host.log(`pump failed: ${(e as Error).stack ?? String(e)}`);
      this.sock.destroy();
    });
  }

  /** Resolves once every journaled record has been handed to the socket (or it closed, or time ran out). */
  async drained(timeoutMs: number): Promise<void> {
    if (this.sentSeq === null) return;
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && (this.sentSeq ?? 0) < this.host.lastSeq() && Date.now() < deadline) {
      this.kick();
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.max(1, deadline - Date.now()));
        this.idleWaiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** New stderr lines (already in agent.log), for main to show live. */
  agentLog(lines: AgentLogLine[]): void {
    this.write({ t: 'agent_log', lines });
  }

  /** Says why, then closes once what was written has gone out. */
  bye(reason: 'replaced' | 'exited'): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.write({ t: 'bye', reason });
    return endSocket(this.sock);
  }

  private write(frame: HostFrame): boolean {
    if (this.closed || this.sock.destroyed) return false;
    return this.sock.write(`${JSON.stringify(frame)}\n`);
  }

  private onFrame(raw: Buffer): void {
    if (raw.length === 0) return;
    let f: unknown;
    try {
      f = JSON.parse(raw.toString('utf8'));
    } catch {
      this.write({ t: 'error', code: 'bad_frame', message: 'A frame was not JSON.' });
      return;
    }
    if (!isRecordObject(f)) {
      this.write({ t: 'error', code: 'bad_frame', message: 'A frame was not a JSON object.' });
      return;
    }
    if (f.t === 'attach' && Number.isSafeInteger(f.fromSeq) && (f.fromSeq as number) >= 0) {
      const last = this.host.lastSeq();
      // Main believes in records the journal never had: say so, rather than silently skip the next ones.
      if ((f.fromSeq as number) > last) this.write({ t: 'error', code: 'ahead', message: `attach from ${String(f.fromSeq)}, but the journal ends at ${last}; streaming from ${last}.` });
      this.sentSeq = Math.min(f.fromSeq as number, last);
      // Written before any record of the new stream: the pump checks the generation before every write.
      this.write({ t: 'attached', fromSeq: this.sentSeq });
      this.generation++;
      this.caughtUpSent = false;
      this.kick();
    } else if (f.t === 'send' && typeof f.line === 'string') {
      const refused = this.host.send(f.line);
      if (refused) this.write({ t: 'error', code: 'bad_send', message: refused });
    } else if (f.t === 'stop') {
      this.host.stop(graceOf(f.graceMs, 3000, MAX_GRACE_MS));
    } else {
      this.write({ t: 'error', code: 'bad_frame', message: `Unknown or malformed frame ${JSON.stringify(f.t)}.` });
    }
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      for (;;) {
        if (this.closed || this.sentSeq === null) return;
        const generation = this.generation;
        const after = this.sentSeq;
        if (after >= this.host.lastSeq()) break;
        const lines = await this.host.linesAfter(after, BATCH_BYTES);
        // A new attach while we were reading restarts from its own fromSeq.
        if (generation !== this.generation || this.closed) continue;
        if (lines.length === 0) break;
        // One write per batch; each record's text goes out exactly as journaled, never re-serialized.
        let chunk = '';
        for (const l of lines) chunk += `{"t":"record","record":${l.text}}\n`;
        this.sentSeq = (lines[lines.length - 1] as JournalLine).seq;
        if (!this.sock.write(chunk)) await this.waitDrain();
      }
      if (!this.caughtUpSent && this.sentSeq !== null) {
        this.caughtUpSent = true;
        this.write({ t: 'caught_up', seq: this.sentSeq });
      }
    } finally {
      this.pumping = false;
      this.wakeIdle();
    }
  }

  private waitDrain(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.sock.off('drain', done);
        this.sock.off('close', done);
        resolve();
      };
      this.sock.on('drain', done);
      this.sock.on('close', done);
    });
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
