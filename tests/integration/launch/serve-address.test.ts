import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readBrowserState } from '../../../src/main/launch/browser-state';
import { buildOnce } from '../../support/build';

const SERVE = resolve(__dirname, '../../../out/main/serve.js');
let dir: string;
let proc: ChildProcess | null = null;
let blocker: Server | null = null;

beforeAll(() => buildOnce(), 120_000);
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-address-'));
});
afterEach(async () => {
  await stop();
  blocker?.close();
  blocker = null;
  rmSync(dir, { recursive: true, force: true });
});

async function stop(): Promise<void> {
  const p = proc;
  proc = null;
  if (!p || p.exitCode !== null || p.signalCode !== null) return;
  const gone = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  await gone;
}

/** The real browser-mode server on `dir`; settles with its printed address and output once it listens. */
function serve(args: string[] = [], env: Record<string, string> = {}): Promise<{ url: URL; out: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (!('BATON_TOKEN' in env)) delete childEnv.BATON_TOKEN;
  const p = spawn(process.execPath, [SERVE, '--data-dir', dir, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv });
  proc = p;
  let out = '';
  return new Promise((res, rej) => {
    const seen = (d: Buffer): void => {
      out += d.toString();
      const m = /Open (http:\/\/\S+)/.exec(out);
      if (m?.[1]) res({ url: new URL(m[1]), out });
    };
    p.stdout?.on('data', seen);
    p.stderr?.on('data', seen);
    p.once('exit', (code) => rej(new Error(`serve exited with ${code}: ${out}`)));
  });
}

describe('browser mode keeps its address across restarts', () => {
  it('comes back on the same port with the same token, remembered 0600 in the data dir', { timeout: 90_000 }, async () => {
    const first = await serve();
    await stop();
    const stored = readBrowserState(dir);
    expect(stored).toEqual({ port: Number(first.url.port), token: first.url.searchParams.get('token') });
    expect(statSync(join(dir, 'browser.json')).mode & 0o777).toBe(0o600);

    const second = await serve();
    expect(second.url.href).toBe(first.url.href);
  });

  it('--port and --token override for one start; a given token is never written down', { timeout: 90_000 }, async () => {
    const first = await serve();
    await stop();
    const given = 'given-token-0123456789-abcdefghijklmnop';
    const second = await serve(['--port', '0', '--token', given]);
    expect(second.url.searchParams.get('token')).toBe(given);
    await stop();
    // The remembered token is still Baton's own, so a default start gives the first tab's token again.
    expect(readBrowserState(dir)?.token).toBe(first.url.searchParams.get('token'));
    expect(JSON.stringify(readBrowserState(dir))).not.toContain(given);
  });

  it('when the remembered port is taken, picks a free one and says so', { timeout: 90_000 }, async () => {
    const first = await serve();
    await stop();
    const port = Number(first.url.port);
    blocker = createServer();
    await new Promise<void>((r, j) => {
      blocker!.once('error', j);
      blocker!.listen(port, '127.0.0.1', () => r());
    });
    const second = await serve();
    expect(Number(second.url.port)).not.toBe(port);
    expect(second.url.searchParams.get('token')).toBe(first.url.searchParams.get('token'));
    expect(second.out).toContain(`port ${port} (used last time) is taken, so Baton listens on ${second.url.port} instead`);
    await stop();
    expect(readBrowserState(dir)?.port).toBe(Number(second.url.port));
  });
});
