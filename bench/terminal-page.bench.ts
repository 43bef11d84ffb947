/**
 * The terminal's whole path in a real browser: a flood printed in a terminal opened in the app's UI (browser mode,
 * the built app, Chromium), timed until xterm.js has written it, against raw node-pty and a WebSocket client in the same run.
 */
import { chromium, type Browser } from '@playwright/test';
import { spawn as spawnPty } from '@lydell/node-pty';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { CHROMIUM_ARGS } from '../tests/e2e/support/chromium';
import { startServer, type RunningServer } from '../tests/e2e/support/server';
import { makeRepo } from '../tests/support/git';
import { connectWs, type WsClient } from '../tests/support/ws-client';
import { openBarePage, type BarePage } from './support/bare-page';
import { cpuTicks, median, must, releaseAfterAll, startBrowserBench, tree } from './support/app';
import { waiter } from './support/waiter';

/** Bytes per flood; BENCH_TERM_BYTES makes it smaller for a quick look. */
const BYTES = Number(process.env.BENCH_TERM_BYTES ?? 50_000_000);
/** Floods per path, interleaved (raw, page, WebSocket client, again): a busy machine slows all three alike. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SHELL_ENV = { SHELL: '/bin/sh', PS1: '$ ', ENV: '', TERM: 'xterm-256color' };

let base = '';
let server: RunningServer | null = null;
let browser: Browser | null = null;
let bare: BarePage | null = null;
// Hooks run last-registered first: Chromium closes, then the server stops, then the terminal hosts it left (they
// outlive it by design) are ended and its data dir removed.
afterAll(() => {
  if (!server) return;
  const dir = join(server.dataDir, 'terminals');
  for (const id of existsSync(dir) ? readdirSync(dir) : []) {
    try {
      process.kill(hostPidOf(server.dataDir, id), 'SIGTERM');
    } catch {
      // Gone already, or never written.
    }
  }
  rmSync(server.dataDir, { recursive: true, force: true });
});
releaseAfterAll(() => ({ base, server, browser }));
afterAll(async () => {
  await bare?.close();
});

let floods = 0;
/** The flood's command line; its marker is computed by the shell, so the echoed command cannot be mistaken for it. */
const floodLine = (): { line: string; marker: string } => {
  floods += 1;
  return { line: `head -c ${BYTES} /dev/zero | tr '\\0' a; echo; echo end${floods}-$((40+2))\r`, marker: `end${floods}-42` };
};

/** One way of running a flood: resolves with its milliseconds, from the command sent to its marker seen. */
type Flood = () => Promise<number>;

/** The raw baseline: node-pty in this process, no host, no socket, no page. */
async function rawPty(): Promise<{ flood: Flood; close: () => void }> {
  const pty = spawnPty('/bin/sh', [], { cols: 120, rows: 30, cwd: tmpdir(), env: { ...process.env, ...SHELL_ENV } as Record<string, string> });
  let tail = '';
  const w = waiter();
  pty.onData((d) => {
    tail = (tail + d).slice(-256);
    w.wake();
  });
  await w.until(() => tail.includes('$ '));
  return {
    async flood() {
      const { line, marker } = floodLine();
      tail = '';
      const t0 = performance.now();
      pty.write(line);
      await w.until(() => tail.includes(marker));
      return performance.now() - t0;
    },
    close: () => pty.kill(),
  };
}

/** A Node WebSocket client of the served app subscribed to one terminal: what a page receives, without the page. */
async function wsClient(s: RunningServer, c: WsClient, id: string): Promise<{ flood: Flood; close: () => void }> {
  const sock = new WebSocket(`ws://127.0.0.1:${s.port}/ws`);
  await new Promise<void>((r, j) => sock.once('open', () => r()).once('error', j));
  let tail = '';
  const w = waiter();
  const subscribed = new Promise<void>((r) =>
    sock.on('message', (d: Buffer) => {
      const f = JSON.parse(d.toString('utf8')) as { t: string; id?: number; name?: string; payload?: { data: string } };
      if (f.t === 'hello') {
        // Frames are handled in order: once the call after the sub is answered, the subscription holds.
        sock.send(JSON.stringify({ t: 'sub', name: 'terminals.output', topic: id }));
        sock.send(JSON.stringify({ t: 'call', id: 1, name: 'app.status', input: {} }));
      } else if (f.t === 'result' && f.id === 1) r();
      else if (f.t === 'event' && f.name === 'terminals.output' && f.payload) {
        tail = (tail + f.payload.data).slice(-256);
        w.wake();
      }
    }),
  );
  sock.send(JSON.stringify({ t: 'auth', token: s.token }));
  await subscribed;
  return {
    async flood() {
      const { line, marker } = floodLine();
      tail = '';
      const t0 = performance.now();
      await must(c, 'terminals.input', { id, data: line });
      await w.until(() => tail.includes(marker));
      return performance.now() - t0;
    },
    close: () => sock.close(),
  };
}

// Page-side scripts are plain source: vitest rewrites the bench's own functions, which would not run in the page.

/**
 * Arms the positive signal: resolves once the terminal's rendered rows show the marker. xterm.js renders what it has
 * parsed, in order, so the marker on screen means every byte before it went through `term.write`.
 */
const ARM = `(marker) => {
  const rows = document.querySelector('[data-testid="terminals-panel"] .xterm-rows');
  window.__benchDone = new Promise((resolve) => {
    const seen = () => rows.textContent.includes(marker);
    if (seen()) return resolve(true);
    const obs = new MutationObserver(() => {
      if (!seen()) return;
      obs.disconnect();
      resolve(true);
    });
    obs.observe(rows, { childList: true, subtree: true, characterData: true });
  });
}`;

/** What the bench needs of the page: evaluate, and DevTools calls for the profile. */
interface Driver {
  evaluate<T>(expression: string): Promise<T>;
  send<T>(method: string, params?: Record<string, unknown>): Promise<T>;
}

/** Playwright's page as a Driver (BENCH_DRIVER=playwright: to see what its Network instrumentation costs). */
async function playwrightDriver(exe: string, url: string): Promise<Driver> {
  browser = await chromium.launch({ executablePath: exe, args: CHROMIUM_ARGS, headless: true });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(url);
  const cdp = await page.context().newCDPSession(page);
  return {
    evaluate: <T,>(e: string) => page.evaluate<T>(e),
    // Playwright types each method's reply by name; the bench asks by a plain name and reads the reply it asked for.
    send: async <T,>(method: string, params?: Record<string, unknown>) => (await cdp.send(method as 'Profiler.start', params)) as T,
  };
}

/** Clicks the first element matching `selector` whose text or label is `name`, waiting up to 30 s for it (as a person would look for it). */
const CLICK = `async (selector, name) => {
  const deadline = Date.now() + 30000;
  for (;;) {
    const el = [...document.querySelectorAll(selector)].find((e) => e.textContent.trim() === name || e.getAttribute('aria-label') === name);
    if (el) return el.click();
    if (Date.now() > deadline) throw new Error('nothing like ' + selector + ' named ' + name + ' on the page');
    await new Promise((r) => setTimeout(r, 50));
  }
}`;
const click = (page: Driver, selector: string, name: string): Promise<void> => page.evaluate(`(${CLICK})(${JSON.stringify(selector)}, ${JSON.stringify(name)})`);

/** Waits up to 30 s for `expression` (page source) to be truthy, and returns it. */
async function seen<T>(page: Driver, expression: string, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const v = await page.evaluate<T | null>(`(() => ${expression})() || null`);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The page's flood: the command sent by the bench's client (as the pane's keystrokes are), timed until the page shows its marker. */
function pageFlood(page: Driver, c: WsClient, id: string): Flood {
  return async () => {
    const { line, marker } = floodLine();
    await page.evaluate(`(${ARM})(${JSON.stringify(marker)})`);
    const t0 = performance.now();
    await must(c, 'terminals.input', { id, data: line });
    await page.evaluate('window.__benchDone');
    return performance.now() - t0;
  };
}

interface CpuProfile {
  profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples?: number[]; timeDeltas?: number[] };
}

/** BENCH_PROFILE=1: the page's top functions by self time over one flood (where the renderer's share goes). */
async function profiled(page: Driver, flood: Flood): Promise<number> {
  await page.send('Profiler.enable');
  await page.send('Profiler.start');
  const ms = await flood();
  const { profile } = await page.send<CpuProfile>('Profiler.stop');
  const self = new Map<string, number>();
  const dt = profile.timeDeltas ?? [];
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  (profile.samples ?? []).forEach((nodeId, k) => {
    const n = byId.get(nodeId);
    if (!n) return;
    const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + (dt[k] ?? 0) / 1000);
  });
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`profile-page: ${Math.round(v)} ms ${k}`);
  return ms;
}

/** CPU ticks of every Chromium process this bench started, by its --type (renderer, gpu-process, utility, browser). */
function chromiumTicks(): Map<string, number> {
  const out = new Map<string, number>();
  for (const pid of tree(process.pid)) {
    try {
      if (!/chrom/i.test(readFileSync(`/proc/${pid}/comm`, 'utf8'))) continue;
      const type = /--type=([\w-]+)/.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '))?.[1] ?? 'browser';
      out.set(type, (out.get(type) ?? 0) + cpuTicks(pid));
    } catch {
      // Ended while we looked.
    }
  }
  return out;
}
const sumOf = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);
const byType = (m0: Map<string, number>, m1: Map<string, number>): string =>
  [...m1].map(([k, v]) => `${k} ${(v - (m0.get(k) ?? 0)) * 10}`).join(', ');

/**
 * A flood with the CPU each process spent on it, for the detail line: on a shared machine the wall time moves with
 * the load, the CPU much less, so this is what says where the time goes.
 */
async function withCpu(label: string, hostPid: number, flood: Flood): Promise<number> {
  const s0 = cpuTicks(server?.proc.pid ?? 0);
  const h0 = cpuTicks(hostPid);
  const c0 = chromiumTicks();
  const b0 = process.cpuUsage();
  const ms = await flood();
  const b1 = process.cpuUsage(b0);
  const c1 = chromiumTicks();
  const cpu = (t0: number, t1: number): string => `${(t1 - t0) * 10} ms`;
  console.log(
    `bench-detail: ${label}: ${ms.toFixed(0)} ms; CPU: terminal host ${cpu(h0, cpuTicks(hostPid))}, server ${cpu(s0, cpuTicks(server?.proc.pid ?? 0))}, Chromium ${cpu(sumOf(c0), sumOf(c1))} (${byType(c0, c1)}), this process ${Math.round((b1.user + b1.system) / 1000)} ms`,
  );
  return ms;
}

const hostPidOf = (dataDir: string, id: string): number => (JSON.parse(readFileSync(join(dataDir, 'terminals', id, 'host.json'), 'utf8')) as { pid: number }).pid;

test('terminal flood in Chromium: xterm.js has written it all, vs raw node-pty', async () => {
  const started = await startBrowserBench('terminal-page', 'baton-bench-term-page-');
  if (!started) return;
  base = started.base;
  makeRepo(started.repo);
  const nodeArgs = process.env.BENCH_BRAIN_NODE_ARGS?.split(' ').filter(Boolean);
  server = await startServer({ env: SHELL_ENV, nodeArgs });
  const c = await connectWs(server.port, { token: server.token });
  const { project } = await must<{ project: { id: string } }>(c, 'projects.add', { path: started.repo, name: 'bench' });

  const viaPlaywright = process.env.BENCH_DRIVER === 'playwright';
  if (!viaPlaywright) bare = await openBarePage(started.exe, CHROMIUM_ARGS, server.url, await mkdtemp(join(base, 'chromium-')));
  const page: Driver = bare ?? (await playwrightDriver(started.exe, server.url));
  // The project (its name in the sidebar), its Worktrees tab, the main checkout's terminals, a new one: as a person opens one.
  await click(page, 'body *', 'bench');
  await click(page, '[role="tab"]', 'Worktrees');
  await click(page, 'button', 'Terminals in main checkout');
  await click(page, '[data-testid="terminals-panel"] button', 'New terminal');
  const PANE = `document.querySelector('[data-testid="terminals-panel"] [data-testid="terminal-pane"]')`;
  await seen(page, `${PANE}?.querySelector('.xterm-rows')?.textContent.includes('$')`, 'the new terminal’s prompt');
  const pageId = await seen<string>(page, `${PANE}.dataset.terminalId`, 'the terminal’s id');
  // The WebSocket client's own terminal, opened after the page's (which stays selected): the page never receives its flood.
  const wsId = (await must<{ id: string }>(c, 'terminals.open', { projectId: project.id, cols: 120, rows: 30 })).id;
  const viaWs = await wsClient(server, c, wsId);
  const raw = await rawPty();
  const viaPage = pageFlood(page, c, pageId);

  const times = { raw: [] as number[], page: [] as number[], ws: [] as number[] };
  const mb = `${(BYTES / 1e6).toFixed(0)} MB`;
  for (let i = 0; i < ROUNDS; i++) {
    times.raw.push(await raw.flood());
    const inPage = i === 0 && process.env.BENCH_PROFILE ? () => profiled(page, viaPage) : viaPage;
    times.page.push(await withCpu(`${mb} to xterm.js in the page${viaPlaywright ? ' (Playwright attached)' : ''}`, hostPidOf(server.dataDir, pageId), inPage));
    times.ws.push(await withCpu(`${mb} to a WebSocket client`, hostPidOf(server.dataDir, wsId), viaWs.flood));
  }
  // The pane is still the page's terminal: its flood was the one on screen.
  expect(await page.evaluate(`${PANE}.dataset.terminalId`)).toBe(pageId);
  const ratios = (xs: number[]) => times.raw.map((r, i) => r / (xs[i] as number));
  const ms = (xs: number[]): string => xs.map((x) => x.toFixed(0)).join('/');
  const fig = (xs: number[]): string => `${median(ratios(xs)).toFixed(2)} (median of ${ROUNDS} interleaved rounds: ${ratios(xs).map((r) => r.toFixed(2)).join(', ')}`;
  console.log(`bench: terminal_page_throughput_vs_raw_pty_ratio = ${fig(times.page)}; ${mb} until xterm.js in Chromium shows the line after it: ${ms(times.page)} ms, raw node-pty ${ms(times.raw)} ms)`);
  console.log(`bench: terminal_served_ws_vs_raw_pty_ratio = ${fig(times.ws)}; ${mb} to a Node WebSocket client of the served app (browser mode, its own process): ${ms(times.ws)} ms)`);
  expect(median(ratios(times.page))).toBeGreaterThan(0);
  raw.close();
  viaWs.close();
  await must(c, 'terminals.close', { id: wsId, kill: true });
  await must(c, 'terminals.close', { id: pageId, kill: true });
  c.ws.close();
}, 600_000);
