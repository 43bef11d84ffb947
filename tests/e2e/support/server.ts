import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

const SERVE = resolve(here, '../../../out/main/serve.js');

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  dataDir: string;
  proc: ChildProcess;
}

/** Starts the real browser-mode server (the built app) as a child process. */
export async function startServer(opts: { dataDir?: string; port?: number; token?: string } = {}): Promise<RunningServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'baton-e2e-'));
  const token = opts.token ?? `e2e-${Math.random().toString(36).slice(2)}`;
  const args = [SERVE, '--data-dir', dataDir, '--token', token, '--port', String(opts.port ?? 0)];
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } });
  let output = '';
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`server did not start:\n${output}`)), 15_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      const m = /Open (http:\/\/\S+)/.exec(output);
      if (m?.[1]) {
        clearTimeout(timer);
        res(m[1]);
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    proc.once('exit', (code) => rej(new Error(`server exited with ${code}:\n${output}`)));
  });
  return { url, port: Number(new URL(url).port), token, dataDir, proc };
}

export async function stopServer(s: RunningServer, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (s.proc.exitCode !== null || s.proc.signalCode !== null) return;
  const exited = new Promise<void>((res) => s.proc.once('exit', () => res()));
  s.proc.kill(signal);
  await exited;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export const screenshotPath = (name: string): string => resolve(here, '../../../test-results/screenshots', `${name}.png`);
