import { connect, type Socket } from 'node:net';
import { CONTROL_VERSION, ControlHello, ControlServerFrame, type ControlClientFrame } from '../../shared/control';
import { ErrorCode } from '../../shared/errors';
import type { Result } from '../../shared/result';
import { onJsonLines } from '../lib/json-lines';

/**
 * A connection to the running app's control socket: calls, events, and agent
 * tool calls. Used by the `baton` command and the MCP bridge, so it imports
 * only node and src/shared.
 */
export interface ControlClient {
  hello: ControlHello;
  call(name: string, input: unknown): Promise<Result<unknown>>;
  tool(req: { sessionId: string; token: string; name: string; args: unknown }): Promise<Result<unknown>>;
  /** Sends `sub` for the first listener of a name; the returned function removes this listener. */
  on(name: string, listener: (payload: unknown) => void): () => void;
  /** Settles once the connection is gone, whoever closed it. */
  closed: Promise<void>;
  close(): void;
}

export type Connected =
  | { state: 'connected'; client: ControlClient }
  /** Nothing listens there: the app is not running (or crashed and left its socket file). */
  | { state: 'absent' }
  | { state: 'failed'; message: string };

/**
 * Connects and waits for the server's hello. A refused or missing socket is
 * `absent` rather than an error, because the caller then runs headless.
 */
export function connectControl(path: string, timeoutMs = 5000): Promise<Connected> {
  return new Promise((resolve) => {
    const sock = connect(path);
    sock.setEncoding('utf8');
    let settled = false;
    const settle = (c: Connected): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (c.state !== 'connected') sock.destroy();
      resolve(c);
    };
    const timer = setTimeout(() => settle({ state: 'failed', message: `The app at ${path} did not answer within ${timeoutMs} ms.` }), timeoutMs);
    sock.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNREFUSED' || e.code === 'ENOENT') settle({ state: 'absent' });
      else settle({ state: 'failed', message: `Cannot connect to ${path}: ${e.code ?? e.message}.` });
    });
    sock.once('close', () => settle({ state: 'failed', message: `The app at ${path} closed the connection before saying hello.` }));
    const reader = lineReader(sock, (frame) => {
      if (settled) return;
      const hello = ControlHello.safeParse(frame);
      if (!hello.success) return settle({ state: 'failed', message: `Something at ${path} is not Baton's control socket.` });
      if (hello.data.v !== CONTROL_VERSION) {
        return settle({
          state: 'failed',
          message: `The running Baton (${hello.data.version}) speaks control protocol ${hello.data.v}; this baton command speaks ${CONTROL_VERSION}. Use the baton command from the same install as the app.`,
        });
      }
      settle({ state: 'connected', client: clientOn(sock, hello.data, reader) });
    });
  });
}

interface LineReader {
  onFrame: (frame: unknown) => void;
}

/** The socket's frames, to whichever handler is current (the hello's first, then the client's). */
function lineReader(sock: Socket, first: (frame: unknown) => void): LineReader {
  const reader: LineReader = { onFrame: first };
  onJsonLines(sock, (f) => reader.onFrame(f));
  return reader;
}

function clientOn(sock: Socket, hello: ControlHello, reader: LineReader): ControlClient {
  let nextId = 0;
  /** Calls and tool calls share one id sequence, so one table answers both. */
  const pending = new Map<number, (r: Result<unknown>) => void>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let gone = false;

  const closed = new Promise<void>((resolve) => {
    sock.on('close', () => {
      gone = true;
      const dropped: Result<unknown> = { ok: false, error: { code: ErrorCode.disconnected, message: 'The app closed the connection.' } };
      for (const settle of pending.values()) settle(dropped);
      pending.clear();
      resolve();
    });
  });
  sock.on('error', () => undefined); // 'close' follows and settles everything

  reader.onFrame = (json) => {
    const parsed = ControlServerFrame.safeParse(json);
    if (!parsed.success) return;
    const f = parsed.data;
    if (f.t === 'result' || f.t === 'tool_result') {
      const settle = pending.get(f.id);
      pending.delete(f.id);
      settle?.(f.ok ? { ok: true, value: f.value } : { ok: false, error: f.error });
    } else if (f.t === 'event') {
      for (const l of [...(listeners.get(f.name) ?? [])]) l(f.payload);
    }
    // Frame-level errors (`error`) answer no call: a frame this client sent that the server could not read.
  };

  const send = (frame: ControlClientFrame): void => {
    if (!gone) sock.write(JSON.stringify(frame) + '\n');
  };
  const request = (make: (id: number) => ControlClientFrame): Promise<Result<unknown>> => {
    if (gone) return Promise.resolve({ ok: false, error: { code: ErrorCode.disconnected, message: 'The app closed the connection.' } });
    const id = ++nextId;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      send(make(id));
    });
  };

  return {
    hello,
    call: (name, input) => request((id) => ({ t: 'call', id, name, input })),
    tool: (req) => request((id) => ({ t: 'tool', id, ...req })),
    on(name, listener) {
      let set = listeners.get(name);
      if (!set) {
        set = new Set();
        listeners.set(name, set);
        send({ t: 'sub', name });
      }
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0 && listeners.get(name) === set) {
          listeners.delete(name);
          send({ t: 'unsub', name });
        }
      };
    },
    closed,
    close: () => sock.end(),
  };
}
