/**
 * Chromium driven over a bare DevTools socket that enables no domain but what a call needs (no Network): Playwright
 * enables Network on every page, so each WebSocket frame the page receives is copied, payload and all, to the driver,
 * which a person's browser never pays.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { WebSocket } from 'ws';

export interface BarePage {
  /** Evaluates an expression in the page, awaiting a promise it returns; the value comes back as JSON. */
  evaluate<T>(expression: string): Promise<T>;
  /** Any DevTools method on the page's target (Profiler.start, …). */
  send<T>(method: string, params?: Record<string, unknown>): Promise<T>;
  proc: ChildProcess;
  close(): Promise<void>;
}

interface Reply {
  id: number;
  result?: unknown;
  error?: { message: string };
}

/** Starts headless Chromium on `url` and attaches to its page. */
export async function openBarePage(exe: string, args: string[], url: string, userDataDir: string): Promise<BarePage> {
  const proc = spawn(exe, [...args, '--headless', '--remote-debugging-port=0', `--user-data-dir=${userDataDir}`, '--window-size=1280,800', url], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const browserWs = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Chromium did not open its DevTools socket in 20 s; it said:\n${err.slice(-2000)}`)), 20_000);
    // Read to the end, so a chatty Chromium never blocks on a full pipe.
    proc.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.once('exit', (code) => reject(new Error(`Chromium exited (${code}) before its DevTools socket opened:\n${err.slice(-2000)}`)));
  });
  const port = new URL(browserWs).port;
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { type: string; webSocketDebuggerUrl: string }[];
  const target = targets.find((t) => t.type === 'page');
  if (!target) throw new Error(`Chromium has no page target: ${JSON.stringify(targets)}`);
  const ws = new WebSocket(target.webSocketDebuggerUrl, { maxPayload: 512 * 1024 * 1024 });
  await new Promise<void>((r, j) => ws.once('open', () => r()).once('error', j));
  let nextId = 0;
  const waiting = new Map<number, (r: Reply) => void>();
  ws.on('message', (d: Buffer) => {
    const r = JSON.parse(d.toString('utf8')) as Reply;
    waiting.get(r.id)?.(r);
    waiting.delete(r.id);
  });
  const send = <T,>(method: string, params: Record<string, unknown> = {}): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = ++nextId;
      waiting.set(id, (r) => (r.error ? reject(new Error(`${method}: ${r.error.message}`)) : resolve(r.result as T)));
      ws.send(JSON.stringify({ id, method, params }));
    });
  const evaluate = async <T,>(expression: string): Promise<T> => {
    const r = await send<{ result: { value?: T }; exceptionDetails?: { exception?: { description?: string }; text: string } }>('Runtime.evaluate', {
      expression,
      awaitPromise: true,
      returnByValue: true,
    });
    if (r.exceptionDetails) throw new Error(`in the page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value as T;
  };
  // The page may still be loading (its context replaced as it does): asked again until it is loaded on `url`'s origin.
  const origin = new URL(url).origin;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const loaded = await evaluate<boolean>(`document.readyState === 'complete' && location.origin === ${JSON.stringify(origin)}`).catch(() => false);
    if (loaded) break;
    if (Date.now() > deadline) throw new Error(`Chromium did not load ${origin} in 20 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    proc,
    send,
    evaluate,
    async close() {
      ws.close();
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.kill('SIGTERM');
      await exited;
    },
  };
}
