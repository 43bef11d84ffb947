import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn as spawnPty, type IPty } from '@lydell/node-pty';
import { expect, test } from 'vitest';
import { createCore, type Core } from '../src/main/app/core';
import type { TerminalView } from '../src/shared/contracts/terminals';
import { makeRepo } from '../tests/support/git';
import { ensureHostBuilt } from '../tests/integration/host/helpers';

/** Keystrokes measured one at a time (each waits for its echo). */
const KEYS = 300;
/** Output pushed through each path for the throughput figure. */
const BYTES = 50_000_000;
const ENV = { ...process.env, SHELL: '/bin/sh', PS1: '$ ', ENV: '', TERM: 'xterm-256color' } as Record<string, string>;

const pct = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))] ?? 0;

/** Waits until `has()` holds, checking after each chunk the caller reports through `wake`. */
function waiter(): { wake: () => void; until: (has: () => boolean) => Promise<void> } {
  let pending: (() => void) | null = null;
  return {
    wake: () => pending?.(),
    until: (has) =>
      new Promise<void>((resolve) => {
        if (has()) return resolve();
        pending = () => {
          if (!has()) return;
          pending = null;
          resolve();
        };
      }),
  };
}

/** The raw baseline: node-pty in this process, no host, no socket, no contract. */
async function rawPty(): Promise<{ echoP50: number; echoP99: number; throughputMs: number }> {
  const pty: IPty = spawnPty('/bin/sh', [], { cols: 120, rows: 30, cwd: tmpdir(), env: ENV });
  let text = '';
  let bytes = 0;
  const w = waiter();
  pty.onData((d) => {
    text = (text + d).slice(-256);
    bytes += Buffer.byteLength(d);
    w.wake();
  });
  await w.until(() => text.includes('$ '));
  const lat: number[] = [];
  for (let i = 0; i < KEYS; i++) {
    const before = bytes;
    const t0 = performance.now();
    pty.write(i % 60 === 59 ? '\u0015' : 'k');
    await w.until(() => bytes > before);
    lat.push(performance.now() - t0);
  }
  pty.write('\u0015');
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  text = '';
  pty.write(`head -c ${BYTES} /dev/zero | tr '\\0' a; echo; echo raw-$((40+2))\r`);
  await w.until(() => text.includes('raw-42'));
  const throughputMs = performance.now() - t0;
  const c1 = process.cpuUsage(c0);
  console.log(`bench-detail: raw reader CPU ${((c1.user + c1.system) / 1000).toFixed(0)} ms`);
  pty.kill();
  return { echoP50: pct(lat, 0.5), echoP99: pct(lat, 0.99), throughputMs };
}

/** Through Baton: the contract's input procedure, the terminal host's socket, main's batching and the event hub. */
/** utime + stime of a process, in ms (Linux, 100 ticks a second). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

async function viaBaton(core: Core, projectId: string, dataDir: string): Promise<{ echoP50: number; echoP99: number; throughputMs: number; id: string }> {
  const call = async <T>(name: string, input: unknown): Promise<T> => {
    const r = await core.router.call(name, input, { via: 'test' });
    if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
    return r.value as T;
  };
  let text = '';
  let end = 0;
  const w = waiter();
  core.hub.listen((name, payload) => {
    // The core runs this one terminal; its first output (the prompt) may come before open has answered with its id.
    if (name !== 'terminals.output') return;
    text = (text + payload.data).slice(-256);
    end = payload.end;
    w.wake();
  });
  const t = await call<TerminalView>('terminals.open', { projectId, cols: 120, rows: 30 });
  const id = t.id;
  await w.until(() => text.includes('$ ') || end > 0);
  const lat: number[] = [];
  for (let i = 0; i < KEYS; i++) {
    const before = end;
    const t0 = performance.now();
    await call('terminals.input', { id, data: i % 60 === 59 ? '\u0015' : 'k' });
    await w.until(() => end > before);
    lat.push(performance.now() - t0);
  }
  await call('terminals.input', { id, data: '\u0015' });
  const hostPid = (JSON.parse(readFileSync(join(dataDir, 'terminals', id, 'host.json'), 'utf8')) as { pid: number }).pid;
  const host0 = cpuMs(hostPid);
  const main0 = process.cpuUsage();
  const t0 = performance.now();
  text = '';
  await call('terminals.input', { id, data: `head -c ${BYTES} /dev/zero | tr '\\0' a; echo; echo baton-$((40+2))\r` });
  await w.until(() => text.includes('baton-42'));
  const throughputMs = performance.now() - t0;
  const main1 = process.cpuUsage(main0);
  console.log(`bench-detail: 50 MB through Baton: terminal host CPU ${(cpuMs(hostPid) - host0).toFixed(0)} ms, main CPU ${((main1.user + main1.system) / 1000).toFixed(0)} ms`);
  return { echoP50: pct(lat, 0.5), echoP99: pct(lat, 0.99), throughputMs, id };
}

test('terminal keystroke echo and 50 MB throughput: through Baton vs raw node-pty', async () => {
  ensureHostBuilt();
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'baton-bench-term-')));
  const saved = { SHELL: process.env.SHELL, PS1: process.env.PS1 };
  process.env.SHELL = '/bin/sh';
  process.env.PS1 = '$ ';
  const core = createCore({ dataDir: join(base, 'data'), mode: 'browser', version: 'bench' });
  try {
    mkdirSync(join(base, 'repo'));
    const repo = makeRepo(join(base, 'repo'));
    const added = await core.router.call('projects.add', { path: repo }, { via: 'test' });
    if (!added.ok) throw new Error(added.error.message);
    const raw = await rawPty();
    const baton = await viaBaton(core, (added.value as { project: { id: string } }).project.id, join(base, 'data'));
    const ratio = raw.throughputMs / baton.throughputMs;
    console.log(`bench: terminal_echo_p99_ms = ${baton.echoP99.toFixed(2)} (p50 ${baton.echoP50.toFixed(2)}; raw node-pty p99 ${raw.echoP99.toFixed(2)}, p50 ${raw.echoP50.toFixed(2)})`);
    console.log(`bench: terminal_throughput_vs_raw_pty_ratio = ${ratio.toFixed(2)} (50 MB: Baton ${baton.throughputMs.toFixed(0)} ms, raw ${raw.throughputMs.toFixed(0)} ms; renderer write path not included)`);
    expect(ratio).toBeGreaterThan(0);
    await core.router.call('terminals.close', { id: baton.id, kill: true }, { via: 'test' });
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await core.close();
    rmSync(base, { recursive: true, force: true });
  }
}, 300_000);
