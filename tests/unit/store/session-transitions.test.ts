import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionsRepository, IllegalTransition } from '../../../src/main/sessions/repository';
import { openDatabase, type Db } from '../../../src/main/store/db';
import { canTransition, SESSION_STATES, TRIGGERS } from '../../../src/shared/session-state';

let dir: string;
let db: Db;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-sm-'));
  const r = openDatabase(join(dir, 'baton.db'));
  if (!r.ok) throw new Error(r.error.message);
  db = r.value;
  db.prepare(
    "INSERT INTO projects (id, name, path, prefix, base_branch, orchestrator_agent, worker_agent, created_at, updated_at) VALUES ('p', 'p', '/p', 'p', 'main', 'custom', 'custom', 'x', 'x')",
  ).run();
});
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

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
          const legal = canTransition(from, to, trigger);
          if (legal) {
            const after = repo.transition(id, to, trigger, 'why');
            expect(after.state).toBe(to);
            expect(repo.get(id)?.state).toBe(to);
            const rows = repo.transitions(id);
            expect(rows).toHaveLength(before + 1);
            expect(rows.at(-1)).toEqual({ from, to, trigger, detail: 'why' });
            accepted++;
          } else {
            expect(() => repo.transition(id, to, trigger)).toThrow(IllegalTransition);
            expect(repo.get(id)?.state).toBe(from);
            expect(repo.transitions(id)).toHaveLength(before);
          }
        }
      }
    }
    expect(n).toBe(SESSION_STATES.length ** 2 * TRIGGERS.length);
    expect(accepted).toBeGreaterThan(30);
  });
});
