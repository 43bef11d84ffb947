import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { databasePath } from '../../../src/main/app/paths';
import { journalPath, sessionDir } from '../../../src/main/host/paths';
import { readJournal } from '../../../src/main/host/journal-read';
import { asRpc, isRequest, type JournalRecord } from '../../../src/shared/journal';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import { buildOnce } from '../../support/build';
import { callerOf, createHarness, type Harness } from '../../support/core-harness';
import { readyForPrompt, waitUntil } from '../../support/scripted';
import { lostHostScript, methodsSent, recordsOf, scriptedProject, waitState, waitTurnsEnded } from './lost-hosts';

/**
 * A prompt sent but not yet journaled by the host leaves the session reading idle for a few milliseconds.
 * A second prompt in that moment must be refused as for a busy session, not sent to an agent already
 * taking a turn (the agent would get two prompts at once, and Baton two open turns).
 */
/** The prompts main sent, as the host journaled them. */
const promptsIn = (records: readonly JournalRecord[]): JournalRecord[] =>
  records.filter((r) => {
    const m = asRpc(r.msg);
    return r.dir === 'out' && !!m && isRequest(m) && m.method === 'session/prompt';
  });

let h: Harness;
beforeAll(() => buildOnce(), 120_000);
afterEach(() => h.cleanup(), 60_000);

/** A fresh core and a session of the scripted agent whose first prompt has been answered. */
async function answeredSession(): Promise<{ call: ReturnType<typeof callerOf>; s: SessionSummary }> {
  h = createHarness();
  const call = callerOf(h.core);
  const projectId = await scriptedProject(h, lostHostScript(h.tempDir('store-')));
  const s = await h.must('sessions.create', { projectId, prompt: 'first', harness: 'custom' });
  await waitTurnsEnded(call, s.id, 1);
  return { call, s };
}

describe('a prompt on its way to the agent', () => {
  it('keeps a second prompt out until its turn has started, then the turn ends and the next is taken', async () => {
    const { call, s } = await answeredSession();
    await waitState(call, s.id, (st) => st === 'idle', 'idle after the first turn');

    // Both in the same turn of main's event loop: the first prompt cannot be in the journal yet.
    const raw = (key: string, text: string) => h.core.router.call('sessions.prompt', { id: s.id, text, idempotencyKey: key }, { via: 'test' });
    const [a, b] = await Promise.all([raw('in-flight-a', 'second'), raw('in-flight-b', 'third')]);
    expect(a.ok).toBe(true);
    expect(b.ok).toBe(false);
    if (!b.ok) {
      expect(b.error.code).toBe('session_not_ready');
      expect(b.error.message).toMatch(/one has just been sent/);
    }

    // The one accepted reaches the agent and ends; exactly one prompt went out for the two calls.
    await waitTurnsEnded(call, s.id, 2);
    await waitState(call, s.id, (st) => st === 'idle', 'idle after the second turn');
    expect(methodsSent(await recordsOf(call, s.id)).filter((m) => m === 'session/prompt')).toHaveLength(2);

    // Nothing is left counted as on its way: the next prompt is taken.
    const next = await h.must('sessions.prompt', { id: s.id, text: 'fourth', idempotencyKey: 'in-flight-c' });
    expect(next.duplicate).toBe(false);
    await waitTurnsEnded(call, s.id, 3);
    expect((await call<SessionSummary>('sessions.get', { id: s.id })).state).toBe('idle');
  });

  it('a prompt the host journaled before main could project it is not sent again by the next main', async () => {
    const { call, s } = await answeredSession();
    await h.must('sessions.prompt', { id: s.id, text: 'second', idempotencyKey: 'journaled-not-projected' });
    await waitTurnsEnded(call, s.id, 2);
    await waitUntil(() => call<SessionSummary>('sessions.get', { id: s.id }), readyForPrompt, 30_000, 'idle after the second turn');
    await h.core.close(); // The host and its agent run on.

    // As if main had died right after sending the second prompt: the turn checkpointed and not started, and the
    // database behind the journal from that prompt on (the host had journaled it, and the answer, meanwhile).
    const journal = readJournal(journalPath(sessionDir(h.dataDir, s.id))).records;
    const promptSeqs = promptsIn(journal).map((r) => r.seq);
    expect(promptSeqs).toHaveLength(2);
    const cut = promptSeqs[1] as number;
    const db = new Database(databasePath(h.dataDir));
    db.prepare("UPDATE turns SET status = 'dispatching', request_id = NULL, stop_reason = NULL WHERE idempotency_key = 'journaled-not-projected'").run();
    db.prepare('DELETE FROM events WHERE session_id = ? AND seq >= ?').run(s.id, cut);
    db.prepare("UPDATE sessions SET last_applied_seq = ?, state = 'idle' WHERE id = ?").run(cut - 1, s.id);
    db.close();

    const again = h.reopen();
    await again.core.recover();
    // The reattached host streams the prompt and its answer: the turn is projected as ended, not sent a third time.
    await waitUntil(() => again.call<SessionSummary>('sessions.get', { id: s.id }), (x) => readyForPrompt(x) && x.lastSeq >= journal.at(-1)!.seq, 30_000, 'caught up with the journal');
    const turnStatus = () => {
      const ro = new Database(databasePath(h.dataDir), { readonly: true });
      try {
        return (ro.prepare("SELECT status FROM turns WHERE idempotency_key = 'journaled-not-projected'").get() as { status: string }).status;
      } finally {
        ro.close();
      }
    };
    await waitUntil(turnStatus, (st) => st === 'ended', 30_000, 'the turn projected as ended');
    // Whatever the journal holds by now is projected: a prompt sent again would show there.
    const lastNow = () => readJournal(journalPath(sessionDir(h.dataDir, s.id))).records.at(-1)?.seq ?? 0;
    await waitUntil(async () => (await again.call<SessionSummary>('sessions.get', { id: s.id })).lastSeq >= lastNow(), (ok) => ok, 30_000, 'the journal projected whole');
    expect(methodsSent(await recordsOf(again.call, s.id)).filter((m) => m === 'session/prompt')).toHaveLength(2);
    expect(promptsIn(readJournal(journalPath(sessionDir(h.dataDir, s.id))).records)).toHaveLength(2);
  });
});
