import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { databasePath } from '../src/main/app/paths';
import { createEventsRepository } from '../src/main/sessions/events-repository';
import { createTurnsRepository } from '../src/main/sessions/turns-repository';
import { openDatabase } from '../src/main/store/db';
import type { SessionSummary } from '../src/shared/contracts/sessions';
import type { JournalRecord } from '../src/shared/journal';
import { buildTranscript } from '../src/shared/transcript';
import { createHarness, makeRepo } from '../tests/support/core-harness';
import { seedSessions, type SeededSession } from './support/seed-sessions';
import { ENDINGS } from './support/synthetic-journals';

const SESSIONS = 200;
const LINES_PER_SESSION = 5000;

const journalOf = (dataDir: string, id: string) => join(dataDir, 'sessions', id, 'journal.jsonl');
const parseLines = (text: string): JournalRecord[] =>
  text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as JournalRecord);

test('reconcile at startup: 200 sessions with hosts gone, 1,000,000 journaled events, half of them not yet projected', async () => {
  const h = createHarness();
  try {
    const repo = makeRepo(h.tempDir());
    const { project } = await h.must('projects.add', { path: repo, name: 'bench' });
    await h.core.close();
    const seeded = seedSessions({ dataDir: h.dataDir, projectId: project.id, cwd: repo, count: SESSIONS, linesPerSession: LINES_PER_SESSION });
    const byId = new Map(seeded.map((s) => [s.id, s]));
    const journaled = seeded.reduce((n, s) => n + s.journalSeq, 0);
    const missing = seeded.reduce((n, s) => n + s.journalSeq - s.dbSeq, 0);

    // The clock starts before the store is opened: a startup, not just the reconcile call.
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const { core, call } = h.reopen({ version: 'bench' });
    let boardMs = 0;
    // CPU time too: other processes compete for the two cores, and wall time alone would mostly measure them.
    let boardCpuMs = 0;
    let boardList: Promise<SessionSummary[]> | null = null;
    const changed = new Set<string>();
    core.hub.listen((name, payload) => {
      if (name === 'sessions.changed') changed.add((payload as { sessionId: string }).sessionId);
      // What a renderer sees: the status carries this run's report (every state decided), then it lists sessions.
      if (name !== 'app.statusChanged' || boardList || !core.status().recovery.lastReconcile) return;
      boardMs = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      boardCpuMs = (cpu.user + cpu.system) / 1000;
      boardList = call<SessionSummary[]>('sessions.list', {});
    });
    const report = await core.recover();
    const caughtUpMs = performance.now() - t0;
    const cpuAll = process.cpuUsage(cpu0);
    const caughtUpCpuMs = (cpuAll.user + cpuAll.system) / 1000;
    expect(report).not.toBeNull();
    expect(boardList).not.toBeNull();

    // The board was accurate when it was declared so: every state is the recovery table's.
    const atBoard = (await boardList) as unknown as SessionSummary[];
    expect(atBoard.length).toBe(SESSIONS);
    for (const s of atBoard) expect(`${s.id} ${s.state}`).toBe(`${s.id} ${byId.get(s.id)?.expected}`);
    const moves = seeded.filter((s) => ENDINGS[s.ending].db !== s.expected);
    expect(report?.moved.length).toBe(moves.length);
    expect(report?.divergences).toBe(0);
    for (const s of moves) expect(changed.has(s.id)).toBe(true);

    // Caught up: every session's last applied seq is its journal's last seq, the marker included.
    const final = await call<SessionSummary[]>('sessions.list', {});
    const diskTail = new Map<string, JournalRecord>();
    for (const s of final) {
      const seed = byId.get(s.id) as SeededSession;
      const text = readFileSync(journalOf(h.dataDir, s.id), 'utf8');
      const last = JSON.parse(text.slice(text.lastIndexOf('\n', text.length - 2) + 1)) as JournalRecord;
      diskTail.set(s.id, last);
      expect(s.state).toBe(seed.expected);
      const interrupted = seed.expected === 'interrupted';
      expect(last.seq).toBe(seed.journalSeq + (interrupted ? 1 : 0));
      if (interrupted) expect(last.msg).toMatchObject({ marker: 'interrupted' });
      expect(`${s.id} ${s.lastSeq}`).toBe(`${s.id} ${last.seq}`);
    }
    await core.close();

    // Through the repositories: every line is there once, the newest equals the journal's, no turn is left open.
    const opened = openDatabase(databasePath(h.dataDir));
    if (!opened.ok) throw new Error(opened.error.message);
    const events = createEventsRepository(opened.value);
    const turns = createTurnsRepository(opened.value);
    for (const s of seeded) {
      const last = diskTail.get(s.id) as JournalRecord;
      expect(events.count(s.id)).toBe(last.seq);
      expect(events.list(s.id, last.seq - 1, 1)[0]?.msg).toEqual(last.msg);
      expect(turns.open(s.id)).toEqual([]);
    }
    // A sample compared line by line, with the transcript it gives (open tools shown interrupted).
    for (const s of seeded.filter((_, i) => i % 25 === 0 || i % 25 === 2)) {
      const disk = parseLines(readFileSync(journalOf(h.dataDir, s.id), 'utf8'));
      const db = events.list(s.id);
      expect(db.map((r) => JSON.stringify([r.seq, r.dir, r.msg]))).toEqual(disk.map((r) => JSON.stringify([r.seq, r.dir, r.msg])));
      const t = buildTranscript(db);
      expect(t.turnOpen).toBe(false);
      if (ENDINGS[s.ending].open === 'tool') expect(t.items.find((i) => i.type === 'tool' && i.toolCallId === 'call_open')).toMatchObject({ status: 'interrupted' });
    }
    opened.value.close();

    // Baselines, on the same (warm) files: reading and parsing every journal line; the least a catch-up could do.
    const p0 = performance.now();
    let parsed = 0;
    for (const s of seeded) parsed += parseLines(readFileSync(journalOf(h.dataDir, s.id), 'utf8')).length;
    const parseMs = performance.now() - p0;
    expect(parsed).toBeGreaterThanOrEqual(journaled);

    const raw = new Database(join(h.tempDir(), 'raw.db'));
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.exec('CREATE TABLE events (session_id TEXT, seq INTEGER, ts INTEGER, dir TEXT, msg TEXT, PRIMARY KEY (session_id, seq)) WITHOUT ROWID');
    const ins = raw.prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?)');
    const r0 = performance.now();
    let insertMs = 0;
    for (const s of seeded) {
      const rows = parseLines(readFileSync(journalOf(h.dataDir, s.id), 'utf8')).filter((r) => r.seq > s.dbSeq);
      const i0 = performance.now();
      raw.transaction(() => {
        for (const r of rows) ins.run(s.id, r.seq, r.ts, r.dir, JSON.stringify(r.msg));
      })();
      insertMs += performance.now() - i0;
    }
    const rawCatchUpMs = performance.now() - r0;
    raw.close();

    console.log(`bench: reconcile_sessions = ${SESSIONS}`);
    console.log(`bench: reconcile_journaled_events = ${journaled}`);
    console.log(`bench: reconcile_missing_events = ${missing}`);
    console.log(`bench: reconcile_board_ms = ${Math.round(boardMs)}`);
    console.log(`bench: reconcile_caught_up_ms = ${Math.round(caughtUpMs)}`);
    console.log(`bench: reconcile_board_cpu_ms = ${Math.round(boardCpuMs)}`);
    console.log(`bench: reconcile_caught_up_cpu_ms = ${Math.round(caughtUpCpuMs)}`);
    console.log(`bench: reconcile_catch_up_events_per_s = ${Math.round(missing / ((caughtUpMs - boardMs) / 1000))}`);
    console.log(`bench: journal_read_parse_all_ms = ${Math.round(parseMs)}`);
    console.log(`bench: raw_sqlite_insert_missing_ms = ${Math.round(insertMs)}`);
    console.log(`bench: raw_catch_up_ms = ${Math.round(rawCatchUpMs)}`);
    console.log(`bench: reconcile_board_vs_journal_parse_ratio = ${(boardMs / parseMs).toFixed(3)}`);
    console.log(`bench: reconcile_caught_up_vs_raw_catch_up_ratio = ${(caughtUpMs / rawCatchUpMs).toFixed(3)}`);
  } finally {
    await h.cleanup();
  }
});
