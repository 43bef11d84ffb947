import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn as spawnPty, type IPty } from '@lydell/node-pty';
import { expect, test } from 'vitest';
import { createCore, type Core } from '../src/main/app/core';
import { WebSocket } from 'ws';
import { newToken, startBrowserServer } from '../src/main/api/ws-server';
import type { TerminalOutput, TerminalView } from '../src/shared/contracts/terminals';
import { makeRepo } from '../tests/support/git';
import { ensureHostBuilt } from '../tests/integration/host/helpers';
import { waiter, type Waiter } from './support/waiter';

/** Keystrokes measured one at a time (each waits for its echo). */
const KEYS = 300;
/** Output pushed through each path for the throughput figure. */
const BYTES = 50_000_000;
const ENV = { ...process.env, SHELL: '/bin/sh', PS1: '$ ', ENV: '', TERM: 'xterm-256color' } as Record<string, string>;

const pct = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))] ?? 0;

/** The echo figures of one path, and its flood: 50 MB printed, timed until the marker after it arrives. */
interface Path {
  echoP50: number;
  echoP99: number;
  flood(): Promise<number>;
  close(): Promise<void>;
}

/** Types one key at a time, each after the previous one's echo (Ctrl+U now and then keeps the line short). */
async function echoes(type: (key: string) => Promise<void>, end: () => number, w: Waiter): Promise<{ echoP50: number; echoP99: number }> {
  const lat: number[] = [];
  for (let i = 0; i < KEYS; i++) {
    const before = end();
    const t0 = performance.now();
    await type(i % 60 === 59 ? '\u0015' : 'k');
    await w.until(() => end() > before);
    lat.push(performance.now() - t0);
  }
  await type('\u0015');
  return { echoP50: pct(lat, 0.5), echoP99: pct(lat, 0.99) };
}

let floods = 0;
/** The flood's command line; each flood ends in a marker of its own, so one cannot be mistaken for the one before. */
const floodLine = (): { line: string; marker: string } => {
  floods += 1;
  return { line: `head -c ${BYTES} /dev/zero | tr '\\0' a; echo; echo end${floods}-$((40+2))\r`, marker: `end${floods}-42` };
};

/** The raw baseline: node-pty in this process, no host, no socket, no contract. */
async function rawPty(): Promise<Path> {
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
  const echo = await echoes(async (k) => pty.write(k), () => bytes, w);
  return {
    ...echo,
    async flood() {
      const { line, marker } = floodLine();
      const t0 = performance.now();
      text = '';
      pty.write(line);
      await w.until(() => text.includes(marker));
      return performance.now() - t0;
    },
    close: async () => pty.kill(),
  };
}

/** utime + stime of a process, in ms (Linux, 100 ticks a second). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

type Call = <T>(name: string, input: unknown) => Promise<T>;

/**
 * Through Baton: the contract's input procedure, the terminal host's socket, main's batching and the event hub;
 * with `ws`, also the browser-mode WebSocket server and a client subscribed to the terminal (what a renderer receives).
 */
async function viaBaton(core: Core, call: Call, projectId: string, dataDir: string, ws: boolean): Promise<Path & { id: string }> {
  let text = '';
  let end = 0;
  const w = waiter();
  const t = await call<TerminalView>('terminals.open', { projectId, cols: 120, rows: 30 });
  const id = t.id;
  const take = (o: TerminalOutput): void => {
    if (o.terminalId !== id) return;
    text = (text + o.data).slice(-256);
    end = o.end;
    w.wake();
  };
  let stop: () => Promise<void>;
  if (ws) {
    const token = newToken();
    const server = await startBrowserServer({ router: core.router, hub: core.hub, ctx: { via: 'ws' }, token, log: () => {} });
    const sock = new WebSocket(`ws://127.0.0.1:${server.port}/ws`);
    await new Promise<void>((r, j) => sock.once('open', () => r()).once('error', j));
    const subscribed = new Promise<void>((r) =>
      sock.on('message', (d: Buffer) => {
        const f = JSON.parse(d.toString('utf8')) as { t: string; name?: string; payload?: TerminalOutput; id?: number };
        if (f.t === 'hello') {
          // Frames are handled in order: once the call after the sub is answered, the subscription holds.
          sock.send(JSON.stringify({ t: 'sub', name: 'terminals.output', topic: id }));
          sock.send(JSON.stringify({ t: 'call', id: 1, name: 'app.status', input: {} }));
        } else if (f.t === 'result' && f.id === 1) r();
        else if (f.t === 'event' && f.name === 'terminals.output' && f.payload) take(f.payload);
      }),
    );
    sock.send(JSON.stringify({ t: 'auth', token }));
    await subscribed;
    stop = async () => {
      sock.close();
      await server.close();
    };
  } else {
    const off = core.hub.listen((name, payload) => {
      if (name === 'terminals.output') take(payload);
    });
    stop = async () => void off();
  }
  // The prompt may have come before the subscription: a newline brings another.
  await call('terminals.input', { id, data: '\r' });
  await w.until(() => text.includes('$ '));
  const echo = await echoes((k) => call('terminals.input', { id, data: k }), () => end, w);
  const hostPid = (JSON.parse(readFileSync(join(dataDir, 'terminals', id, 'host.json'), 'utf8')) as { pid: number }).pid;
  return {
    ...echo,
    id,
    async flood() {
      const { line, marker } = floodLine();
      const host0 = cpuMs(hostPid);
      const main0 = process.cpuUsage();
      const t0 = performance.now();
      text = '';
      await call('terminals.input', { id, data: line });
      await w.until(() => text.includes(marker));
      const ms = performance.now() - t0;
      const main1 = process.cpuUsage(main0);
      console.log(`bench-detail: 50 MB through Baton${ws ? ' and the WebSocket' : ''}: ${ms.toFixed(0)} ms; terminal host CPU ${(cpuMs(hostPid) - host0).toFixed(0)} ms, this process (main${ws ? ', server and client' : ''}) CPU ${((main1.user + main1.system) / 1000).toFixed(0)} ms`);
      return ms;
    },
    async close() {
      await stop();
      await call('terminals.close', { id, kill: true });
    },
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
/** Floods per path, interleaved (raw, Baton, Baton + WebSocket, again): a busy machine slows all three alike. */
const ROUNDS = 3;

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
    const call: Call = async <T,>(name: string, input: unknown): Promise<T> => {
      const r = await core.router.call(name, input, { via: 'test' });
      if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
      return r.value as T;
    };
    const projectId = (added.value as { project: { id: string } }).project.id;
    const raw = await rawPty();
    const baton = await viaBaton(core, call, projectId, join(base, 'data'), false);
    const viaWs = await viaBaton(core, call, projectId, join(base, 'data'), true);
    const times = { raw: [] as number[], baton: [] as number[], ws: [] as number[] };
    for (let i = 0; i < ROUNDS; i++) {
      times.raw.push(await raw.flood());
      times.baton.push(await baton.flood());
      times.ws.push(await viaWs.flood());
    }
    const ratios = times.raw.map((r, i) => r / (times.baton[i] as number));
    const wsRatios = times.raw.map((r, i) => r / (times.ws[i] as number));
    const ms = (xs: number[]): string => xs.map((x) => x.toFixed(0)).join('/');
    console.log(`bench: terminal_echo_p99_ms = ${baton.echoP99.toFixed(2)} (p50 ${baton.echoP50.toFixed(2)}; raw node-pty p99 ${raw.echoP99.toFixed(2)}, p50 ${raw.echoP50.toFixed(2)}; through the WebSocket p99 ${viaWs.echoP99.toFixed(2)})`);
    console.log(
      `bench: terminal_throughput_vs_raw_pty_ratio = ${median(ratios).toFixed(2)} (median of ${ROUNDS} interleaved rounds: ${ratios.map((r) => r.toFixed(2)).join(', ')}; 50 MB: Baton ${ms(times.baton)} ms, raw ${ms(times.raw)} ms; renderer write path not included)`,
    );
    console.log(`bench: terminal_throughput_ws_vs_raw_pty_ratio = ${median(wsRatios).toFixed(2)} (to a WebSocket client subscribed to the terminal: ${wsRatios.map((r) => r.toFixed(2)).join(', ')}; ${ms(times.ws)} ms; xterm.js's own write not included)`);
    expect(median(ratios)).toBeGreaterThan(0);
    await raw.close();
    await baton.close();
    await viaWs.close();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await core.close();
    rmSync(base, { recursive: true, force: true });
  }
}, 300_000);
