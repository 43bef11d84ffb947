/** Shared by the scale benches: the built app as a child process, its sessions, and /proc readings of its processes. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import { findChromium } from '../../tests/e2e/support/chromium';
import { buildOnce } from '../../tests/support/build';
import type { Browser } from '@playwright/test';
import { afterAll } from 'vitest';
import { startServer, stopServer, type RunningServer } from '../../tests/e2e/support/server';
import { makeRepo } from '../../tests/support/git';
import { scriptedCommand } from '../../tests/support/scripted';
import { waitUntil } from '../../tests/support/wait';
import { connectWs, type WsClient } from '../../tests/support/ws-client';

/** What a browser bench holds while it runs: its temp dir, the served app, Chromium. */
export interface BrowserBenchHeld {
  base: string;
  server: RunningServer | null;
  browser: Browser | null;
}

/** Releases what `held()` names after all the file's benches: Chromium closed, every session stopped, the server stopped, the dir removed. */
export function releaseAfterAll(held: () => BrowserBenchHeld): void {
  afterAll(async () => {
    const { base, server, browser } = held();
    await browser?.close();
    if (server) {
      const c = await connectWs(server.port, { token: server.token });
      const list = (await c.call('sessions.list', {})).value as { id: string }[];
      for (const s of list) await c.call('sessions.stop', { id: s.id });
      c.ws.close();
      await stopServer(server);
    }
    if (base) await rm(base, { recursive: true, force: true });
  });
}

/** Polls `fn` every 5 ms until `pred` holds (short, so a bench's timings are not rounded up by the wait), failing after `ms`. */
export async function until<T>(fn: () => Promise<T>, pred: (v: T) => boolean, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (pred(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Chromium's path with the app built, or null with a line saying the bench `name` is skipped (no Chromium here). */
export function chromiumOrSkip(name: string): string | null {
  const exe = findChromium();
  if (!exe) {
    console.log(`bench: ${name} skipped: no Chromium (set CHROMIUM_PATH)`);
    return null;
  }
  buildOnce();
  return exe;
}

/**
 * The start of a browser bench: Chromium found (null, with a line saying so, when there is none), the app built,
 * and a fresh temp dir `base` with an empty `repo` dir in it.
 */
export async function startBrowserBench(name: string, label: string): Promise<{ exe: string; base: string; repo: string } | null> {
  const exe = chromiumOrSkip(name);
  if (!exe) return null;
  const base = await realpath(await mkdtemp(join(tmpdir(), label)));
  const repo = join(base, 'repo');
  await mkdir(repo, { recursive: true });
  return { exe, base, repo };
}

export const pct = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
export const median = (xs: readonly number[]): number => pct([...xs].sort((a, b) => a - b), 50);

export async function must<T>(c: WsClient, name: string, input: unknown): Promise<T> {
  const f = await c.call(name, input);
  if (f.ok !== true) throw new Error(`${name}: ${JSON.stringify(f.error)}`);
  return f.value as T;
}

export interface BenchApp {
  server: RunningServer;
  c: WsClient;
  base: string;
  /** Adds a project on a fresh repository whose workers run the scripted agent with `script`. */
  project(name: string, script: unknown): Promise<string>;
  /** Creates `n` sessions and waits until every one is idle after its first turn. */
  idleSessions(projectId: string, n: number, prompt?: string): Promise<string[]>;
  close(): Promise<void>;
}

/** The built app (browser mode) in a child process, on a temp data dir, with a connected client; `env` adds to its environment. */
export async function startApp(opts: { env?: Record<string, string>; dataDir?: string } = {}): Promise<BenchApp> {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'baton-bench-')));
  // BENCH_BRAIN_NODE_ARGS: e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, to see where the brain's time goes.
  const nodeArgs = process.env.BENCH_BRAIN_NODE_ARGS?.split(' ').filter(Boolean);
  const server = await startServer({ env: opts.env, dataDir: opts.dataDir, nodeArgs });
  const c = await connectWs(server.port, { token: server.token });
  // Hibernation would stop idle sessions under the measurement.
  await must(c, 'app.updateSettings', { hibernateAfterSeconds: 0 });
  let n = 0;
  return {
    server,
    c,
    base,
    async project(name, script) {
      const repo = mkdtempSync(join(base, 'repo-'));
      makeRepo(repo);
      const { project } = await must<{ project: { id: string } }>(c, 'projects.add', { path: repo, name });
      await must(c, 'projects.update', { id: project.id, patch: { workerAgent: 'custom', customCommand: scriptedCommand(base, script, `script-${++n}.json`) } });
      return project.id;
    },
    async idleSessions(projectId, count, prompt = 'hello') {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) ids.push((await must<{ id: string }>(c, 'sessions.create', { projectId, prompt, title: `Session ${i}` })).id);
      await waitUntil(
        () => must<{ id: string; state: string }[]>(c, 'sessions.list', { projectId }),
        (l) => ids.every((id) => l.find((s) => s.id === id)?.state === 'idle'),
        300_000,
        `${count} sessions idle`,
        250,
      );
      return ids;
    },
    async close() {
      try {
        const list = await must<{ id: string; state: string }[]>(c, 'sessions.list', {});
        await Promise.all(list.filter((s) => s.state !== 'stopped').map((s) => c.call('sessions.stop', { id: s.id })));
      } catch {
        // The server may be gone already; its hosts are stopped below either way.
      }
      c.ws.close();
      await stopServer(server);
      for (const pid of hostPids(server.dataDir)) tryKill(pid);
      rmSync(base, { recursive: true, force: true });
      rmSync(server.dataDir, { recursive: true, force: true });
    },
  };
}

function tryKill(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Gone already.
  }
}

/** The pids in host.json of every session of a data dir (live or not). */
export function hostPids(dataDir: string): number[] {
  const out: number[] = [];
  let dirs: string[];
  try {
    dirs = readdirSync(join(dataDir, 'sessions'));
  } catch {
    return out;
  }
  for (const d of dirs) {
    try {
      const h = JSON.parse(readFileSync(join(dataDir, 'sessions', d, 'host.json'), 'utf8')) as { pid?: unknown };
      if (typeof h.pid === 'number') out.push(h.pid);
    } catch {
      // No host file: never launched, or cleaned up.
    }
  }
  return out;
}

/** Every live pid with its parent, from /proc/<pid>/stat. */
export function parents(): Map<number, number> {
  const out = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      out.set(pid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Ended while we looked.
    }
  }
  return out;
}

/** A pid and all its live descendants. */
export function tree(root: number, ppids = parents()): number[] {
  const all = [root];
  for (let i = 0; i < all.length; i++) for (const [pid, ppid] of ppids) if (ppid === all[i]) all.push(pid);
  return all.filter((p) => ppids.has(p));
}

/** VmRSS in MB from /proc/<pid>/status; 0 for a process that is gone. */
export function rssMb(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Memory only this process holds (smaps_rollup's Private_Clean + Private_Dirty), in MB: what one more of it costs, the binary's shared pages not counted. */
/** The baseline for a process's memory: a bare Node process doing nothing, measured once it has settled. */
export async function bareNodeRssMb(): Promise<number> {
  const p = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 1500));
    return rssMb(p.pid as number);
  } finally {
    p.kill();
  }
}

export function privateMb(pid: number): number {
  try {
    const s = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? 0);
    return (kb('Private_Clean') + kb('Private_Dirty')) / 1024;
  } catch {
    return 0;
  }
}

/** User + system CPU time of a process in clock ticks (1/100 s on Linux); 0 for one that is gone. */
export function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the name: state(0) ppid(1) … utime(11) stime(12).
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
}

export const tempDir = (label: string): string => realpathSync(mkdtempSync(join(tmpdir(), label)));
