import { chromium, type Browser, type Page } from '@playwright/test';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { CHROMIUM_ARGS } from '../tests/e2e/support/chromium';
import { startServer, stopServer, type RunningServer } from '../tests/e2e/support/server';
import { makeRepo } from '../tests/support/git';
import { scriptedCommand } from '../tests/support/scripted';
import { waitUntil } from '../tests/support/wait';
import { connectWs, type WsClient } from '../tests/support/ws-client';
import { chromiumOrSkip, cpuTicks, median, must, tempDir, tree } from './support/app';
import { seedSessions } from './support/seed-sessions';

/**
 * The board and the transcript at scale, in real Chromium (browser mode, the
 * built app), timed in the page (Performance API, long-task observer):
 * - `board_paint_ms`: a fresh page load → the first project's cards painted,
 *   with 500 seeded sessions over 20 projects; baseline `board_paint_empty_ms`,
 *   the same app with no data painting its empty board; timed once the server is
 *   quiet (`board_main_settle_ms`: how long main took to settle after its start);
 * - `board_long_tasks`: long tasks (> 50 ms) in a 10 s window while 50 live
 *   sessions of the scripted agent stream on the open board;
 * - `transcript_open_ms`: click on the card of a 100,000-event session → its
 *   last message painted; `transcript_long_tasks`: long tasks while scrolling
 *   it end to end (bottom to top), `transcript_open_long_tasks` during the open;
 *   `transcript_top_seq`: the first record shown once the scroll stopped (it must be the transcript's start, or the
 *   scroll did not go end to end);
 * - `renderer_heap_mb_500_cards`: the page's JS heap (after a forced GC, CDP `Runtime.getHeapUsage`) with a project of
 *   500 sessions drawn as 500 cards, in a server of its own; baseline `renderer_heap_mb_empty`, the empty board's.
 * BENCH_STREAM_SESSIONS (default 50) and BENCH_STREAM_RATE (events/s per session, default 20) shape the streaming part.
 */

const PROJECTS = 20;
const PER_PROJECT = 25; // 500 sessions
const LINES = 40;
const BIG = Number(process.env.BENCH_TRANSCRIPT_EVENTS ?? 100_000);
const STREAMING = Number(process.env.BENCH_STREAM_SESSIONS ?? 50);
const STREAM_RATE = Number(process.env.BENCH_STREAM_RATE ?? 20);
const WINDOW_MS = 10_000;
const ROUNDS = 3;
const END_MARK = 'END-OF-THE-BIG-TRANSCRIPT';

let browser: Browser | null = null;
const servers: RunningServer[] = [];
let client: WsClient | null = null;
afterAll(async () => {
  await browser?.close();
  if (client) {
    const list = (await client.call('sessions.list', {})).value as { id: string; state: string }[];
    await Promise.all(list.filter((s) => s.state === 'idle' || s.state === 'busy').map((s) => client?.call('sessions.stop', { id: s.id })));
    client.ws.close();
  }
  for (const s of servers) await stopServer(s);
}, 180_000);

/**
 * Installed before any page script: records every long task, and the time
 * (from navigation start) at which `window.__watch`'s selector first matched
 * `count` elements and a frame was painted after it.
 */
const PAGE_PROBES = `
  window.__longTasks = [];
  new PerformanceObserver((l) => l.getEntries().forEach((e) => window.__longTasks.push({ start: e.startTime, ms: e.duration }))).observe({ type: 'longtask', buffered: true });
  window.__paintedAt = null;
  const watch = () => {
    const w = window.__watch;
    if (!w || window.__paintedAt !== null || window.__pending) return;
    if (document.querySelectorAll(w.selector).length >= w.count && (!w.text || document.body.innerText.includes(w.text))) {
      window.__pending = true;
      requestAnimationFrame(() => setTimeout(() => { window.__paintedAt = performance.now(); }, 0));
    }
  };
  new MutationObserver(watch).observe(document, { childList: true, subtree: true, characterData: true });
`;

async function freshPage(selector: string, count: number): Promise<Page> {
  const context = await (browser as Browser).newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.addInitScript({ content: `window.__watch = ${JSON.stringify({ selector, count })};${PAGE_PROBES}` });
  return page;
}

const paintedAt = async (page: Page): Promise<number> => {
  // Polled from here: waitForFunction evaluates a string, which the app's CSP refuses.
  return waitUntil(() => page.evaluate<number | null>('window.__paintedAt'), (t): t is number => t !== null, 120_000, 'the paint', 50) as Promise<number>;
};

/** Fresh page load → `count` elements matching `selector` painted, in ms from navigation start; median of ROUNDS. */
async function paint(url: string, selector: string, count: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const page = await freshPage(selector, count);
    await page.goto(url);
    times.push(await paintedAt(page));
    await page.context().close();
  }
  return median(times);
}

/** CPU ticks (1/100 s) of a process, its live descendants and the children it has reaped (git, say). */
function treeTicks(root: number): number {
  let reaped = 0;
  try {
    const f = readFileSync(`/proc/${root}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    reaped = Number(f[13] ?? 0) + Number(f[14] ?? 0);
  } catch {
    // Gone: nothing reaped to count.
  }
  return reaped + tree(root).reduce((n, pid) => n + cpuTicks(pid), 0);
}

/**
 * Waits until the server (and what it runs, git included) is quiet: two seconds in a row under a tenth of a core.
 * Reconciled is not idle: right after a start with 500 sessions, main still works through them (the turn ends
 * reconcile wrote, their review counts from git); a paint timed then measures that work, not the page.
 */
async function settled(pid: number): Promise<number> {
  const t0 = performance.now();
  let quiet = 0;
  let last = treeTicks(pid);
  while (quiet < 2 && performance.now() - t0 < 180_000) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = treeTicks(pid);
    quiet = now - last < 10 ? quiet + 1 : 0;
    last = now;
  }
  return performance.now() - t0;
}

/** The page's used JS heap in MB after a forced garbage collection, read over CDP (stable across runs, unlike performance.memory). */
async function heapMb(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return usedSize / 1048576;
}

const must0 = (pid: number | undefined): number => {
  if (pid === undefined) throw new Error('The server has no pid: it did not start; see its output above.');
  return pid;
};

const longTasksSince = (page: Page, since: number) => page.evaluate<{ n: number; worst: number }>(`(() => { const t = window.__longTasks.filter((e) => e.start >= ${since}); return { n: t.length, worst: Math.round(Math.max(0, ...t.map((e) => e.ms))) }; })()`);

/** Click → the element with `text` painted, timed in the page. */
const TIME_CLICK_TO_TEXT = (text: string) => `new Promise((resolve) => {
  // The project holds that one session.
  const button = document.querySelector('[data-testid="session-card"] button');
  const t0 = performance.now();
  const done = () => requestAnimationFrame(() => setTimeout(() => resolve({ t0, ms: performance.now() - t0 }), 0));
  const has = () => { const t = document.querySelector('[data-testid="transcript"]'); return t && t.innerText.includes(${JSON.stringify(text)}); };
  const obs = new MutationObserver(() => { if (has()) { obs.disconnect(); done(); } });
  obs.observe(document.body, { childList: true, subtree: true, characterData: true });
  button.click();
})`;

/** Scrolls the transcript from where it is to the top, a screen per frame; stops once the top held still for 4 s (no earlier page came in). */
const SCROLL_TO_TOP = `new Promise((resolve) => {
  const el = document.querySelector('[data-testid="transcript"]');
  const t0 = performance.now();
  let frames = 0;
  let topSince = null;
  const step = () => {
    frames++;
    el.scrollTop = Math.max(0, el.scrollTop - el.clientHeight);
    const now = performance.now();
    if (el.scrollTop === 0) topSince ??= now; else topSince = null;
    if ((topSince !== null && now - topSince > 4000) || now - t0 > 180000) return resolve({ t0, frames, ms: now - t0 });
    requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
})`;

test('board and transcript at scale in Chromium: paint, long tasks while streaming, a 100,000-event transcript', async () => {
  const exe = chromiumOrSkip('ui-scale');
  if (!exe) return;
  browser = await chromium.launch({ executablePath: exe, args: CHROMIUM_ARGS, headless: true });
  const base = tempDir('baton-bench-ui-');

  // Baseline: the same app with nothing in it, painting its empty board.
  const empty = await startServer();
  servers.push(empty);
  const emptyMs = await paint(empty.url, '[data-testid="board-empty"]', 1);
  const emptyPage = await freshPage('[data-testid="board-empty"]', 1);
  await emptyPage.goto(empty.url);
  await paintedAt(emptyPage);
  const emptyHeap = await heapMb(emptyPage);
  await emptyPage.context().close();
  await stopServer(empty);

  // renderer_heap_mb_500_cards: one project of 500 sessions, all drawn, in a server of its own (the other figures keep
  // their 500 sessions over 20 projects).
  const wide = await startServer();
  servers.push(wide);
  const wc = await connectWs(wide.port, { token: wide.token });
  const widePath = makeRepo(mkdtempSync(join(base, 'repo-')));
  const { project: wideProject } = await must<{ project: { id: string } }>(wc, 'projects.add', { path: widePath, name: 'wide' });
  wc.ws.close();
  await stopServer(wide);
  seedSessions({ dataDir: wide.dataDir, projectId: wideProject.id, cwd: widePath, count: PROJECTS * PER_PROJECT, linesPerSession: 4, appliedShare: 1, endings: ['ended', 'mid_turn', 'exit_failed_idle', 'ended_db_busy'] });
  const wideAgain = await startServer({ dataDir: wide.dataDir });
  servers.push(wideAgain);
  const wc2 = await connectWs(wideAgain.port, { token: wideAgain.token });
  await waitUntil(() => must<{ state: string }[]>(wc2, 'sessions.list', {}), (l) => l.length === PROJECTS * PER_PROJECT && l.every((x) => x.state !== 'busy'), 120_000, 'the wide project reconciled', 250);
  wc2.ws.close();
  const widePage = await freshPage('[data-testid="session-card"]', PROJECTS * PER_PROJECT);
  await settled(must0(wideAgain.proc.pid));
  await widePage.goto(wideAgain.url);
  const wideMs = await paintedAt(widePage);
  const wideHeap = await heapMb(widePage);
  await widePage.context().close();
  await stopServer(wideAgain);
  console.log(`bench: renderer_heap_mb_empty = ${emptyHeap.toFixed(1)}`);
  console.log(`bench: renderer_heap_mb_500_cards = ${wideHeap.toFixed(1)}`);
  console.log(`bench: renderer_heap_500_cards_vs_empty_ratio = ${(wideHeap / emptyHeap).toFixed(2)}`);
  console.log(`bench: board_paint_ms_500_cards = ${Math.round(wideMs)}`);

  // Seeded: projects through the app, then sessions written while it is down (the real repositories and projector).
  const first = await startServer();
  servers.push(first);
  let c = await connectWs(first.port, { token: first.token });
  const projects: { id: string; path: string }[] = [];
  const add = async (name: string) => {
    const path = makeRepo(mkdtempSync(join(base, 'repo-')));
    const { project } = await must<{ project: { id: string } }>(c, 'projects.add', { path, name });
    projects.push({ id: project.id, path });
    return project.id;
  };
  for (let i = 0; i < PROJECTS; i++) await add(`board-${String(i).padStart(2, '0')}`);
  const bigProject = await add('transcript');
  const streamProject = await add('zstream');
  await must(c, 'app.updateSettings', { hibernateAfterSeconds: 0 });
  c.ws.close();
  await stopServer(first);
  for (const p of projects.slice(0, PROJECTS)) seedSessions({ dataDir: first.dataDir, projectId: p.id, cwd: p.path, count: PER_PROJECT, linesPerSession: LINES, appliedShare: 1, endings: ['ended', 'mid_turn', 'exit_failed_idle', 'ended_db_busy'] });
  const big = projects.find((p) => p.id === bigProject) as { id: string; path: string };
  const [huge] = seedSessions({ dataDir: first.dataDir, projectId: big.id, cwd: big.path, count: 1, linesPerSession: BIG, appliedShare: 1, endings: ['ended'], finalMessage: END_MARK });
  const server = await startServer({ dataDir: first.dataDir });
  servers.push(server);
  c = client = await connectWs(server.port, { token: server.token });
  await waitUntil(() => must<{ state: string }[]>(c, 'sessions.list', {}), (l) => l.length === PROJECTS * PER_PROJECT + 1 && l.every((s) => s.state !== 'busy'), 120_000, 'the seeded sessions reconciled', 250);
  expect(huge).toBeDefined();

  // board_paint_ms: the first project (board-00) with its 25 cards, 500 sessions in the store, once main is quiet.
  const settleMs = await settled(must0(server.proc.pid));
  const boardMs = await paint(server.url, '[data-testid="session-card"]', PER_PROJECT);
  console.log(`bench: board_main_settle_ms = ${Math.round(settleMs)}`);
  console.log(`bench: board_paint_empty_ms = ${Math.round(emptyMs)}`);
  console.log(`bench: board_paint_ms = ${Math.round(boardMs)}`);
  console.log(`bench: board_paint_vs_empty_ratio = ${(boardMs / emptyMs).toFixed(2)}`);

  // transcript_open_ms and transcript_long_tasks.
  const page = await freshPage('[data-testid="session-card"]', 1);
  await page.goto(server.url);
  await page.getByText('transcript', { exact: true }).first().click();
  await page.getByTestId('session-card').first().waitFor();
  await page.waitForTimeout(500);
  const open = await page.evaluate<{ t0: number; ms: number }>(TIME_CLICK_TO_TEXT(END_MARK));
  // What the open still does after its first paint (pages still loading, say) belongs to the open.
  await page.waitForTimeout(2000);
  const openLong = await longTasksSince(page, open.t0);
  const scroll = await page.evaluate<{ t0: number; frames: number; ms: number }>(SCROLL_TO_TOP);
  const scrollLong = await longTasksSince(page, scroll.t0);
  const transcriptHeap = await heapMb(page);
  const rows = await page.evaluate<number>(`document.querySelector('[data-testid="transcript"]').scrollHeight`);
  const topSeq = await page.evaluate<number>(`Math.min(...[...document.querySelectorAll('[data-testid="transcript"] [data-seq]')].map((e) => Number(e.dataset.seq)))`);
  // The page holds a bounded window of the transcript, so its height is that window's, not the whole history's.
  console.log(`bench: transcript_window_px = ${rows}`);
  console.log(`bench: transcript_top_seq = ${topSeq}`);
  console.log(`bench: transcript_events = ${BIG + 1}`);
  console.log(`bench: transcript_open_ms = ${Math.round(open.ms)}`);
  console.log(`bench: transcript_open_long_tasks = ${openLong.n}`);
  console.log(`bench: transcript_open_worst_task_ms = ${openLong.worst}`);
  console.log(`bench: transcript_long_tasks = ${scrollLong.n}`);
  console.log(`bench: transcript_scroll_worst_task_ms = ${scrollLong.worst}`);
  console.log(`bench: transcript_scroll_frames = ${scroll.frames}`);
  console.log(`bench: transcript_page_heap_mb = ${transcriptHeap.toFixed(1)}`);
  await page.context().close();

  // board_long_tasks: 50 live sessions streaming on the open board.
  // Long enough to outlast the window even when a swamped page answers late.
  const perSession = STREAM_RATE * (WINDOW_MS / 1000 + 40);
  const script = {
    prompts: [{ match: 'stream', steps: [{ type: 'burst', count: perSession, perSecond: STREAM_RATE, text: 'streaming chunk of agent text' }] }],
    default: { steps: [{ type: 'text', text: 'ready' }] },
  };
  await must(c, 'projects.update', { id: streamProject, patch: { workerAgent: 'custom', customCommand: scriptedCommand(base, script) } });
  const ids: string[] = [];
  for (let i = 0; i < STREAMING; i++) ids.push((await must<{ id: string }>(c, 'sessions.create', { projectId: streamProject, prompt: 'hello', title: `Stream ${i}` })).id);
  await waitUntil(() => must<{ id: string; state: string }[]>(c, 'sessions.list', { projectId: streamProject }), (l) => l.length === STREAMING && l.every((s) => s.state === 'idle'), 600_000, `${STREAMING} sessions idle`, 500);
  const board = await freshPage('[data-testid="session-card"]', STREAMING);
  await board.goto(server.url);
  await board.getByText('zstream', { exact: true }).first().click();
  await paintedAt(board);
  await board.waitForTimeout(1000);
  await Promise.all(ids.map((id, i) => must(c, 'sessions.prompt', { id, text: 'stream now', idempotencyKey: `stream-${i}-key` })));
  // Let every stream get going, then count over the window.
  await board.waitForTimeout(3000);
  const from = await board.evaluate<number>('performance.now()');
  await board.waitForTimeout(WINDOW_MS);
  const streaming = await longTasksSince(board, from);
  const busy = (await must<{ state: string }[]>(c, 'sessions.list', { projectId: streamProject })).filter((s) => s.state === 'busy').length;
  console.log(`bench: board_streaming_sessions = ${STREAMING} (${busy} still busy at the window's end)`);
  console.log(`bench: board_long_tasks = ${streaming.n}`);
  console.log(`bench: board_worst_task_ms = ${streaming.worst}`);
  expect(busy).toBeGreaterThan(0);
  // Scrolled end to end: the transcript's first records are on screen (its first rows are the opening prompt's).
  expect(topSeq).toBeLessThan(10);
});
