import { describe, expect, it } from 'vitest';
import { createApi } from '../../src/renderer/src/api/client';
import { createBatonStore } from '../../src/renderer/src/app/store';
import { frameBatch } from '../../src/renderer/src/app/frame';
import { sameSummary } from '../../src/renderer/src/features/session/sessions';
import type { SessionSummary } from '../../src/shared/contracts/sessions';
import { fail } from '../../src/shared/result';
import { until } from '../support/wait';

const summary = (over: Partial<SessionSummary> = {}): SessionSummary => ({
  id: 's1',
  projectId: 'p1',
  role: 'worker',
  harness: 'custom',
  title: 'One',
  state: 'busy',
  hibernated: false,
  stateDetail: null,
  branch: 'baton/one',
  worktreePath: '/w/one',
  lastSeq: 10,
  divergence: null,
  createdAt: '2026-12-06T00:00:00.000Z',
  updatedAt: '2026-12-06T00:00:00.000Z',
  archived: null,
  ...over,
});

const store = () => createBatonStore({ api: createApi({ invoke: () => Promise.resolve(fail('internal', 'not in this test')), subscribe: () => () => {}, onState: () => () => {}, onResync: () => () => {}, retryNow: () => {} }) });

describe('session summaries keep their object while their facts stay the same', () => {
  it('compares every fact, nested ones by value', () => {
    expect(sameSummary(summary(), summary())).toBe(true);
    expect(sameSummary(undefined, summary())).toBe(false);
    expect(sameSummary(summary(), summary({ lastSeq: 11 }))).toBe(false);
    expect(sameSummary(summary(), summary({ state: 'idle' }))).toBe(false);
    expect(sameSummary(summary({ divergence: { detail: 'd', detectedAt: 'x' } }), summary({ divergence: { detail: 'd', detectedAt: 'x' } }))).toBe(true);
    expect(sameSummary(summary({ divergence: { detail: 'd', detectedAt: 'x' } }), summary({ divergence: { detail: 'd', detectedAt: 'y' } }))).toBe(false);
    expect(sameSummary(summary({ archived: null }), summary({ archived: undefined }))).toBe(false);
  });

  it('a list read that changes one session replaces only that session’s object (only its card re-renders)', () => {
    const st = store();
    st.getState().receiveSummaries([summary(), summary({ id: 's2', title: 'Two' })], true);
    const [one, two] = [st.getState().sessions.s1, st.getState().sessions.s2];
    st.getState().receiveSummaries([summary(), summary({ id: 's2', title: 'Two', lastSeq: 12 })], true);
    expect(st.getState().sessions.s1).toBe(one);
    expect(st.getState().sessions.s2).not.toBe(two);
    expect(st.getState().sessions.s2?.lastSeq).toBe(12);
  });
});

describe('frame batches', () => {
  it('hand over every key added in a frame once, with its values in order', async () => {
    const runs: Array<Array<[string, number[]]>> = [];
    const b = frameBatch<number>((pending) => runs.push([...pending]));
    b.add('a', 1);
    b.add('b', 2);
    b.add('a', 3);
    expect(runs).toEqual([]);
    await until(() => runs.length === 1, 'the frame');
    expect(runs[0]).toEqual([
      ['a', [1, 3]],
      ['b', [2]],
    ]);
    b.add('c', 4);
    b.flush();
    expect(runs[1]).toEqual([['c', [4]]]);
    b.add('d', 5);
    b.cancel();
    b.flush();
    expect(runs.length).toBe(2);
  });

  it('atFrame: a shown page runs the batch at its next animation frame; a hidden one, or a frame that never comes, by the timer', async () => {
    // The page's frame clock, driven by the test: callbacks run when it says a frame starts.
    const frames = new Map<number, FrameRequestCallback>();
    let nextId = 1;
    const g = globalThis as Record<string, unknown>;
    const page = { visibilityState: 'visible' };
    Object.assign(g, {
      document: page,
      requestAnimationFrame: (cb: FrameRequestCallback) => (frames.set(nextId, cb), nextId++),
      cancelAnimationFrame: (id: number) => frames.delete(id),
    });
    const frame = (): void => {
      const due = [...frames.values()];
      frames.clear();
      due.forEach((cb) => cb(performance.now()));
    };
    try {
      const runs: number[][] = [];
      const b = frameBatch<number>((pending) => runs.push(pending.get('k') ?? []), { ms: 20, atFrame: true });
      b.add('k', 1);
      b.add('k', 2);
      expect(frames.size).toBe(1);
      frame();
      expect(runs).toEqual([[1, 2]]);
      // The frame ran it: its fallback timer is gone too (nothing runs twice).
      await new Promise((r) => setTimeout(r, 80));
      expect(runs).toHaveLength(1);

      // No frame comes (an occluded window): the timer, three frames' length later, runs it.
      const t0 = performance.now();
      b.add('k', 3);
      await until(() => runs.length === 2, 'the fallback timer');
      expect(runs[1]).toEqual([3]);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(55);
      expect(frames.size).toBe(0);

      // Hidden: no frame is asked for at all.
      page.visibilityState = 'hidden';
      b.add('k', 4);
      expect(frames.size).toBe(0);
      await until(() => runs.length === 3, 'the timer of a hidden page');
      b.add('k', 5);
      b.cancel();
      page.visibilityState = 'visible';
      b.add('k', 6);
      b.cancel();
      frame();
      expect(runs).toEqual([[1, 2], [3], [4]]);
    } finally {
      delete g['document'];
      delete g['requestAnimationFrame'];
      delete g['cancelAnimationFrame'];
    }
  });
});
