import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

/** The built browser-mode entry (BATON_TEST_SERVE points a run at another build, e.g. one from before a fix). */
export const SERVE = process.env.BATON_TEST_SERVE ?? resolve(__dirname, '../../../out/main/serve.js');

export interface Served {
  proc: ChildProcess;
  /** Resolves with the printed URL; rejects if the process exits first. */
  url: Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>;
  output(): string;
}

/** `node out/main/serve.js ARGS` as a child process, its stdout and stderr gathered in one string. */
export function serve(args: string[], env: Record<string, string> = {}): Served {
  const proc = spawn(process.execPath, [SERVE, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>((res) =>
    proc.on('exit', (code, signal) => res({ code, signal, out })),
  );
  const url = new Promise<string>((res, rej) => {
    const t = setInterval(() => {
      const m = /Open (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearInterval(t);
        res(m[1]);
      }
    }, 20);
    void exited.then(() => {
      clearInterval(t);
      rej(new Error(`exited: ${out}`));
    });
  });
  url.catch(() => undefined); // a test that expects an early exit does not await the URL
  return { proc, url, exited, output: () => out };
}

/** Ends a served process (if it still runs) and waits for it. */
export async function end(s: Served, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (s.proc.exitCode === null && s.proc.signalCode === null) s.proc.kill(signal);
  await s.exited;
}
