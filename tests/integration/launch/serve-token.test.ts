import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildOnce } from '../../support/build';

const SERVE = resolve(__dirname, '../../../out/main/serve.js');
let dir: string;
let proc: ChildProcess | null = null;

beforeAll(() => buildOnce(), 120_000);
afterEach(async () => {
  if (proc && proc.exitCode === null && proc.signalCode === null) {
    const gone = new Promise((r) => proc?.once('exit', r));
    proc.kill('SIGTERM');
    await gone;
  }
  proc = null;
  rmSync(dir, { recursive: true, force: true });
});

/** The real browser-mode server; settles with its URL once it listens, or with its exit code and output when it ends first. */
function serve(args: string[], env: Record<string, string | undefined> = {}): Promise<{ url: string } | { code: number | null; out: string }> {
  dir = mkdtempSync(join(tmpdir(), 'baton-token-'));
  const childEnv = { ...process.env, ...env };
  if (!('BATON_TOKEN' in env)) delete childEnv.BATON_TOKEN;
  const p = spawn(process.execPath, [SERVE, '--data-dir', dir, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv });
  proc = p;
  let out = '';
  return new Promise((res) => {
    const seen = (d: Buffer): void => {
      out += d.toString();
      const m = /Open (http:\/\/\S+)/.exec(out);
      if (m?.[1]) res({ url: m[1] });
    };
    p.stdout?.on('data', seen);
    p.stderr?.on('data', seen);
    p.once('exit', (code) => res({ code, out }));
  });
}

describe('the browser-mode token at launch', () => {
  it('refuses a --token shorter than 32 characters: exit code 2 and a message saying what to do', { timeout: 60_000 }, async () => {
    const r = await serve(['--token', 'short-token-123']);
    expect(r).toMatchObject({ code: 2 });
    if ('out' in r) {
      expect(r.out).toContain('baton: the token from --token is 15 characters long; it must be at least 32.');
      expect(r.out).toContain('BATON_TOKEN');
      expect(r.out).not.toContain('Open http');
    }
  });

  it('refuses a short BATON_TOKEN the same way', { timeout: 60_000 }, async () => {
    const r = await serve([], { BATON_TOKEN: 'tiny' });
    expect(r).toMatchObject({ code: 2, out: expect.stringContaining('the token from BATON_TOKEN is 4 characters long') });
  });

  it('takes the token from BATON_TOKEN, so it never shows in ps', { timeout: 60_000 }, async () => {
    const token = 'env-token-0123456789-abcdefghijklmnop';
    const r = await serve([], { BATON_TOKEN: token });
    expect(r).toHaveProperty('url');
    if (!('url' in r)) return;
    expect(new URL(r.url).searchParams.get('token')).toBe(token);
    // The server takes that token and refuses any other: an /api/ route past health needs it as a bearer
    // (404 once let in, as no such route exists; 401 otherwise).
    const api = (t: string) => fetch(new URL('/api/anything', r.url), { headers: { authorization: `Bearer ${t}` } }).then((x) => x.status);
    expect(await api(token)).toBe(404);
    expect(await api(`${token}x`)).toBe(401);
  });
});
