import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApi, createSubscribe } from '../../src/renderer/src/api/client';
import type { Transport } from '../../src/renderer/src/api/transport';
import { connectStore, createBatonStore } from '../../src/renderer/src/app/store';
import { ErrorCode } from '../../src/shared/errors';
import { fail, ok } from '../../src/shared/result';
import { until } from '../support/wait';

/** The wire as the renderer sees it: the test pushes raw payloads, as a main of any build could send them. */
function wire(answer: (name: string) => unknown = () => undefined) {
  const subs = new Map<string, Set<(payload: unknown) => void>>();
  const calls: string[] = [];
  const transport: Transport = {
    invoke(name) {
      calls.push(name);
      const value = answer(name);
      return Promise.resolve(value === undefined ? fail(ErrorCode.internal, `not in this test: ${name}`) : ok(value));
    },
    subscribe(name, cb) {
      const set = subs.get(name) ?? new Set();
      subs.set(name, set);
      set.add(cb);
      return () => set.delete(cb);
    },
    onState: () => () => {},
    onResync: () => () => {},
    retryNow: () => {},
  };
  const push = (name: string, payload: unknown) => subs.get(name)?.forEach((cb) => cb(payload));
  return { transport, push, calls };
}


afterEach(() => vi.restoreAllMocks());

describe('events parsed at the renderer edge', () => {
  it('hands a subscriber the payload its event declares, and drops and logs one that does not parse', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { transport, push } = wire();
    const seen: string[] = [];
    let invalid = 0;
    const off = createSubscribe(transport)('sessions.changed', ({ sessionId, projectId }) => seen.push(`${sessionId}@${projectId}`), () => invalid++);

    push('sessions.changed', { sessionId: 's1', projectId: 'p1', extra: 'stripped' });
    push('sessions.changed', { sessionId: 42, projectId: 'p1' });
    push('sessions.changed', 'garbage');
    expect(seen).toEqual(['s1@p1']);
    expect(invalid).toBe(2);
    expect(warn).toHaveBeenCalledTimes(2);
    expect(String(warn.mock.calls[0]?.[0])).toContain('dropped a sessions.changed event');

    off();
    push('sessions.changed', { sessionId: 's2', projectId: 'p1' });
    expect(seen).toEqual(['s1@p1']);
  });

  it('types the subscriber by the event (compiled by npm run typecheck)', () => {
    const subscribe = createSubscribe(wire().transport);
    subscribe('tasks.changed', (payload) => {
      // @ts-expect-error tasks.changed carries a projectId, not a sessionId
      void payload.sessionId;
    });
    subscribe('sessions.records', ({ records }) => {
      const seqs: number[] = records.map((r) => r.seq);
      void seqs;
    });
    // @ts-expect-error there is no such event
    expect(() => subscribe('tasks.exploded', () => {})).toThrow();
  });

  it('never lets an unreadable payload into the store: records stay as held, status is fetched instead', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { transport, push, calls } = wire((name) => (name === 'sessions.records' ? { records: [], lastSeq: 0 } : undefined));
    const store = createBatonStore({ api: createApi(transport) });
    const disconnect = connectStore(store, transport);
    try {
      store.getState().openSession('s1');
      await until(() => store.getState().records.s1 !== undefined && calls.includes('sessions.records'), 'the transcript opened');

      push('sessions.records', { sessionId: 's1', records: [{ seq: 'one' }] });
      expect(store.getState().records.s1).toEqual([]);
      push('sessions.records', { sessionId: 's1', records: [{ v: 1, seq: 1, ts: 0, dir: 'in', msg: { jsonrpc: '2.0', method: 'x' } }] });
      expect(store.getState().records.s1?.map((r) => r.seq)).toEqual([1]);

      const before = calls.filter((c) => c === 'app.status').length;
      push('app.statusChanged', { version: 'only a part of it' });
      expect(calls.filter((c) => c === 'app.status').length).toBe(before + 1);
    } finally {
      disconnect();
    }
  });
});
