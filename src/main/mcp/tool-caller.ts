/** The MCP bridge's side of the control socket, without zod (it runs where Baton's node_modules are not): hello, then tool calls by id. */
import { connect } from 'node:net';
import { CONTROL_VERSION } from '../../shared/control-names';
import { onJsonLines } from '../lib/json-lines';

export interface ToolError {
  code: string;
  message: string;
}
export type ToolAnswer = { ok: true; value: unknown } | { ok: false; error: ToolError };

export interface ToolCaller {
  call(req: { sessionId: string; token: string; name: string; args: unknown }): Promise<ToolAnswer>;
  /** Settles once the connection is gone, whoever closed it. */
  closed: Promise<void>;
}

export type Reached = { state: 'connected'; caller: ToolCaller } | { state: 'absent' } | { state: 'failed'; message: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A frame's error as it came, or a stand-in that says the frame was not one: main always sends `{code, message}`. */
function errorOf(v: unknown): ToolError {
  return isRecord(v) && typeof v.code === 'string' && typeof v.message === 'string' ? { code: v.code, message: v.message } : { code: 'bad_answer', message: 'Baton answered with an error this bridge cannot read.' };
}

/**
 * Connects and waits for the app's hello (its control protocol version must be ours). A socket that is
 * missing or refused is `absent`: the app is not running, or (over a forward) the link is not back yet.
 */
export function reachControl(path: string, timeoutMs = 5000): Promise<Reached> {
  return new Promise((resolve) => {
    const sock = connect(path);
    sock.setEncoding('utf8');
    let settled = false;
    const pending = new Map<number, (a: ToolAnswer) => void>();
    let nextId = 0;
    const settle = (r: Reached): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (r.state !== 'connected') sock.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => settle({ state: 'failed', message: `Baton's control socket did not answer within ${timeoutMs} ms.` }), timeoutMs);
    const closed = new Promise<void>((done) =>
      sock.on('close', () => {
        // An ssh forward with nothing behind it accepts, then closes: the same as no app.
        settle({ state: 'absent' });
        for (const answer of pending.values()) answer({ ok: false, error: { code: 'disconnected', message: 'Baton closed the connection.' } });
        pending.clear();
        done();
      }),
    );
    sock.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNREFUSED' || e.code === 'ENOENT') settle({ state: 'absent' });
      else settle({ state: 'failed', message: `Cannot connect to Baton's control socket: ${e.code ?? e.message}.` });
    });
    const onFrame = (f: Record<string, unknown>): void => {
      if (!settled) {
        if (f.t !== 'hello') return settle({ state: 'failed', message: "Something else than Baton's control socket answered." });
        if (f.v !== CONTROL_VERSION) return settle({ state: 'failed', message: `The running Baton speaks control protocol ${String(f.v)}; this bridge speaks ${CONTROL_VERSION}. Restart the orchestrator so it gets the bridge of the running Baton.` });
        const caller: ToolCaller = {
          call: (req) =>
            new Promise((answer) => {
              const id = ++nextId;
              pending.set(id, answer);
              sock.write(JSON.stringify({ t: 'tool', id, ...req }) + '\n');
            }),
          closed,
        };
        return settle({ state: 'connected', caller });
      }
      if (f.t !== 'tool_result' || typeof f.id !== 'number') return;
      const answer = pending.get(f.id);
      pending.delete(f.id);
      answer?.(f.ok === true ? { ok: true, value: f.value } : { ok: false, error: errorOf(f.error) });
    };
    onJsonLines(sock, (f) => {
      if (isRecord(f)) onFrame(f);
    });
  });
}
