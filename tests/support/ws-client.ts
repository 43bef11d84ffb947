import { WebSocket } from 'ws';

export type Frame = Record<string, unknown>;

export interface WsClient {
  ws: WebSocket;
  /** Every frame the server sent, in order. */
  frames: Frame[];
  /** Resolves with how the server closed the connection. */
  closed: Promise<{ code: number; reason: string }>;
  /** The first frame (already received or still to come) that matches. */
  next(pred: (f: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
  /** One call, answered by its result frame. */
  call(name: string, input: unknown): Promise<Frame>;
}

export interface WsConnectOptions {
  /** Sent as the first frame; `null` sends nothing (a client that never authenticates). */
  token: string | null;
  /** An Origin header, as a browser page would send. */
  origin?: string;
  /** Waits for the server's hello after the auth frame (default: when a token is sent). */
  waitHello?: boolean;
}

/**
 * A real client of the browser-mode socket, speaking wire v2: opens
 * ws://127.0.0.1:<port>/ws with no token in the URL and sends the token in
 * its first frame. Rejects when the upgrade is refused (the status is in the
 * message, e.g. "Unexpected server response: 403").
 */
export async function connectWs(port: number, opts: WsConnectOptions): Promise<WsClient> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, opts.origin ? { origin: opts.origin } : {});
  const frames: Frame[] = [];
  const waiters: (() => void)[] = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  ws.on('message', (d: Buffer) => {
    try {
      frames.push(JSON.parse(d.toString()) as Frame);
    } catch {
      frames.push({ t: '(not json)', raw: d.toString().slice(0, 200) });
    }
    wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((res) => ws.once('close', (code, reason) => (res({ code, reason: reason.toString() }), wake())));
  await new Promise<void>((res, rej) => {
    ws.once('open', () => res());
    ws.once('error', rej);
  });
  ws.on('error', () => undefined);
  const next = async (pred: (f: Frame) => boolean, timeoutMs = 10_000): Promise<Frame> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const f = frames.find(pred);
      if (f) return f;
      if (ws.readyState === WebSocket.CLOSED) throw new Error(`the server closed the connection; frames: ${JSON.stringify(frames)}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for a frame; got ${JSON.stringify(frames)}`);
      await new Promise<void>((res) => {
        waiters.push(res);
        setTimeout(res, Math.max(1, deadline - Date.now()));
      });
    }
  };
  let id = 0;
  const call = async (name: string, input: unknown): Promise<Frame> => {
    const myId = ++id;
    ws.send(JSON.stringify({ t: 'call', id: myId, name, input }));
    return next((f) => f.t === 'result' && f.id === myId, 30_000);
  };
  if (opts.token !== null) {
    ws.send(JSON.stringify({ t: 'auth', token: opts.token }));
    if (opts.waitHello ?? true) await next((f) => f.t === 'hello');
  }
  return { ws, frames, closed, next, call };
}
