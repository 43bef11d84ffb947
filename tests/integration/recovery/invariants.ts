import { expect } from 'vitest';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import type { JournalRecord } from '../../../src/shared/journal';
import { buildTranscript } from '../../../src/shared/transcript';
import { waitUntil } from '../../support/scripted';
import { expectedAfterRecovery, journalFacts, readDiskJournal, type DiskJournal, type Expected, type JournalFacts } from './journal-facts';
import { RecoveryWorld, type DbSession } from './world';

const LIVE: readonly string[] = ['idle', 'busy', 'waiting_input', 'stopping'];

/**
 * The event table equals the journal: seq contiguous from 1, every projected
 * record identical to the journal's line with that seq (nothing lost, nothing
 * duplicated, nothing altered). With `complete`, it holds the whole journal.
 * Then the last completed tool call, as the journal has it, is shown exactly.
 */
export async function checkProjection(w: RecoveryWorld, id: string, complete: boolean, label = id): Promise<{ records: JournalRecord[]; journal: DiskJournal; summary: SessionSummary }> {
  const records = await w.records(id);
  const summary = await w.get(id);
  const journal = readDiskJournal(w.dataDir, id);
  expect(records.map((r) => r.seq), `${label}: events are contiguous from 1`).toEqual(records.map((_, i) => i + 1));
  expect(records.length, `${label}: the events table is never ahead of the journal`).toBeLessThanOrEqual(journal.records.length);
  const prefix = journal.records.slice(0, records.length);
  expect(records.map(comparable), `${label}: every event is its journal line`).toEqual(prefix.map(comparable));
  if (complete) {
    expect(records.length, `${label}: every journal line is projected`).toBe(journal.records.length);
    expect(summary.lastSeq, `${label}: lastSeq is the journal's last seq`).toBe(journal.records.length);
  }
  const facts = journalFacts(prefix);
  if (facts.lastCompleted) {
    const shown = buildTranscript(records).items.find((i) => i.type === 'tool' && i.toolCallId === facts.lastCompleted?.id && i.seq === facts.lastCompleted.firstSeq);
    expect(shown, `${label}: the last completed tool call is shown as the journal has it`).toMatchObject({
      status: 'completed',
      title: facts.lastCompleted.title,
      content: facts.lastCompleted.content,
    });
  }
  return { records, journal, summary };
}

const comparable = (r: JournalRecord) => ({ seq: r.seq, dir: r.dir, msg: r.msg });

/** What a session looked like the instant its main process died: the database row, its host, its journal. */
export interface Snapshot {
  db: DbSession;
  hostAlive: boolean;
  facts: JournalFacts;
  journalLength: number;
  expected: Expected;
}

/** Taken while no main process runs, so the database and the journal of a dead host cannot move underneath it. */
export function snapshot(w: RecoveryWorld): Map<string, Snapshot> {
  const out = new Map<string, Snapshot>();
  const { sessions, turns } = w.readDb();
  for (const db of sessions) {
    const hostAlive = RecoveryWorld.hostAlive(db);
    const journal = readDiskJournal(w.dataDir, db.id);
    const facts = journalFacts(journal.records);
    const checkpointed = turns.find((t) => t.sessionId === db.id && t.status === 'dispatching')?.prompt ?? null;
    out.set(db.id, { db, hostAlive, facts, journalLength: journal.records.length, expected: expectedAfterRecovery(db.state, hostAlive, facts, checkpointed) });
  }
  return out;
}

/**
 * After a restart's reconcile: the session is in the state the recovery
 * table gives for what it was when main died; an interrupted session got
 * its marker and shows no tool as still running; the projection matches
 * the journal (all of it when the host is gone, and a live host's stream
 * catches up with at least what the journal held at the crash).
 */
export async function checkRecovered(w: RecoveryWorld, id: string, before: Snapshot, label = id): Promise<SessionSummary> {
  const summary = await w.get(id);
  const why = `${label}: was ${before.db.state}, host ${before.hostAlive ? 'alive' : 'gone'}, turn ${before.facts.turnOpen ? 'open' : 'closed'}; now ${summary.state} (${summary.stateDetail ?? ''})`;
  const hostNow = RecoveryWorld.hostAlive(w.readDb().sessions.find((s) => s.id === id) as DbSession);
  if (before.expected.kind === 'reattached' && !hostNow && !LIVE.includes(summary.state)) {
    // The host was alive when main died but not by the time the new main looked (a crash point armed in it fired
    // meanwhile): then the table's "host gone" rows apply, to a journal this check cannot freeze. Checked as such.
    expect(['interrupted', 'idle', 'failed', 'stopped'], why).toContain(summary.state);
    const { records, journal } = await checkProjection(w, id, true, label);
    if (summary.state === 'interrupted') expectMarked(records, journal, why);
    return summary;
  }
  if (before.expected.kind === 'resent') return checkResent(w, id, before.expected.prompt, why, label);
  if (before.expected.kind === 'reattached') {
    expect(LIVE, why).toContain(summary.state);
    await waitUntil(() => w.get(id), (s) => s.lastSeq >= before.journalLength, 30_000, `${label} to catch up with its live host`);
    await checkProjection(w, id, false, label);
    return summary;
  }
  expect(summary.state, why).toBe(before.expected.state);
  // A host gone now (dead, or stopped by this recovery) has a complete journal: all of it must be projected.
  const { records, journal } = await checkProjection(w, id, !hostNow, label);
  if (before.expected.marker) expectMarked(records, journal, why);
  return summary;
}

/**
 * The prompt main had checkpointed but not sent when it died goes out after
 * the reconcile: the agent is started again for it and the prompt reaches
 * the journal, once. Unless the new host dies on the way (an armed crash
 * point): then the session is interrupted or failed, never left starting.
 */
async function checkResent(w: RecoveryWorld, id: string, prompt: string, why: string, label: string): Promise<SessionSummary> {
  const sent = (records: readonly JournalRecord[]) => records.filter((r) => r.dir === 'out' && isPromptOf(r.msg, prompt)).length;
  const settled = await waitUntil(
    async () => ({ s: await w.get(id), n: sent(readDiskJournal(w.dataDir, id).records) }),
    ({ s, n }) => n > 0 || s.state === 'interrupted' || s.state === 'failed',
    30_000,
    `${label}: the checkpointed prompt to go out (${why})`,
  );
  expect(settled.n, `${why}: the checkpointed prompt went out once`).toBeLessThanOrEqual(1);
  if (settled.n === 0) expect(['interrupted', 'failed'], why).toContain(settled.s.state);
  await checkProjection(w, id, false, label);
  return settled.s;
}

function isPromptOf(msg: unknown, prompt: string): boolean {
  if (typeof msg !== 'object' || msg === null || !('method' in msg) || msg.method !== 'session/prompt' || !('params' in msg)) return false;
  return JSON.stringify(msg.params).includes(JSON.stringify(prompt).slice(1, -1));
}

/** An interrupted turn is closed by a marker after its prompt, and no tool of it is shown as still running. */
function expectMarked(records: JournalRecord[], journal: DiskJournal, why: string): void {
  const facts = journalFacts(journal.records);
  expect(facts.lastMarkerAt, `${why}: an interrupted marker was appended after the last prompt`).toBeGreaterThan(facts.lastPromptAt);
  expect(facts.turnOpen, why).toBe(false);
  const running = buildTranscript(records).items.filter((i) => i.type === 'tool' && (i.status === 'pending' || i.status === 'in_progress'));
  expect(running, `${why}: no tool is shown as still running`).toEqual([]);
}

/** The session finished a turn: idle, no turn open, the journal's last prompt answered and fully projected. */
export async function waitTurnFinished(w: RecoveryWorld, id: string, minTurnsEnded: number, label = id, ms = 60_000): Promise<void> {
  await waitUntil(
    async () => ({ s: await w.get(id), f: journalFacts(readDiskJournal(w.dataDir, id).records) }),
    ({ s, f }) => s.state === 'idle' && !f.turnOpen && f.turnsEnded >= minTurnsEnded && s.lastSeq === readDiskJournal(w.dataDir, id).records.length,
    ms,
    `${label} to finish a turn (${minTurnsEnded} ended)`,
  );
}
