import { test } from 'vitest';
import { buildOnce } from '../tests/support/build';
import { waitUntil } from '../tests/support/wait';
import { must, pct, startApp } from './support/app';

/**
 * The agent log (ADR 0025), end to end in the built app: `agent_log_live_p99_ms` is from the
 * agent's stderr write (stamped by the scripted agent) to a WebSocket client receiving the
 * `sessions.agentLog` event (agent → host → agent.log → socket frame → main → broadcast),
 * at a paced 50 lines/s; `agent_log_flood_ms` how long 3,000 lines written at once (~450 KiB)
 * take until the last one reaches the client (and how many were sent live; the host sends at most 256 KiB a
 * batch, the rest is read from the tail); `agent_log_tail_ms` the median of reading the 256 KiB tail.
 */
const STAMP = /^t=(\d+) /;
const PACED = Number(process.env.BENCH_AGENT_LOG_LINES ?? 250);

test('agent log: live latency, a flood, and reading the tail', async () => {
  buildOnce();
  const app = await startApp();
  try {
    const script = {
      prompts: [
        { match: 'paced', steps: [{ type: 'stderr', text: 'paced line {i}', count: PACED, perSecond: 50 }, { type: 'text', text: 'done' }] },
        { match: 'flood', steps: [{ type: 'stderr', text: `flood {i} ${'x'.repeat(130)}`, count: 3000 }, { type: 'text', text: 'done' }] },
      ],
      default: { steps: [{ type: 'text', text: 'ready' }] },
    };
    const [id] = await app.idleSessions(await app.project('agent-log', script), 1);
    const latencies: number[] = [];
    let flooded = 0;
    let lastFlood = 0;
    app.c.ws.send(JSON.stringify({ t: 'sub', name: 'sessions.agentLog' }));
    app.c.ws.on('message', (d: Buffer) => {
      const now = Date.now();
      const f = JSON.parse(d.toString()) as { t: string; name?: string; payload?: { lines: { text: string }[] } };
      if (f.t !== 'event' || f.name !== 'sessions.agentLog' || !f.payload) return;
      for (const l of f.payload.lines) {
        const m = STAMP.exec(l.text);
        if (m) latencies.push(now - Number(m[1]));
        else if (l.text.startsWith('flood ')) {
          flooded++;
          if (l.text.startsWith('flood 3000 ')) lastFlood = now;
        }
      }
    });
    await must(app.c, 'sessions.prompt', { id, text: 'paced', idempotencyKey: 'agent-log-paced' });
    await waitUntil(() => latencies.length, (n) => n >= PACED, 60_000, `${PACED} stamped lines`, 100);
    const start = Date.now();
    await must(app.c, 'sessions.prompt', { id, text: 'flood', idempotencyKey: 'agent-log-flood' });
    // The host sends at most 256 KiB a batch (the rest of a burst is on disk, and the pane reads it there): wait for the last line.
    await waitUntil(() => lastFlood, (t) => t > 0, 60_000, 'the last flood line', 50);
    const tails: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await must(app.c, 'sessions.agentLog', { id });
      tails.push(performance.now() - t0);
    }
    latencies.sort((a, b) => a - b);
    console.log(`bench: agent_log_live_p50_ms = ${pct(latencies, 50)}`);
    console.log(`bench: agent_log_live_p99_ms = ${pct(latencies, 99)}`);
    console.log(`bench: agent_log_flood_ms = ${lastFlood - start}`);
    console.log(`bench: agent_log_flood_lines_live = ${flooded}`);
    console.log(`bench: agent_log_tail_ms = ${pct(tails.sort((a, b) => a - b), 50).toFixed(1)}`);
  } finally {
    await app.close();
  }
});
