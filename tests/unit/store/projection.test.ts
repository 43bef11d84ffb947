import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEventsRepository } from '../../../src/main/sessions/events-repository';
import { createProjector } from '../../../src/main/sessions/projection';
import { createSessionsRepository } from '../../../src/main/sessions/repository';
import { createTurnsRepository } from '../../../src/main/sessions/turns-repository';
import type { Db } from '../../../src/main/store/db';
import type { JournalRecord } from '../../../src/shared/journal';
import { freshDbWithProject } from '../../support/db';

let db: Db;
let remove: () => void;
beforeEach(() => {
  ({ db, remove } = freshDbWithProject('baton-proj-'));
});
afterEach(() => remove());

const rec = (seq: number, dir: JournalRecord['dir'], msg: unknown): JournalRecord => ({ v: 1, seq, ts: seq, dir, msg });

describe('journal projection', () => {
  it('applies lines idempotently and moves the turn from dispatching to running to ended', () => {
    const sessions = createSessionsRepository(db);
    const events = createEventsRepository(db);
    const turns = createTurnsRepository(db);
    const projector = createProjector({ db, sessions, events, turns });
    sessions.insert({ id: 's', projectId: 'p', role: 'worker', harness: 'custom', command: { command: 'x', args: [] }, title: 't', worktreeId: null, cwd: '/' });
    turns.insertDispatching({ id: 'turn-1', sessionId: 's', idempotencyKey: 'k1', prompt: 'hi' });

    const lines = [
      rec(1, 'out', { jsonrpc: '2.0', id: 'e1:5', method: 'session/prompt', params: { sessionId: 'a', prompt: [], _meta: { batonTurnId: 'turn-1' } } }),
      rec(2, 'in', { jsonrpc: '2.0', method: 'session/update', params: {} }),
      rec(3, 'in', { jsonrpc: '2.0', id: 'e1:5', result: { stopReason: 'end_turn' } }),
    ];
    expect(projector.apply('s', lines.slice(0, 1)).applied).toHaveLength(1);
    expect(turns.get('turn-1')).toMatchObject({ status: 'running', requestId: 'string:e1:5' });

    const rest = projector.apply('s', lines);
    expect(rest.applied.map((r) => r.seq)).toEqual([2, 3]);
    expect(rest).toMatchObject({ duplicates: 1, holes: [] });
    expect(turns.get('turn-1')).toMatchObject({ status: 'ended', stopReason: 'end_turn' });
    expect(sessions.get('s')?.lastAppliedSeq).toBe(3);
    expect(events.list('s').map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(projector.apply('s', lines).applied).toHaveLength(0);
    expect(events.count('s')).toBe(3);
  });

  it('skips a hole (a damaged or missing journal line), applies what follows, and records it once', () => {
    const sessions = createSessionsRepository(db);
    const events = createEventsRepository(db);
    const turns = createTurnsRepository(db);
    const recorded: Array<{ dbSeq: number; realignedFrom: number; detail: string }> = [];
    const projector = createProjector({ db, sessions, events, turns, holes: { record: (d) => recorded.push(d) } });
    sessions.insert({ id: 'h', projectId: 'p', role: 'worker', harness: 'custom', command: { command: 'x', args: [] }, title: 't', worktreeId: null, cwd: '/' });
    const upd = { jsonrpc: '2.0', method: 'session/update', params: {} };
    const r = projector.apply('h', [rec(1, 'in', upd), rec(2, 'in', upd), rec(4, 'in', upd), rec(5, 'in', upd)]);
    expect(r.applied.map((x) => x.seq)).toEqual([1, 2, 4, 5]);
    expect(r.holes).toEqual([{ expected: 3, got: 4 }]);
    expect(sessions.get('h')?.lastAppliedSeq).toBe(5);
    expect(recorded).toMatchObject([{ dbSeq: 2, realignedFrom: 4, detail: expect.stringMatching(/Line\(s\) 3 .*damaged or missing/) }]);
    // Applied again (a restart's catch-up): nothing new, nothing recorded twice.
    expect(projector.apply('h', [rec(4, 'in', upd), rec(5, 'in', upd)]).holes).toEqual([]);
    expect(recorded).toHaveLength(1);
  });

  it('a journal that reused a request id (written before per-link ids): each response ends only its own open turn', () => {
    const sessions = createSessionsRepository(db);
    const events = createEventsRepository(db);
    const turns = createTurnsRepository(db);
    const projector = createProjector({ db, sessions, events, turns });
    sessions.insert({ id: 's', projectId: 'p', role: 'worker', harness: 'custom', command: { command: 'x', args: [] }, title: 't', worktreeId: null, cwd: '/' });
    const prompt = (seq: number, turnId: string) => rec(seq, 'out', { jsonrpc: '2.0', id: 'e:n2', method: 'session/prompt', params: { sessionId: 'a', prompt: [], _meta: { batonTurnId: turnId } } });
    const answer = (seq: number, stopReason: string) => rec(seq, 'in', { jsonrpc: '2.0', id: 'e:n2', result: { stopReason } });
    turns.insertDispatching({ id: 'first', sessionId: 's', idempotencyKey: 'k1', prompt: 'one' });
    expect(projector.apply('s', [prompt(1, 'first'), answer(2, 'end_turn')]).turnEnds).toEqual([2]);
    turns.insertDispatching({ id: 'second', sessionId: 's', idempotencyKey: 'k2', prompt: 'two' });
    // The second agent's initialize answer carries an id an earlier link used too: it ends nothing.
    const r = projector.apply('s', [rec(3, 'in', { jsonrpc: '2.0', id: 'e:n0', result: {} }), prompt(4, 'second'), answer(5, 'max_tokens')]);
    expect(r.turnEnds).toEqual([5]);
    expect(turns.get('second')).toMatchObject({ status: 'ended', stopReason: 'max_tokens', requestId: 'string:e:n2' });
    expect(turns.get('first')).toMatchObject({ status: 'ended', stopReason: 'end_turn', requestId: null });
    // A response met again once its turn is over ends nothing.
    expect(projector.apply('s', [answer(6, 'end_turn')]).turnEnds).toEqual([]);
    expect(turns.get('second')).toMatchObject({ stopReason: 'max_tokens' });
  });
});
