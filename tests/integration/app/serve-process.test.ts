import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildOnce } from '../../support/build';
import { connectWs } from '../../support/ws-client';
import { serve } from './helpers';

let dir: string;

beforeAll(() => buildOnce(), 120_000);
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const launch = (args: string[]) => serve(args);

async function call(url: string, name: string, input: unknown) {
  const u = new URL(url);
  const c = await connectWs(Number(u.port), { token: u.searchParams.get('token') ?? '' });
  const r = await c.call(name, input);
  c.ws.close();
  return r;
}

describe('browser-mode server process', () => {
  it('prints its URL with a token, serves the real contract, and shuts down cleanly on Ctrl+C', async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-serve-'));
    const s = launch(['--data-dir', dir]);
    const url = await s.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
    const status = await call(url, 'app.status', {});
    expect(status).toMatchObject({ ok: true, value: { mode: 'browser', dataDir: dir, store: { state: 'ready' } } });
    expect(await call(url, 'projects.list', {})).toEqual({ t: 'result', id: 1, ok: true, value: [] });
    s.proc.kill('SIGINT');
    const { code, out } = await s.exited;
    expect(code).toBe(0);
    expect(out).toContain('shutting down');
    expect(existsSync(join(dir, 'baton.db'))).toBe(true);
  });

  it('starts on a corrupt database, reports it, and refuses domain calls with a clear error', async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-serve-'));
    writeFileSync(join(dir, 'baton.db'), 'garbage');
    const s = launch(['--data-dir', dir]);
    const url = await s.url;
    expect(await call(url, 'app.status', {})).toMatchObject({ ok: true, value: { store: { state: 'error', reason: 'corrupt' } } });
    expect(await call(url, 'projects.list', {})).toMatchObject({ ok: false, error: { code: 'store_unavailable' } });
    s.proc.kill('SIGTERM');
    expect((await s.exited).code).toBe(0);
  });

  it('rejects a bad --port with a clear message', async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-serve-'));
    const s = launch(['--data-dir', dir, '--port', 'eighty']);
    const { code, out } = await s.exited;
    expect(code).toBe(2);
    expect(out).toContain('--port must be a number');
  });
});
