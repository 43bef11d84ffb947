import { connect as netConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import { fail, ok, type Result } from '../../shared/result';
import { LineSplitter } from '../host/lines';
import { isRecordObject, MAX_LINE_BYTES, SOCKET_PROTOCOL, type AgentLogLine, type ExitMessage, type HelloFrame, type HostFrame, type JournalRecord, type MainFrame } from '../host/protocol';
import { processLiveness, readHostFile, type HostIdentity } from '../host/liveness';

export type CloseReason = 'closed' | 'exited' | 'replaced' | 'lost';

export interface HostConnection {
  readonly hello: HelloFrame;
  readonly identity: HostIdentity;
  /**
   * Streams every journal record with seq > fromSeq, in seq order, each once,
   * then live ones as the host writes them. Resolves with the seq reached
   * when catch-up is done. Calling it again restarts the stream from there.
   */
  attach(fromSeq: number, onRecord: (r: JournalRecord) => void): Promise<number>;
  /** One JSON-RPC message for the agent (an object, or one line of JSON); the host journals it before forwarding. */
  send(message: string | object): void;
  /** Stops the agent and every process it started; resolves when the host has gone, with its exit record if seen. */
  stop(graceMs: number): Promise<{ exit: ExitMessage | null; timedOut: boolean }>;
  /** Lets go of the host without stopping it. */
  close(): void;
  onClose(cb: (reason: CloseReason) => void): void;
  /** The host refused a frame (a bad send, say): nothing was forwarded. */
  onHostError(cb: (e: { code: string; message: string }) => void): void;
  /** New lines of the agent's stderr, as the host wrote them to agent.log (ADR 0025). */
  onAgentLog(cb: (lines: AgentLogLine[]) => void): void;
  readonly closed: Promise<CloseReason>;
}

export interface ConnectOptions {
  /** How long to wait for the socket and its hello. */
  timeoutMs?: number;
  /** Names the stream in a failure ("its socket <path>" by default). */
  where?: string;
}

const FRAME_LIMIT = 3 * MAX_LINE_BYTES;

/**
 * Connects to a session host and proves it is the one we mean: its pid is
 * alive with the recorded start time, and the hello on its socket carries
 * the recorded nonce. Anything else is `host_gone` (a stale host.json, a
 * reused pid, a dead socket) or `protocol_mismatch`.
 */
export async function connectHost(target: string | HostIdentity, opts: ConnectOptions = {}): Promise<Result<HostConnection>> {
  const identity = typeof target === 'string' ? readHostFile(target) : target;
  if (!identity) return fail('host_gone', `No readable host.json in ${String(target)}.`);
  const live = processLiveness(identity);
  if (!live.alive) return fail('host_gone', `The session host is gone: ${live.reason}.`);
  return handshakeHost(netConnect(identity.socket), identity, opts);
}

/**
 * The protocol half of connecting, over any byte stream that reaches the host's socket: a local
 * socket, or an SSH channel forwarded to a remote host's socket (runtime/ssh). Waits for the hello
 * and checks its nonce, pid and protocol; the same frames then run unchanged over either.
 */
export async function handshakeHost(sock: Duplex, identity: HostIdentity, opts: ConnectOptions = {}): Promise<Result<HostConnection>> {
  const timeoutMs = opts.timeoutMs ?? 3000;
  const where = opts.where ?? `its socket ${identity.socket}`;
  const reader = new FrameReader();
  // A frame whose handler throws (a record main cannot apply, say) ends this connection, not the main
  // process: it closes as 'lost', handled like any host that went away.
  sock.on('data', (d: Buffer) => {
    try {
      reader.push(d);
    } catch (e) {
      console.error(`[baton] host ${identity.pid}: a frame failed, closing the connection:`, e);
      sock.destroy();
    }
  });
  const hello = await new Promise<HelloFrame | string>((resolve) => {
    const timer = setTimeout(() => resolve(`no hello within ${timeoutMs} ms`), timeoutMs);
    const settle = (v: HelloFrame | string) => {
      clearTimeout(timer);
      reader.handler = null;
      resolve(v);
    };
    sock.once('error', (e: NodeJS.ErrnoException) => settle(`${where} refused: ${e.code ?? e.message}`));
    sock.once('close', () => settle(`${where} closed before saying hello`));
    reader.handler = (f) => settle(f.t === 'hello' ? f : `its first frame was ${f.t}, not hello`);
  });
  if (typeof hello === 'string' || hello.nonce !== identity.nonce || hello.pid !== identity.pid) {
    sock.destroy();
    const why = typeof hello === 'string' ? hello : `the socket is answered by another host (pid ${hello.pid})`;
    return fail('host_gone', `The session host is gone: ${why}.`);
  }
  if (hello.protocol !== SOCKET_PROTOCOL) {
    sock.destroy();
    return fail('protocol_mismatch', `The session host speaks protocol ${hello.protocol}; this Baton speaks ${SOCKET_PROTOCOL}.`);
  }
  if (sock.destroyed) return fail('host_gone', 'The session host closed the connection.');
  return ok(new Connection(sock, hello, identity, reader));
}

/** A record frame as the host writes it (`{"t":"record","record":<journal line>}`), up to its message's JSON. */
const RECORD_HEAD = /^\{"t":"record","record":\{"v":\d+,"seq":\d+,"ts":\d+,"dir":"(?:in|out|host)","msg":/;

/**
 * Parse each line once: the message's JSON text, exactly as journaled, rides on the record (`msgJson`), so the
 * projection stores it without serializing the parsed message again. Only when the frame is the host's own
 * shape (those five fields in that order, the message last): then the text between the head and the frame's
 * two closing braces is the message and nothing else.
 */
export function keepMsgJson(record: Record<string, unknown> & { msgJson?: string }, text: string): void {
  const head = RECORD_HEAD.exec(text);
  if (!head || !text.endsWith('}}')) return;
  const keys = Object.keys(record);
  if (keys.length !== 5 || keys[4] !== 'msg') return;
  // Not enumerable: the record stays a plain journal record to every reader and on every wire (a broadcast must
  // not carry the message twice); only the projection asks for it by name.
  Object.defineProperty(record, 'msgJson', { value: text.slice(head[0].length, -2), enumerable: false });
}

/** One splitter for the connection's whole life, so no partial frame is lost when the hello handler hands over. */
class FrameReader {
  /** Frames that arrived while no handler was set, in order. */
  private queued: HostFrame[] = [];
  private h: ((f: HostFrame) => void) | null = null;
  private readonly splitter = new LineSplitter(
    FRAME_LIMIT,
    (line) => {
      if (line.length === 0) return;
      const text = line.toString('utf8');
      let f: unknown;
      try {
        f = JSON.parse(text);
      } catch {
        f = { t: 'error', code: 'bad_frame', message: 'The host sent a frame that is not JSON.' };
      }
      if (!isRecordObject(f)) return;
      if (f.t === 'record' && isRecordObject(f.record)) keepMsgJson(f.record, text);
      this.dispatch(f as unknown as HostFrame);
    },
    () => this.dispatch({ t: 'error', code: 'bad_frame', message: 'The host sent an oversized frame.' }),
  );

  push(d: Buffer): void {
    this.splitter.push(d);
  }

  set handler(h: ((f: HostFrame) => void) | null) {
    this.h = h;
    while (this.h && this.queued.length > 0) this.h(this.queued.shift() as HostFrame);
  }

  private dispatch(f: HostFrame): void {
    if (this.h) this.h(f);
    else this.queued.push(f);
  }
}

class Connection implements HostConnection {
  private delivered = 0;
  /** Attaches sent and not yet answered by `attached`; records meanwhile belong to an abandoned stream. */
  private pendingAttaches = 0;
  private onRecord: ((r: JournalRecord) => void) | null = null;
  private caughtUp: ((seq: number) => void) | null = null;
  private closeCbs: Array<(r: CloseReason) => void> = [];
  private errorCbs: Array<(e: { code: string; message: string }) => void> = [];
  private logCbs: Array<(lines: AgentLogLine[]) => void> = [];
  private reason: CloseReason = 'lost';
  private isClosed = false;
  private exit: ExitMessage | null = null;
  readonly closed: Promise<CloseReason>;

  constructor(
    private readonly sock: Duplex,
    readonly hello: HelloFrame,
    readonly identity: HostIdentity,
    reader: FrameReader,
  ) {
    this.closed = new Promise((resolve) => {
      sock.on('close', () => {
        this.isClosed = true;
        this.caughtUp?.(this.delivered);
        this.caughtUp = null;
        resolve(this.reason);
        for (const cb of this.closeCbs.splice(0)) cb(this.reason);
      });
    });
    // A socket error is followed by 'close', which is where it is reported.
    sock.on('error', () => undefined);
    reader.handler = (f) => this.onFrame(f);
  }

  attach(fromSeq: number, onRecord: (r: JournalRecord) => void): Promise<number> {
    // An earlier attach's promise settles with where it got to; only the newest stream goes on.
    this.caughtUp?.(this.delivered);
    this.caughtUp = null;
    this.delivered = fromSeq;
    this.onRecord = onRecord;
    if (this.isClosed) return Promise.resolve(fromSeq);
    const done = new Promise<number>((resolve) => (this.caughtUp = resolve));
    this.pendingAttaches++;
    this.write({ t: 'attach', fromSeq });
    return done;
  }

  send(message: string | object): void {
    this.write({ t: 'send', line: typeof message === 'string' ? message : JSON.stringify(message) });
  }

  async stop(graceMs: number): Promise<{ exit: ExitMessage | null; timedOut: boolean }> {
    if (this.isClosed) return { exit: this.exit, timedOut: false };
    this.write({ t: 'stop', graceMs });
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The host SIGKILLs after graceMs; a host still here well after that is stuck.
    const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), graceMs + 10_000)));
    const r = await Promise.race([this.closed, timeout]);
    clearTimeout(timer);
    return { exit: this.exit, timedOut: r === 'timeout' };
  }

  close(): void {
    if (this.isClosed) return;
    if (this.reason === 'lost') this.reason = 'closed';
    this.sock.end();
    // end() waits for the host to close its side; a host that never does must not hold us.
    setTimeout(() => this.sock.destroy(), 1000).unref();
  }

  onClose(cb: (reason: CloseReason) => void): void {
    if (this.isClosed) queueMicrotask(() => cb(this.reason));
    else this.closeCbs.push(cb);
  }

  onHostError(cb: (e: { code: string; message: string }) => void): void {
    this.errorCbs.push(cb);
  }

  onAgentLog(cb: (lines: AgentLogLine[]) => void): void {
    this.logCbs.push(cb);
  }

  private write(frame: MainFrame): void {
    if (!this.isClosed && !this.sock.destroyed) this.sock.write(`${JSON.stringify(frame)}\n`);
  }

  private onFrame(f: HostFrame): void {
    switch (f.t) {
      case 'record': {
        const r = f.record;
        // Exactly once, in order: a record at or below what was delivered is a repeat.
        if (!this.onRecord || this.pendingAttaches > 0 || r.seq <= this.delivered) return;
        this.delivered = r.seq;
        if (r.dir === 'host' && isRecordObject(r.msg) && isRecordObject(r.msg.exit)) this.exit = r.msg as unknown as ExitMessage;
        this.onRecord(r);
        return;
      }
      case 'attached':
        this.pendingAttaches = Math.max(0, this.pendingAttaches - 1);
        if (this.pendingAttaches === 0) this.delivered = f.fromSeq;
        return;
      case 'caught_up':
        if (this.pendingAttaches > 0) return;
        this.caughtUp?.(f.seq);
        this.caughtUp = null;
        return;
      case 'bye':
        this.reason = f.reason;
        return;
      case 'agent_log':
        if (Array.isArray(f.lines)) for (const cb of this.logCbs) cb(f.lines);
        return;
      case 'error':
        for (const cb of this.errorCbs) cb({ code: f.code, message: f.message });
        return;
      default:
        return;
    }
  }
}
