/** The set-based reads a list of session summaries makes (issue 16) say what the one-session reads say, for every session. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createReviewRepository } from '../../../src/main/review/repository';
import { createDivergencesRepository } from '../../../src/main/sessions/divergences-repository';
import { createEventsRepository } from '../../../src/main/sessions/events-repository';
import { createSessionsRepository } from '../../../src/main/sessions/repository';
import { createWorktreesRepository } from '../../../src/main/worktrees/repository';
import type { Db } from '../../../src/main/store/db';
import type { JournalRecord } from '../../../src/shared/journal';
import { freshDbWithProject } from '../../support/db';

let db: Db;
let remove: () => void;
beforeEach(() => {
  ({ db, remove } = freshDbWithProject('baton-summary-reads-'));
});
afterEach(() => remove());

const rec = (seq: number, dir: JournalRecord['dir'], msg: unknown): JournalRecord => ({ v: 1, seq, ts: seq, dir, msg });

describe('summary reads for a whole list', () => {
  it('worktrees, open divergences, archive facts and stopped ends agree with the per-session reads', () => {
    const sessions = createSessionsRepository(db);
    const events = createEventsRepository(db);
    const divergences = createDivergencesRepository(db);
    const worktrees = createWorktreesRepository(db);
    const reviews = createReviewRepository(db);
    const ids = ['a', 'b', 'c', 'd', 'e'];
    for (const id of ids) {
      worktrees.insert({ id: `wt-${id}`, projectId: 'p', name: id, role: 'worker', branch: `b-${id}`, baseBranch: 'main', path: `/wt/${id}`, state: 'active', lastError: null, setupState: 'none', setupLog: '' });
      sessions.insert({ id, projectId: 'p', role: 'worker', harness: 'custom', command: { command: 'x', args: [] }, title: id, worktreeId: id === 'e' ? null : `wt-${id}`, cwd: '/' });
    }
    // a: stopped by Baton (its newest line); b: stopped, then another line; c: an exit for another cause; d, e: no lines.
    events.insertAll('a', [rec(1, 'in', { x: 1 }), rec(2, 'host', { exit: { code: 0, signal: null }, cause: 'stopped' })]);
    events.insertAll('b', [rec(1, 'host', { exit: { code: 0, signal: null }, cause: 'stopped' }), rec(2, 'host', { started: true })]);
    events.insertAll('c', [rec(1, 'host', { exit: { code: 1, signal: null }, cause: 'agent' })]);
    // b: two open divergences (the newer is shown); c: one acknowledged.
    divergences.record({ sessionId: 'b', dbSeq: 1, journalSeq: 2, realignedFrom: 1, detail: 'older' });
    divergences.record({ sessionId: 'b', dbSeq: 2, journalSeq: 3, realignedFrom: 2, detail: 'newer' });
    divergences.record({ sessionId: 'c', dbSeq: 1, journalSeq: 2, realignedFrom: 1, detail: 'seen' });
    divergences.acknowledge('c');
    reviews.archive('d', { preservedRef: 'refs/baton/archive/d', deletedBranch: { name: 'b-d', head: 'abc' } });
    reviews.markReviewed('a', null);

    const stopped = events.endedByStopOf(ids);
    const open = divergences.openAll();
    const wts = worktrees.getMany(ids.map((id) => `wt-${id}`));
    const archived = reviews.archivedAll();
    for (const id of ids) {
      expect(stopped.has(id), id).toBe(events.endedByStop(id));
      expect(open.get(id) ?? null, id).toEqual(divergences.open(id));
      expect(wts.get(`wt-${id}`) ?? null, id).toEqual(worktrees.get(`wt-${id}`));
      expect(archived.get(id) ?? null, id).toEqual(reviews.archived(id));
    }
    // What the cases above are for: each read found something, so an agreement on nothing cannot pass.
    expect([...stopped]).toEqual(['a']);
    expect(open.get('b')?.detail).toBe('newer');
    expect([...open.keys()]).toEqual(['b']);
    expect([...archived.keys()]).toEqual(['d']);
    expect(events.endedByStopOf([]).size).toBe(0);
    expect(worktrees.getMany([]).size).toBe(0);
  });
});
