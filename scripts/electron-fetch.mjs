// What `npm start` runs: the desktop app when Electron's binary is there (fetching
// it once if npm install skipped it), else browser mode with one line saying why.
// Kept apart from start.mjs, without side effects at import, so a test can run
// the decision with a missing binary and a failing download.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const FETCH_SCRIPT = join(root, 'scripts/fetch-electron.mjs');

export const DEFAULT_ELECTRON_DIR = () => dirname(createRequire(import.meta.url).resolve('electron/package.json'));
export const DEFAULT_CACHE_DIR = join(root, 'node_modules/.cache/baton');
/** A failed download is not retried for this long: offline, `npm start` must stay quick. */
export const FAILURE_MEMORY_MS = 24 * 60 * 60 * 1000;
export const RETRY_FLAG = '--fetch-electron';
const RETRY_HINT = `\`npm start -- ${RETRY_FLAG}\` tries the download again`;

/** The Electron binary's path, or why there is none. */
export function electronBinary(electronDir) {
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return { why: 'npm install skipped its download' };
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH || join(electronDir, 'dist');
  const path = join(dist, readFileSync(pathFile, 'utf8').trim());
  return existsSync(path) ? { path } : { why: `${path} is missing` };
}

const memoFile = (cacheDir) => join(cacheDir, 'electron-fetch.json');

function readFailure(cacheDir) {
  try {
    const m = JSON.parse(readFileSync(memoFile(cacheDir), 'utf8'));
    return typeof m.at === 'number' && typeof m.why === 'string' ? m : null;
  } catch {
    return null;
  }
}

function ago(ms) {
  const min = Math.round(ms / 60_000);
  return min < 1 ? 'moments ago' : min < 90 ? `${min} min ago` : `${Math.round(min / 60)} h ago`;
}

const fallback = (why) => `baton: no desktop window: ${why}; starting browser mode instead (the same app in your browser). ${RETRY_HINT} when you are online.`;

/**
 * Runs scripts/fetch-electron.mjs in a child, relaying its progress lines. Bounded: it is
 * stopped after `stallMs` without any output or `timeoutMs` in all. Resolves { ok } or { ok: false, why }.
 */
export function fetchElectron({ electronDir, timeoutMs = 15 * 60_000, stallMs = 60_000, log = console.log, env = process.env }) {
  return new Promise((res) => {
    const child = spawn(process.execPath, [FETCH_SCRIPT, electronDir], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let why = null;
    let stopped = null;
    const stop = (reason) => {
      stopped = reason;
      child.kill('SIGTERM');
    };
    const overall = setTimeout(() => stop(`it took longer than ${Math.round(timeoutMs / 60_000)} min`), timeoutMs);
    let stall = setTimeout(() => stop(`no progress for ${Math.round(stallMs / 1000)} s`), stallMs);
    const heard = () => {
      clearTimeout(stall);
      stall = setTimeout(() => stop(`no progress for ${Math.round(stallMs / 1000)} s`), stallMs);
    };
    const lines = (stream, onLine) => {
      let buf = '';
      stream.on('data', (d) => {
        heard();
        buf += d.toString();
        const parts = buf.split('\n');
        buf = parts.pop() ?? '';
        for (const l of parts) if (l.trim()) onLine(l);
      });
    };
    lines(child.stdout, (l) => log(l));
    lines(child.stderr, (l) => {
      if (l.startsWith('fetch-failed: ')) why = l.slice('fetch-failed: '.length);
    });
    child.on('error', (e) => {
      why = e.message;
    });
    child.on('close', (code) => {
      clearTimeout(overall);
      clearTimeout(stall);
      if (code === 0 && !stopped) res({ ok: true });
      else res({ ok: false, why: stopped ?? why ?? `the download exited with ${code}` });
    });
  });
}

/**
 * Decides how `npm start` runs: { mode: 'electron', binary } or { mode: 'browser', line }.
 * A missing binary is fetched once; a failed fetch is remembered for a day (so an
 * offline start is quick) unless `force` (`--fetch-electron`).
 */
export async function chooseMode({ electronDir = DEFAULT_ELECTRON_DIR(), cacheDir = DEFAULT_CACHE_DIR, force = false, now = Date.now(), log = console.log, env = process.env, timeoutMs, stallMs } = {}) {
  const have = electronBinary(electronDir);
  if (have.path) return { mode: 'electron', binary: have.path };
  if (env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
    return { mode: 'browser', line: fallback("Electron's binary is not installed and ELECTRON_SKIP_BINARY_DOWNLOAD is set") };
  }
  const last = force ? null : readFailure(cacheDir);
  if (last && now - last.at < FAILURE_MEMORY_MS) {
    return { mode: 'browser', line: fallback(`Electron's binary is not installed and its download failed ${ago(now - last.at)} (${last.why})`) };
  }
  const { version } = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8'));
  log(`baton: Electron's binary is not installed (${have.why}); downloading Electron ${version} once (about 100 MB; Ctrl+C stops and nothing is lost)…`);
  const r = await fetchElectron({ electronDir, log, env, timeoutMs, stallMs });
  const after = r.ok ? electronBinary(electronDir) : null;
  if (after?.path) {
    rmSync(memoFile(cacheDir), { force: true });
    return { mode: 'electron', binary: after.path };
  }
  const why = r.ok ? `the download finished but ${after?.why ?? 'no binary appeared'}` : r.why;
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(memoFile(cacheDir), JSON.stringify({ at: now, why }));
  return { mode: 'browser', line: fallback(`downloading Electron failed (${why}); it is not tried again for a day`) };
}
