import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script module, without types.
import { chooseMode, FAILURE_MEMORY_MS } from '../../../scripts/electron-fetch.mjs';

interface Plan {
  mode: 'electron' | 'browser';
  binary?: string;
  line?: string;
}
type Choose = (opts: Record<string, unknown>) => Promise<Plan>;
const choose = chooseMode as Choose;

const realElectron = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** An electron package as npm install leaves it when its install script is denied: no path.txt, no dist/. */
function electronWithoutBinary(): { electronDir: string; cacheDir: string; downloads: string } {
  const base = mkdtempSync(join(tmpdir(), 'baton-start-'));
  dirs.push(base);
  const electronDir = join(base, 'electron');
  for (const f of ['package.json', 'checksums.json', 'install.js']) {
    copyFileSync(join(realElectron, f), join(mkdirp(electronDir), f));
  }
  return { electronDir, cacheDir: join(base, 'cache'), downloads: join(base, 'downloads') };
}

function mkdirp(d: string): string {
  mkdirSync(d, { recursive: true });
  return d;
}

/** A download that fails the way it does offline, fast: the mirror is a closed local port. */
const offline = (downloads: string) => ({ ...process.env, ELECTRON_MIRROR: 'http://127.0.0.1:9/', electron_config_cache: downloads, ELECTRON_SKIP_BINARY_DOWNLOAD: '' });

describe('npm start: choosing between the desktop app and browser mode', () => {
  it('with the binary missing and the download failing: one line says so, why, and how to retry; browser mode is chosen', { timeout: 60_000 }, async () => {
    const { electronDir, cacheDir, downloads } = electronWithoutBinary();
    const log: string[] = [];
    const plan = await choose({ electronDir, cacheDir, env: offline(downloads), log: (l: string) => log.push(l) });
    expect(plan.mode).toBe('browser');
    expect(plan.line).toMatch(/^baton: no desktop window: downloading Electron failed \(.*ECONNREFUSED.*\); it is not tried again for a day; starting browser mode instead .*`npm start -- --fetch-electron` tries the download again/);
    expect(plan.line).not.toContain('\n');
    // It said what it was doing before it tried.
    expect(log[0]).toMatch(/^baton: Electron's binary is not installed \(npm install skipped its download\); downloading Electron \d+\.\d+\.\d+ once/);
    expect(existsSync(join(electronDir, 'path.txt'))).toBe(false);
  });

  it('remembers the failure for a day, so an offline start does not try again; --fetch-electron does', { timeout: 60_000 }, async () => {
    const { electronDir, cacheDir, downloads } = electronWithoutBinary();
    const now = Date.now();
    await choose({ electronDir, cacheDir, env: offline(downloads), now, log: () => undefined });
    const memo = JSON.parse(readFileSync(join(cacheDir, 'electron-fetch.json'), 'utf8')) as { at: number; why: string };
    expect(memo.at).toBe(now);

    const log: string[] = [];
    const again = await choose({ electronDir, cacheDir, env: offline(downloads), now: now + 60 * 60_000, log: (l: string) => log.push(l) });
    expect(again.mode).toBe('browser');
    expect(again.line).toMatch(/^baton: no desktop window: Electron's binary is not installed and its download failed 60 min ago \(.*ECONNREFUSED.*\); starting browser mode/);
    expect(log).toEqual([]); // no download attempt

    const forced: string[] = [];
    const retried = await choose({ electronDir, cacheDir, env: offline(downloads), now: now + 2 * 60 * 60_000, force: true, log: (l: string) => forced.push(l) });
    expect(retried.mode).toBe('browser');
    expect(forced[0]).toContain('downloading Electron');

    const dayLater = await choose({ electronDir, cacheDir, env: offline(downloads), now: now + 2 * 60 * 60_000 + FAILURE_MEMORY_MS, log: (l: string) => forced.push(l) });
    expect(dayLater.line).toContain('downloading Electron failed');
  });

  it('a download that stalls is stopped at its bound', { timeout: 60_000 }, async () => {
    const { electronDir, cacheDir, downloads } = electronWithoutBinary();
    // A mirror that accepts the connection and never answers.
    const held: Socket[] = [];
    const server = createServer((s) => held.push(s)).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as { port: number }).port;
    try {
      const plan = await choose({ electronDir, cacheDir, env: { ...offline(downloads), ELECTRON_MIRROR: `http://127.0.0.1:${port}/` }, stallMs: 1500, log: () => undefined });
      expect(plan).toMatchObject({ mode: 'browser', line: expect.stringContaining('no progress for 2 s') });
    } finally {
      for (const s of held) s.destroy();
      server.close();
    }
  });

  it('uses the binary when it is there', () => {
    const { electronDir, cacheDir } = electronWithoutBinary();
    writeFileSync(join(electronDir, 'path.txt'), 'electron');
    mkdirp(join(electronDir, 'dist'));
    writeFileSync(join(electronDir, 'dist', 'electron'), '');
    return expect(choose({ electronDir, cacheDir, log: () => undefined })).resolves.toEqual({ mode: 'electron', binary: join(electronDir, 'dist', 'electron') });
  });
});
