/** Live ingest batched per tick: several sessions' records in one transaction, a failing session rolled back alone, the host's message text stored as streamed. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keepMsgJson } from '../../../src/main/runtime/connection';
import { createEventsRepository } from '../../../src/main/sessions/events-repository';
import { createIngestBatcher, type IngestMember } from '../../../src/main/sessions/ingest';
import { createProjector, type ProjectionResult } from '../../../src/main/sessions/projection';
import { createSessionsRepository } from '../../../src/main/sessions/repository';
import { createTurnsRepository } from '../../../src/main/sessions/turns-repository';
import type { Db } from '../../../src/main/store/db';
import type { JournalRecord } from '../../../src/shared/journal';
import { freshDbWithProject } from '../../support/db';
import { waitUntil } from '../../support/wait';

let db: Db;
let remove: () => void;
beforeEach(() => {
  ({ db, remove } = freshDbWithProject('baton-ingest-'));
});
afterEach(() => remove());

const update = (seq: number, text: string): JournalRecord => ({ v: 1, seq, ts: seq, dir: 'in', msg: { jsonrpc: '2.0', method: 'session/update', params: { text } } });

function setup() {
  const sessions = createSessionsRepository(db);
  const events = createEventsRepository(db);
  const projector = createProjector({ db, sessions, events, turns: createTurnsRepository(db) });
  for (const id of ['a', 'b']) sessions.insert({ id, projectId: 'p', role: 'worker', harness: 'custom', command: { command: 'x', args: [] }, title: id, worktreeId: null, cwd: '/' });
  return { sessions, events, projector };
}

/** A member as LiveSession is one: its queue, and what its commit told it. */
function member(sessionId: string, queue: JournalRecord[]): IngestMember & { results: ProjectionResult[]; committedInTx: boolean[] } {
  const results: ProjectionResult[] = [];
  const committedInTx: boolean[] = [];
  return {
    sessionId,
    results,
    committedInTx,
    take: () => queue.splice(0),
    committed(result) {
      committedInTx.push(db.inTransaction);
      results.push(result);
    },
  };
}

describe('ingest batched per tick', () => {
  it("applies every scheduled session's records within the tick, then tells each session after the commit", async () => {
    const { sessions, events, projector } = setup();
    const batcher = createIngestBatcher(projector);
    // 70 rows: two full multi-row statements and six single ones.
    const a = member('a', Array.from({ length: 70 }, (_, i) => update(i + 1, `a${i + 1}`)));
    const b = member('b', [update(1, 'b1'), update(2, 'b2')]);
    batcher.schedule(a);
    batcher.schedule(b);
    await waitUntil(() => a.results.length + b.results.length, (n) => n === 2, 5000, 'both sessions told of their commit');
    expect(a.committedInTx).toEqual([false]);
    expect(a.results[0]?.applied.map((r) => r.seq)).toEqual(Array.from({ length: 70 }, (_, i) => i + 1));
    expect(b.results[0]?.applied.map((r) => r.seq)).toEqual([1, 2]);
    expect(events.list('a').map((r) => (r.msg as { params: { text: string } }).params.text)).toEqual(Array.from({ length: 70 }, (_, i) => `a${i + 1}`));
    expect(sessions.get('a')?.lastAppliedSeq).toBe(70);
    expect(sessions.get('b')?.lastAppliedSeq).toBe(2);
  });

  it('a session that fails (deleted under its host) rolls back alone: the others commit and are told, then the failure is thrown', () => {
    const { sessions, events, projector } = setup();
    const batcher = createIngestBatcher(projector);
    const gone = member('gone', [update(1, 'x')]);
    const b = member('b', [update(1, 'b1')]);
    batcher.schedule(gone);
    batcher.schedule(b);
    expect(() => batcher.flush()).toThrow(/No session gone/);
    expect(gone.results).toEqual([]);
    expect(b.results[0]?.applied.map((r) => r.seq)).toEqual([1]);
    expect(events.count('gone')).toBe(0);
    expect(sessions.get('b')?.lastAppliedSeq).toBe(1);
  });

  it("stores the message's JSON text as the host streamed it (spacing kept), and serializes only records without it", () => {
    const { events } = setup();
    const spaced = '{ "jsonrpc": "2.0", "method": "session/update", "params": { "n": 1 } }';
    const frame = `{"t":"record","record":{"v":1,"seq":1,"ts":5,"dir":"in","msg":${spaced}}}`;
    const record = JSON.parse(frame).record as JournalRecord & { msgJson?: string };
    keepMsgJson(record, frame);
    expect(record.msgJson).toBe(spaced);
    events.insertAll('a', [record, update(2, 'plain')]);
    const raw = db.prepare('SELECT msg FROM events WHERE session_id = ? ORDER BY seq').all('a') as { msg: string }[];
    expect(raw.map((r) => r.msg)).toEqual([spaced, JSON.stringify(update(2, 'plain').msg)]);
  });

  it('takes no text from a frame that is not the host’s own shape (a field after the message, another order)', () => {
    const after = '{"t":"record","record":{"v":1,"seq":1,"ts":5,"dir":"in","msg":{"a":1},"extra":2}}';
    const r1 = JSON.parse(after).record as Record<string, unknown> & { msgJson?: string };
    keepMsgJson(r1, after);
    expect(r1.msgJson).toBeUndefined();
    const reordered = '{"t":"record","record":{"seq":1,"v":1,"ts":5,"dir":"in","msg":{"a":1}}}';
    const r2 = JSON.parse(reordered).record as Record<string, unknown> & { msgJson?: string };
    keepMsgJson(r2, reordered);
    expect(r2.msgJson).toBeUndefined();
  });
});
