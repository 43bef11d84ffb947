import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'vitest';
import { createEventsRepository } from '../src/main/sessions/events-repository';
import { startCheckpointer } from '../src/main/store/checkpointer';
import { openDatabase, type Db } from '../src/main/store/db';
import { pct } from './support/app';

/**
 * A live tick's commit on the brain's thread, with SQLite's automatic WAL checkpoints (the commit that crosses
 * 1,000 WAL pages copies them into the database and fsyncs both files) against checkpoints from the worker
 * thread (ADR 0029). The live pattern of bench/live.bench.ts without the processes around it: 20 sessions,
 * a transaction every 10 ms holding one record of each (2,000 events/s), for BENCH_CKPT_SECONDS per mode.
 * The end-to-end live p99 on a loaded 2-core machine is mostly waiting for a core; this isolates what the
 * change moves: how long the brain's thread is held by a commit.
 */
const SECONDS = Number(process.env.BENCH_CKPT_SECONDS ?? 8);
const SESSIONS = 20;
const TICK_MS = 10;

/** The text of a streamed chunk as the scripted agent writes it, about the size of a real one. */
const chunk = (seq: number): string =>
  JSON.stringify({ jsonrpc: '2.0', method: 'session/update', params: { sessionId: 's', update: { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: `t=${seq} live chunk of agent text` } } } });

async function run(mode: 'auto' | 'worker'): Promise<{ p50: number; p99: number; max: number; over20: number }> {
  const dir = mkdtempSync(join(tmpdir(), `baton-ckpt-bench-${mode}-`));
  const opened = openDatabase(join(dir, 'baton.db'));
  if (!opened.ok) throw new Error(opened.error.message);
  const db: Db = opened.value;
  const ck = mode === 'worker' ? startCheckpointer(db, join(dir, 'baton.db')) : null;
  try {
    const events = createEventsRepository(db);
    const tick = db.transaction((seq: number) => {
      for (let s = 0; s < SESSIONS; s++) events.insertAll(`session-${s}`, [{ v: 1, seq, ts: Date.now(), dir: 'in', msg: null, msgJson: chunk(seq) }]);
    });
    const times: number[] = [];
    const start = Date.now();
    for (let seq = 1; Date.now() - start < SECONDS * 1000; seq++) {
      const t0 = performance.now();
      tick(seq);
      times.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, TICK_MS));
    }
    times.sort((a, b) => a - b);
    return { p50: pct(times, 50), p99: pct(times, 99), max: times.at(-1) ?? 0, over20: times.filter((t) => t > 20).length };
  } finally {
    await ck?.stop();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a live tick commit on the brain thread: automatic WAL checkpoints against the checkpoint worker', async () => {
  // Alternated, twice each: the machine's load moves between runs more than between the two modes.
  const results: Record<'auto' | 'worker', Array<Awaited<ReturnType<typeof run>>>> = { auto: [], worker: [] };
  for (let round = 0; round < 2; round++) for (const mode of ['auto', 'worker'] as const) results[mode].push(await run(mode));
  const worst = (mode: 'auto' | 'worker', k: 'p99' | 'max' | 'over20') => Math.max(...results[mode].map((r) => r[k]));
  for (const mode of ['auto', 'worker'] as const) {
    console.log(`bench: ingest_tick_commit_p50_ms_${mode} = ${Math.max(...results[mode].map((r) => r.p50)).toFixed(2)}`);
    console.log(`bench: ingest_tick_commit_p99_ms_${mode} = ${worst(mode, 'p99').toFixed(1)}`);
    console.log(`bench: ingest_tick_commit_max_ms_${mode} = ${worst(mode, 'max').toFixed(1)}`);
    console.log(`bench: ingest_tick_commits_over_20ms_${mode} = ${results[mode].reduce((n, r) => n + r.over20, 0)}`);
  }
});
