import { randomBytes } from 'node:crypto';
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
  /** Extra environment the server was started with (kept across restarts). */
  env: Record<string, string>;
}

/**
 * Starts the real browser-mode server (the built app) as a child process.
 * `env` adds to its environment: e.g. a PATH with fake harness binaries,
 * which the agents it starts inherit.
 */
export async function startServer(
  opts: { dataDir?: string; port?: number; token?: string; env?: Record<string, string>; remembered?: boolean; nodeArgs?: string[] } = {},
): Promise<RunningServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'baton-e2e-'));
  const token = opts.token ?? `e2e-token-${randomBytes(16).toString('hex')}`; // serve refuses fewer than 32 characters
  // `remembered`: started as a person would, with no --port or --token: the data dir's remembered address.
  const args = opts.remembered ? [SERVE, '--data-dir', dataDir] : [SERVE, '--data-dir', dataDir, '--token', token, '--port', String(opts.port ?? 0)];
  const env = opts.env ?? {};
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (opts.remembered) delete childEnv.BATON_TOKEN;
  // nodeArgs: flags for node itself (benches profile the brain with --cpu-prof, which NODE_OPTIONS refuses).
  const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv });
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
  return { url, port: Number(new URL(url).port), token: new URL(url).searchParams.get('token') ?? token, dataDir, proc, env };
}

/**
 * Kills the server (SIGKILL: a crash, no clean-shutdown marker), runs
 * `whileDown`, then starts it again on the same port, data directory and
 * token, as a person restarting Baton would, so an open page reconnects by
 * itself. The port can stay busy for a moment: a few quick attempts cover it.
 */
export async function restartServer(s: RunningServer, whileDown?: () => Promise<void> | void): Promise<RunningServer> {
  await stopServer(s, 'SIGKILL');
  await whileDown?.();
  let last: unknown;
  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      return await startServer({ port: s.port, token: s.token, dataDir: s.dataDir, env: s.env });
    } catch (e) {
      last = e;
      if (!String(e).includes('could not listen')) throw e;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  throw last;
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
