import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionsRepository } from '../../../src/main/sessions/repository';
import type { Db } from '../../../src/main/store/db';
import { SESSION_STATES, TRIGGERS } from '../../../src/shared/session-state';
import { freshDbWithProject } from '../../support/db';
import { GOLDEN, isGolden } from '../shared/transitions-golden';

let db: Db;
let remove: () => void;
beforeAll(() => {
  ({ db, remove } = freshDbWithProject('baton-sm-'));
});
afterAll(() => remove());

describe('transition() against a real database, every (from, to, trigger)', () => {
  it('accepts exactly the legal moves, writing state + one transition row; rejects the rest writing nothing', () => {
    const repo = createSessionsRepository(db);
    let n = 0;
    let accepted = 0;
    for (const from of SESSION_STATES) {
      const id = `s-${from}`;
      repo.insert({ id, projectId: 'p', role: 'worker', harness: 'custom', command: { command: 'x', args: [] }, title: 't', worktreeId: null, cwd: '/' });
      for (const to of SESSION_STATES) {
        for (const trigger of TRIGGERS) {
          n++;
          // Put the row in `from` behind the repository's back: only the test does this.
          db.prepare('UPDATE sessions SET state = ? WHERE id = ?').run(from, id);
          const before = repo.transitions(id).length;
          const legal = isGolden(from, to, trigger);
          if (legal) {
            const after = repo.transition(id, to, trigger, { detail: 'why' });
            expect(after.ok && after.value.state).toBe(to);
            expect(repo.get(id)?.state).toBe(to);
            const rows = repo.transitions(id);
            expect(rows).toHaveLength(before + 1);
            expect(rows.at(-1)).toEqual({ from, to, trigger, detail: 'why' });
            accepted++;
          } else {
            const refused = repo.transition(id, to, trigger);
            expect(refused.ok ? null : refused.error.code).toBe('illegal_transition');
            expect(repo.get(id)?.state).toBe(from);
            expect(repo.transitions(id)).toHaveLength(before);
          }
        }
      }
    }
    expect(n).toBe(SESSION_STATES.length ** 2 * TRIGGERS.length);
    expect(accepted).toBe(GOLDEN.length);
  });

  it('a move decided on a state the session has left is refused as stale, writing nothing', () => {
    const repo = createSessionsRepository(db);
    repo.insert({ id: 'stale', projectId: 'p', role: 'worker', harness: 'custom', command: { command: 'x', args: [] }, title: 't', worktreeId: null, cwd: '/' });
    db.prepare("UPDATE sessions SET state = 'stopping' WHERE id = 'stale'").run();
    // Legal from `starting`, but a person's Stop got there first.
    const r = repo.transition('stale', 'failed', 'spawn_failed', { detail: 'late', from: 'starting' });
    expect(r.ok ? null : r.error.code).toBe('stale');
    expect(repo.get('stale')?.state).toBe('stopping');
    expect(repo.transitions('stale')).toHaveLength(0);
    expect(repo.transition('gone', 'idle', 'connected')).toMatchObject({ ok: false, error: { code: 'stale' } });
  });

  it('a database failure is not a refusal: it throws', () => {
    const repo = createSessionsRepository(db);
    repo.insert({ id: 'dbfail', projectId: 'p', role: 'worker', harness: 'custom', command: { command: 'x', args: [] }, title: 't', worktreeId: null, cwd: '/' });
    db.exec("CREATE TRIGGER no_moves BEFORE INSERT ON session_transitions WHEN NEW.session_id = 'dbfail' BEGIN SELECT RAISE(ABORT, 'disk on fire'); END");
    try {
      expect(() => repo.transition('dbfail', 'starting', 'spawn')).toThrow(/disk on fire/);
      // One transaction: the state write before the failing row is rolled back.
      expect(repo.get('dbfail')?.state).toBe('pending');
    } finally {
      db.exec('DROP TRIGGER no_moves');
    }
  });
});
