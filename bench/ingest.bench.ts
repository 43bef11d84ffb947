import Database from 'better-sqlite3';
import { join } from 'node:path';
import { test } from 'vitest';
import type { JournalRecord } from '../src/shared/journal';
import { buildOnce } from '../tests/support/build';
import { createHarness, makeRepo } from '../tests/support/core-harness';
import { scriptedCommand, waitUntil } from '../tests/support/scripted';

const UPDATES = 100_000;
/**
 * The burst is written by the agent as a backlog (already serialized, large writes), so what is timed is
 * Baton's path (host read → journal → socket → projection → broadcast), not the scripted agent's SDK, which
 * alone takes several times the raw insert to write 100,000 messages one awaited write at a time.
 * BENCH_INGEST_SDK=1 writes them through the SDK instead, as before.
 */
const BACKLOG = process.env.BENCH_INGEST_SDK !== '1';

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

test('ingest: scripted agent → host → journal → projection → broadcast, against a raw batched insert', async () => {
  buildOnce();
  const h = createHarness();
  try {
    const repo = makeRepo(h.tempDir());
    const { project } = await h.must('projects.add', { path: repo, name: 'bench' });
    await h.must('projects.update', {
      id: project.id,
      patch: { workerAgent: 'custom', customCommand: scriptedCommand(h.tempDir(), { prompts: [{ steps: [{ type: 'burst', count: UPDATES, text: 'x', backlog: BACKLOG }] }] }) },
    });
    const latencies: number[] = [];
    let firstTs = 0;
    let lastTs = 0;
    let lastArrival = 0;
    h.core.hub.listen((name, payload) => {
      if (name !== 'sessions.records') return;
      const now = Date.now();
      for (const r of (payload as { records: JournalRecord[] }).records) {
        // ts is when the host read the agent's line (and journaled it): the agent's write, to the millisecond.
        if (firstTs === 0) firstTs = r.ts;
        lastTs = r.ts;
        latencies.push(now - r.ts);
      }
      lastArrival = now;
    });
    const s = await h.must('sessions.create', { projectId: project.id, prompt: 'burst', harness: 'custom' });
    await waitUntil(() => h.must('sessions.get', { id: s.id }), (x) => x.state === 'idle' && x.lastSeq > UPDATES, 600_000, 'the burst');
    const events = (await h.must('sessions.get', { id: s.id })).lastSeq;
    const oursMs = lastArrival - firstTs;

    // Baseline: the same rows, inserted raw in one batched transaction.
    const rows = (await h.must('sessions.records', { id: s.id, afterSeq: 0, limit: 50_000 })).records;
    const more = (await h.must('sessions.records', { id: s.id, afterSeq: rows.at(-1)!.seq, limit: 50_000 })).records;
    const rest = (await h.must('sessions.records', { id: s.id, afterSeq: more.at(-1)?.seq ?? 0, limit: 50_000 })).records;
    const all = [...rows, ...more, ...rest];
    const raw = new Database(join(h.tempDir(), 'raw.db'));
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.exec('CREATE TABLE events (session_id TEXT, seq INTEGER, ts INTEGER, dir TEXT, msg TEXT, PRIMARY KEY (session_id, seq)) WITHOUT ROWID');
    const ins = raw.prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?)');
    const t0 = performance.now();
    raw.transaction(() => {
      for (const r of all) ins.run(s.id, r.seq, r.ts, r.dir, JSON.stringify(r.msg));
    })();
    const rawMs = performance.now() - t0;
    raw.close();

    latencies.sort((a, b) => a - b);
    console.log(`bench: ingest_events = ${events}`);
    console.log(`bench: ingest_events_per_s = ${Math.round(events / (oursMs / 1000))}`);
    console.log(`bench: ingest_p50_ms = ${pct(latencies, 50)}`);
    console.log(`bench: ingest_p99_ms = ${pct(latencies, 99)}`);
    // How long the host took to read and journal the burst: the floor under ours (the agent's writes and the host's reads).
    console.log(`bench: ingest_host_journal_ms = ${lastTs - firstTs}`);
    console.log(`bench: raw_sqlite_insert_ms = ${Math.round(rawMs)}`);
    console.log(`bench: ingest_vs_raw_sqlite_ratio = ${(rawMs / oursMs).toFixed(3)}`);
    await h.call('sessions.stop', { id: s.id });
  } finally {
    await h.cleanup();
  }
});
