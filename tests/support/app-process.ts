import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopAllSessions } from './core-harness';
import { connectWs } from './ws-client';

const SERVE = resolve(dirname(fileURLToPath(import.meta.url)), '../../out/main/serve.js');

/** The real app (browser mode) as a child process, and a contract client over its WebSocket. */
export interface AppProcess {
  proc: ChildProcess;
  port: number;
  /** Settles when the process has exited, however it ended (a crash point kills it from inside). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
  call<T = unknown>(name: string, input: unknown): Promise<T>;
  close(): void;
}

export interface StartOptions {
  dataDir: string;
  token: string;
  env?: Record<string, string>;
  port?: number;
  /** Gets the process as soon as it exists, so a test can kill it mid-startup. */
  onSpawn?: (proc: ChildProcess) => void;
  /** Another build of serve.js (tests/support/build.ts snapshotBuild); out/main/serve.js by default. */
  serveScript?: string;
}

export async function startApp(opts: StartOptions): Promise<AppProcess> {
  const proc = spawn(process.execPath, [opts.serveScript ?? SERVE, '--data-dir', opts.dataDir, '--token', opts.token, '--port', String(opts.port ?? 0)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...opts.env },
  });
  opts.onSpawn?.(proc);
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.once('exit', (code, signal) => r({ code, signal })));
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((res, rej) => {
    const t = setInterval(() => {
      const m = /Open (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearInterval(t);
        res(m[1]);
      }
    }, 20);
    proc.once('exit', (code) => {
      clearInterval(t);
      rej(new Error(`app exited with ${code}: ${out}`));
    });
  });
  const port = Number(new URL(url).port);
  const { ws } = await connectWs(port, { token: opts.token });
  let id = 0;
  const waiting = new Map<number, (f: { ok: boolean; value?: unknown; error?: { code: string; message: string } }) => void>();
  ws.on('message', (d: Buffer) => {
    const f = JSON.parse(d.toString()) as { t: string; id: number; ok: boolean; value?: unknown; error?: { code: string; message: string } };
    if (f.t !== 'result') return;
    waiting.get(f.id)?.(f);
    waiting.delete(f.id);
  });
  // A call in flight when the app dies must fail, not hang the test until its timeout.
  let gone = false;
  ws.on('close', () => {
    gone = true;
    for (const settle of waiting.values()) settle({ ok: false, error: { code: 'app_gone', message: 'the app closed the connection' } });
    waiting.clear();
  });
  ws.on('error', () => undefined);
  return {
    proc,
    port,
    exited,
    output: () => out,
    call<T>(name: string, input: unknown) {
      const myId = ++id;
      return new Promise<T>((res, rej) => {
        if (gone) return rej(new Error(`${name}: app_gone: the app closed the connection`));
        waiting.set(myId, (f) => (f.ok ? res(f.value as T) : rej(new Error(`${name}: ${f.error?.code}: ${f.error?.message}`))));
        ws.send(JSON.stringify({ t: 'call', id: myId, name, input }));
      });
    },
    close() {
      ws.terminate();
    },
  };
}

export async function killApp(app: AppProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  app.close();
  if (app.proc.exitCode !== null || app.proc.signalCode !== null) return;
  app.proc.kill(signal);
  await app.exited;
}

/** Teardown: stops every session the app runs (no host outlives the test), then ends the app with SIGTERM. */
export async function stopAndKill(app: AppProcess): Promise<void> {
  await stopAllSessions((name, input) => app.call(name, input));
  await killApp(app, 'SIGTERM');
}
