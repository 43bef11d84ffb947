/** Main's connection to one terminal host: proves it is the host we mean, then carries attach, input, resize and kill. */
import { connect as netConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import { fail, ok, type Result } from '../../shared/result';
import { LineSplitter } from '../host/lines';
import { processLiveness } from '../host/liveness';
import { isRecordObject } from '../host/protocol';
import { MAX_INPUT_BYTES, TERMINAL_KIND, TERMINAL_PROTOCOL, type TerminalClientFrame, type TerminalExit, type TerminalHello, type TerminalHostFrame } from '../host/terminal-protocol';
import type { TerminalExitFact, TerminalHostInfo, TerminalLink } from '../terminals/host-port';

const FRAME_LIMIT = 8 * MAX_INPUT_BYTES;

const exitFact = (e: TerminalExit): TerminalExitFact => ({ code: e.code, signal: e.signal, cause: e.cause, ...(e.error ? { error: e.error } : {}) });

/** Connects and checks the hello against the identity main recorded; `terminal_host_gone` when anything differs. */
export async function connectTerminalHost(id: TerminalHostInfo, timeoutMs = 3000): Promise<Result<TerminalLink & { hello: TerminalHello }>> {
  const live = processLiveness(id);
  if (!live.alive) return fail('terminal_host_gone', `The terminal host is gone: ${live.reason}.`);
  return handshakeTerminalHost(netConnect(id.socket), id, timeoutMs);
}

/**
 * The hello check over any stream to the host's socket: a local one, or a socket an SSH master forwards to a host on
 * another machine (whose pid cannot be looked up here; the hello's pid and nonce are the proof).
 */
export async function handshakeTerminalHost(sock: Duplex, id: TerminalHostInfo, timeoutMs = 3000): Promise<Result<TerminalLink & { hello: TerminalHello }>> {
  let handler: ((f: TerminalHostFrame) => void) | null = null;
  const queued: TerminalHostFrame[] = [];
  const splitter = new LineSplitter(
    FRAME_LIMIT,
    (line) => {
      if (line.length === 0) return;
      let f: unknown;
      try {
        f = JSON.parse(line.toString('utf8'));
      } catch {
        return;
      }
      // The host is ours (its hello matched); its frames are trusted to be the protocol's shapes.
      if (!isRecordObject(f) || typeof f.t !== 'string') return;
      const frame = f as unknown as TerminalHostFrame;
      if (handler) handler(frame);
      else queued.push(frame);
    },
    () => undefined,
  );
  sock.on('data', (d: Buffer) => splitter.push(d));
  const hello = await new Promise<TerminalHello | string>((resolve) => {
    const timer = setTimeout(() => resolve(`no hello within ${timeoutMs} ms`), timeoutMs);
    const settle = (v: TerminalHello | string): void => {
      clearTimeout(timer);
      resolve(v);
    };
    sock.once('error', (e: NodeJS.ErrnoException) => settle(`its socket ${id.socket} refused: ${e.code ?? e.message}`));
    sock.once('close', () => settle('its socket closed before saying hello'));
    handler = (f) => settle(f.t === 'hello' ? f : `its first frame was ${f.t}, not hello`);
  });
  handler = null;
  if (typeof hello === 'string' || hello.nonce !== id.nonce || hello.pid !== id.pid || hello.kind !== TERMINAL_KIND) {
    sock.destroy();
    return fail('terminal_host_gone', `The terminal host is gone: ${typeof hello === 'string' ? hello : `the socket is answered by another host (pid ${hello.pid})`}.`);
  }
  if (hello.protocol !== TERMINAL_PROTOCOL) {
    sock.destroy();
    return fail('protocol_mismatch', `The terminal host speaks protocol ${hello.protocol}; this Baton speaks ${TERMINAL_PROTOCOL}. Kill it and restart the terminal.`);
  }
  if (sock.destroyed) return fail('terminal_host_gone', 'The terminal host closed the connection.');
  return ok(new Link(sock, hello, (h) => {
    handler = h;
    for (const f of queued.splice(0)) h(f);
  }));
}

class Link implements TerminalLink {
  private onOutput: ((at: number, end: number, data: string) => void) | null = null;
  private caughtUp: ((end: number) => void) | null = null;
  /** Bytes delivered so far: a frame wholly below it is a repeat (an earlier attach's stream). */
  private delivered = 0;
  private exit: TerminalExitFact | null = null;
  private isClosed = false;
  private readonly closeCbs: Array<(exit: TerminalExitFact | null) => void> = [];
  private readonly closed: Promise<void>;

  constructor(
    private readonly sock: Duplex,
    readonly hello: TerminalHello,
    setHandler: (h: (f: TerminalHostFrame) => void) => void,
  ) {
    sock.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      sock.on('close', () => {
        this.isClosed = true;
        this.caughtUp?.(this.delivered);
        this.caughtUp = null;
        for (const cb of this.closeCbs.splice(0)) cb(this.exit);
        resolve();
      }),
    );
    setHandler((f) => this.onFrame(f));
  }

  attach(from: number, onOutput: (at: number, end: number, data: string) => void): Promise<number> {
    this.caughtUp?.(this.delivered);
    this.onOutput = onOutput;
    this.delivered = from;
    if (this.isClosed) return Promise.resolve(from);
    const done = new Promise<number>((r) => (this.caughtUp = r));
    this.write({ t: 'attach', from });
    return done;
  }

  input(data: string): void {
    this.write({ t: 'input', data });
  }

  resize(cols: number, rows: number): void {
    this.write({ t: 'resize', cols, rows });
  }

  async kill(graceMs: number): Promise<TerminalExitFact | null> {
    if (this.isClosed) return this.exit;
    this.write({ t: 'kill', graceMs });
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The host SIGKILLs after graceMs; one still here well after that is stuck, and the caller decides.
    await Promise.race([this.closed, new Promise<void>((r) => (timer = setTimeout(r, graceMs + 10_000)))]);
    clearTimeout(timer);
    return this.exit;
  }

  detach(): void {
    if (this.isClosed) return;
    this.sock.end();
    setTimeout(() => this.sock.destroy(), 1000).unref();
  }

  onClose(cb: (exit: TerminalExitFact | null) => void): void {
    if (this.isClosed) queueMicrotask(() => cb(this.exit));
    else this.closeCbs.push(cb);
  }

  private write(frame: TerminalClientFrame): void {
    if (!this.isClosed && !this.sock.destroyed) this.sock.write(`${JSON.stringify(frame)}\n`);
  }

  private onFrame(f: TerminalHostFrame): void {
    switch (f.t) {
      case 'output':
        if (f.end <= this.delivered) return;
        this.delivered = f.end;
        this.onOutput?.(f.at, f.end, f.data);
        return;
      case 'caught_up':
        this.caughtUp?.(f.end);
        this.caughtUp = null;
        return;
      case 'exit':
        this.exit = exitFact(f.exit);
        return;
      default:
        return;
    }
  }
}
