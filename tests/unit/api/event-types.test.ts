import { describe, expect, it } from 'vitest';
import { createEventHub } from '../../../src/main/api/events';
import { contract } from '../../../src/shared/contracts';

// The `@ts-expect-error` lines are the test that matters: `npm run typecheck` compiles this file
// (tsconfig.node.json includes tests/) and fails if any of them stops being an error.
describe('events typed by the contract, in main', () => {
  it('hands each listener the payload its event declares, narrowed by the name', () => {
    const hub = createEventHub(contract);
    const seen: string[] = [];
    hub.listen((name, payload) => {
      if (name === 'sessions.changed') seen.push(`${payload.sessionId}@${payload.projectId}`);
      if (name === 'sessions.records') seen.push(`records ${payload.records.map((r) => r.seq).join(',')}`);
    });
    hub.emit('sessions.changed', { sessionId: 's1', projectId: 'p1' });
    hub.emit('sessions.records', { sessionId: 's1', records: [{ v: 1, seq: 7, ts: 1, dir: 'in', msg: {} }] });
    expect(seen).toEqual(['s1@p1', 'records 7']);
  });

  it('refuses a wrong payload or name at compile time, and still at run time', () => {
    const hub = createEventHub(contract);
    // @ts-expect-error sessionId is a string
    expect(() => hub.emit('sessions.changed', { sessionId: 1, projectId: 'p' })).toThrow();
    // @ts-expect-error projectId is required
    expect(() => hub.emit('tasks.changed', {})).toThrow();
    // @ts-expect-error there is no such event
    expect(() => hub.emit('tasks.exploded', { projectId: 'p' })).toThrow();
    // @ts-expect-error a record has v, seq, ts, dir and msg
    expect(() => hub.emit('sessions.records', { sessionId: 's', records: [{ seq: 1 }] })).toThrow();
    // @ts-expect-error the whole app status, not a part of it
    expect(() => hub.emit('app.statusChanged', { version: '1' })).toThrow();
  });

  it('strips fields the contract does not declare before any listener (and so any UI) sees them', () => {
    const hub = createEventHub(contract);
    const seen: unknown[] = [];
    hub.listen((_name, payload) => seen.push(payload));
    const withSecret = { projectId: 'p1', token: 'hunter2' };
    hub.emit('tasks.changed', withSecret);
    expect(seen).toEqual([{ projectId: 'p1' }]);
  });
});
