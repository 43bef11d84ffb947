import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import type { JournalRecord } from '../../../src/shared/journal';
import { buildTranscript } from '../../../src/shared/transcript';
import { databasePath } from '../../../src/main/app/paths';
import { buildOnce } from '../../support/build';
import { createHarness, makeRepo, type Caller, type Harness } from '../../support/core-harness';
import { killSessionProcesses } from '../../support/hosts';
import { scriptedCommand, waitUntil } from '../../support/scripted';

/**
 * One bad line in the middle of a journal (a damaged line, or a seq that is
 * not there) used to end the session for good: catch-up stopped at the hole,
 * and the next host's stream never got past it, so even `initialize` was
 * never seen ("did not answer initialize within 60 s"). Now the hole is
 * skipped with a divergence people can see, and everything after it is kept.
 */
let h: Harness;
beforeAll(() => buildOnce(), 180_000);
afterEach(() => h.cleanup());

/** A session whose first turn ended; then Baton closed and its host and agent died. */
async function endedSession(): Promise<{ s: SessionSummary; journal: string }> {
  h = createHarness();
  const repo = makeRepo(h.tempDir());
  const { project } = await h.must('projects.add', { path: repo, name: 'damaged' });
  const command = scriptedCommand(h.tempDir(), {
    capabilities: { resume: true, loadSession: true },
    default: { steps: [{ type: 'text', text: 'working ' }, { type: 'tool_call', id: 't{turn}', title: 'Read', status: 'pending' }, { type: 'tool_update', id: 't{turn}', status: 'completed', content: 'body {turn}' }, { type: 'text', text: 'done {turn}' }] },
  });
  await h.must('projects.update', { id: project.id, patch: { workerAgent: 'custom', customCommand: command } });
  const s = await h.must('sessions.create', { projectId: project.id, prompt: 'work', harness: 'custom' });
  const records = async () => (await h.must('sessions.records', { id: s.id, afterSeq: 0, limit: 10_000 })).records as JournalRecord[];
  await waitUntil(records, (rs) => buildTranscript(rs).items.some((i) => i.type === 'turn_end'), 30_000, 'the first turn to end');
  await waitUntil(() => h.must('sessions.get', { id: s.id }), (x) => x.state === 'idle', 30_000, 'idle');
  await h.core.close();
  await killSessionProcesses(h.dataDir, s.id);
  return { s, journal: join(h.dataDir, 'sessions', s.id, 'journal.jsonl') };
}

/** The core restarted on the damaged journal, reconciled and caught up. */
async function restart(id: string, journalSeqs: number[]): Promise<{ call: Caller; records: () => Promise<JournalRecord[]> }> {
  const { core, call } = h.reopen();
  const records = async () => (await call<{ records: JournalRecord[] }>('sessions.records', { id, afterSeq: 0, limit: 10_000 })).records;
  await core.recover();
  const last = journalSeqs.at(-1) as number;
  await waitUntil(records, (rs) => rs.at(-1)?.seq === last, 30_000, `every line up to ${last} to be projected`);
  return { call, records };
}

async function damage(journal: string, how: 'garbage' | 'missing', at: number): Promise<number[]> {
  const lines = readFileSync(journal, 'utf8').split('\n').filter(Boolean);
  expect(lines.length).toBeGreaterThan(at + 3);
  const kept = how === 'garbage' ? [...lines.slice(0, at), '{"v":1,"seq":this is not a record at all}', ...lines.slice(at + 1)] : [...lines.slice(0, at), ...lines.slice(at + 1)];
  writeFileSync(journal, `${kept.join('\n')}\n`);
  return lines.map((l) => (JSON.parse(l) as JournalRecord).seq).filter((seq) => seq !== at + 1);
}

describe('a damaged line in the middle of a journal', () => {
  for (const how of ['garbage', 'missing'] as const) {
    it(`(${how}) is skipped with a divergence; the lines after it are projected and the session works`, async () => {
      const { s, journal } = await endedSession();
      // The database forgets the lines from the hole on, as if Baton had died before projecting them: catch-up must cross it.
      const db = new Database(databasePath(h.dataDir));
      db.prepare('DELETE FROM events WHERE session_id = ? AND seq >= 3').run(s.id);
      db.prepare('UPDATE sessions SET last_applied_seq = 2 WHERE id = ?').run(s.id);
      db.close();
      const seqs = await damage(journal, how, 2);

      const { call, records } = await restart(s.id, seqs);
      const projected = await records();
      // Everything the journal holds, bar the hole, in order.
      expect(projected.map((r) => r.seq)).toEqual(seqs);
      const after = await call<SessionSummary>('sessions.get', { id: s.id });
      expect(after.state).toBe('idle');
      expect(after.divergence?.detail).toMatch(/Line\(s\) 3 .*damaged or missing/);
      expect(buildTranscript(projected).items.some((i) => i.type === 'tool' && i.status === 'completed')).toBe(true);

      // The session works: the next prompt resumes the agent (its host reopens the damaged journal) and completes.
      await call('sessions.prompt', { id: s.id, text: 'again', idempotencyKey: `again-${how}-1` });
      await waitUntil(records, (rs) => buildTranscript(rs).items.filter((i) => i.type === 'turn_end').length === 2, 30_000, 'the second turn to end');
      await waitUntil(() => call<SessionSummary>('sessions.get', { id: s.id }), (x) => x.state === 'idle', 30_000, 'idle after the second turn');
      const disk = readFileSync(journal, 'utf8').split('\n').filter(Boolean);
      expect((await records()).at(-1)?.seq).toBe((JSON.parse(disk.at(-1) as string) as JournalRecord).seq);
    }, 120_000);
  }
});
