import { chromium } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { test } from 'vitest';
import { CHROMIUM_ARGS } from '../tests/e2e/support/chromium';
import { waitUntil } from '../tests/support/wait';
import { chromiumOrSkip, must, pct, startApp } from './support/app';
import { liveSessions, PER_SECOND, SECONDS, SESSIONS, STAMP } from './support/live';

/**
 * Live traffic as far as the page (issue 16: "from the agent's write to the page's update"): the same 20 sessions
 * at 2,000 events/s as live.bench.ts, with Chromium showing one of them, its transcript open as a person watches it.
 * `ingest_live_page_p99_ms`: from the agent's write (the time stamped in each chunk) to the main thread's paint of
 * the frame that shows that chunk's text (PAGE_PROBE), for the open session's 1,000 chunks. `_own_`: the page's
 * share of each, from the same chunk's arrival at a WebSocket client of the app to that paint. Its baseline in the
 * same run: every session's chunks at that client (`ingest_live_page_run_ws_*`), which is what live.bench.ts
 * measures without a page drawing. `_main_busy_pct`: how much of the stream the page's main thread was busy.
 * The agents write a paragraph every 10 chunks (BENCH_LIVE_PARAGRAPH_EVERY; 0 is one paragraph of ~40 KB).
 */

/**
 * In the page before its scripts: each stamped chunk's stamp and the time its text was first painted, taken in
 * a task right after the main thread's paint of the frame that showed it. A mutation made while a frame runs
 * (the page's animation-frame callbacks, wrapped here to tell) is painted in that frame; one made in a task is
 * painted in the next.
 */
const PAGE_PROBE = `
  window.__live = [];
  let seen = 0;
  let inFrame = false;
  let due = false;
  let posted = false;
  const after = new MessageChannel();
  const check = () => {
    const now = Date.now();
    const el = document.querySelector('[data-testid="transcript"]');
    if (!el) return;
    const stamps = el.textContent.match(/t=\\d+ live chunk/g) || [];
    if (stamps.length < seen) seen = 0;
    for (let i = seen; i < stamps.length; i++) window.__live.push([Number(stamps[i].slice(2, stamps[i].indexOf(' '))), now]);
    seen = stamps.length;
  };
  after.port1.onmessage = () => {
    posted = false;
    inFrame = false;
    if (due) { due = false; check(); }
  };
  // Posted during a frame, the message runs after that frame's style, layout and paint.
  const afterPaint = () => { if (!posted) { posted = true; after.port2.postMessage(0); } };
  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (cb) => raf((t) => { inFrame = true; afterPaint(); cb(t); });
  new MutationObserver(() => {
    if (due) return;
    due = true;
    if (!inFrame) raf(() => { inFrame = true; afterPaint(); });
  }).observe(document, { childList: true, subtree: true, characterData: true });
`;

test('live ingest to the page: the open transcript of one of 20 sessions at 2,000 events/s, agent write → painted', async () => {
  const executablePath = chromiumOrSkip('live-page');
  if (!executablePath) return;
  const app = await startApp();
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    const ids = await liveSessions(app);

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript({ content: PAGE_PROBE });
    await page.goto(app.server.url);
    await page.getByText('live', { exact: true }).first().click();
    await page.getByTestId('session-card').filter({ hasText: 'Session 0' }).first().click();
    await page.getByTestId('transcript').waitFor();

    const ws: number[] = [];
    /** When the WebSocket client got each of the open session's chunks, by stamp: the page's own share is the rest. */
    const atClient = new Map<number, number>();
    await must(app.c, 'sessions.list', {});
    app.c.ws.send(JSON.stringify({ t: 'sub', name: 'sessions.records' }));
    app.c.ws.on('message', (d: Buffer) => {
      const now = Date.now();
      const f = JSON.parse(d.toString()) as { t: string; name?: string; payload?: { sessionId: string; records: { msg: { params?: { update?: { content?: { text?: string } } } } }[] } };
      if (f.t !== 'event' || f.name !== 'sessions.records' || !f.payload) return;
      for (const r of f.payload.records) {
        const m = STAMP.exec(r.msg.params?.update?.content?.text ?? '');
        if (!m) continue;
        ws.push(now - Number(m[1]));
        if (f.payload.sessionId === ids[0]) atClient.set(Number(m[1]), now);
      }
    });
    const perSession = Math.round(PER_SECOND * SECONDS);
    // BENCH_PAGE_PROFILE=<file>: the page's CPU profile of the stream (Chrome DevTools' .cpuprofile), to see where its share goes.
    const profiling = process.env.BENCH_PAGE_PROFILE;
    const cdp = await page.context().newCDPSession(page);
    if (profiling) await cdp.send('Profiler.enable').then(() => cdp.send('Profiler.start'));
    // The page's main thread: how busy the stream keeps it (all its tasks, and the script among them).
    await cdp.send('Performance.enable');
    const busy = async (): Promise<{ task: number; script: number; at: number }> => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      const m = (name: string): number => metrics.find((x) => x.name === name)?.value ?? 0;
      return { task: m('TaskDuration'), script: m('ScriptDuration'), at: Date.now() };
    };
    const busy0 = await busy();
    // BENCH_PAGE_TRACE=<file>: a Chromium trace of the stream (open it in DevTools' Performance panel or Perfetto).
    const tracing = process.env.BENCH_PAGE_TRACE;
    if (tracing) await browser.startTracing(page, { path: tracing, screenshots: false });
    // Session 0 first, so the open transcript's stream starts with everyone else's.
    await Promise.all(ids.map((id, i) => must(app.c, 'sessions.prompt', { id, text: 'stream now', idempotencyKey: `page-stream-${i}-key` })));
    await waitUntil(() => ws.length, (n) => n >= perSession * SESSIONS, 120_000 + SECONDS * 5000, 'every stamped record at the WebSocket client', 200);
    // Polled from here: the app's CSP refuses waitForFunction's evaluated string.
    const painted = await waitUntil(() => page.evaluate<[number, number][]>('window.__live'), (l) => l.length >= perSession, 60_000, `${perSession} chunks in the open transcript`, 200);
    if (tracing) await browser.stopTracing();
    const busy1 = await busy();
    if (profiling) writeFileSync(profiling, JSON.stringify((await cdp.send('Profiler.stop')).profile));
    const latency = painted.map(([stamp, at]) => at - stamp).sort((a, b) => a - b);
    // Both clocks are this machine's: the page's share of each chunk is from its arrival at a client of the app to its paint.
    const own = painted.flatMap(([stamp, at]) => (atClient.has(stamp) ? [at - atClient.get(stamp)!] : [])).sort((a, b) => a - b);
    ws.sort((a, b) => a - b);
    console.log(`bench: ingest_live_page_events = ${latency.length}`);
    console.log(`bench: ingest_live_page_p50_ms = ${pct(latency, 50)}`);
    console.log(`bench: ingest_live_page_p99_ms = ${pct(latency, 99)}`);
    console.log(`bench: ingest_live_page_own_p50_ms = ${pct(own, 50)}`);
    console.log(`bench: ingest_live_page_own_p99_ms = ${pct(own, 99)}`);
    const wall = (busy1.at - busy0.at) / 1000;
    console.log(`bench: ingest_live_page_main_busy_pct = ${((100 * (busy1.task - busy0.task)) / wall).toFixed(1)}`);
    console.log(`bench: ingest_live_page_main_script_pct = ${((100 * (busy1.script - busy0.script)) / wall).toFixed(1)}`);
    console.log(`bench: ingest_live_page_run_ws_p50_ms = ${pct(ws, 50)}`);
    console.log(`bench: ingest_live_page_run_ws_p99_ms = ${pct(ws, 99)}`);
  } finally {
    await browser.close();
    await app.close();
  }
});
