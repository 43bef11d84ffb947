import { describe, expect, test } from 'vitest';
import { createBroadcastCoalescer } from '../../../src/main/sessions/coalesce';
import type { JournalRecord } from '../../../src/shared/journal';
import { waitUntil } from '../../support/wait';

const rec = (seq: number): JournalRecord => ({ v: 1, seq, ts: seq, dir: 'in', msg: { n: seq } });

describe('broadcast coalescer', () => {
  test('records added within a frame go out in one emit per session, in seq order', async () => {
    const out: Array<[string, number[]]> = [];
    const c = createBroadcastCoalescer((id, records) => out.push([id, records.map((r) => r.seq)]));
    c.add('a', [rec(1), rec(2)]);
    c.add('b', [rec(1)]);
    c.add('a', [rec(3)]);
    expect(out).toEqual([]);
    await waitUntil(() => out.length, (n) => n === 2, 5000, 'the frame');
    expect(out).toEqual([
      ['a', [1, 2, 3]],
      ['b', [1]],
    ]);
  });

  test('flush sends a session’s pending records at once, and only once', async () => {
    const out: Array<[string, number[]]> = [];
    const c = createBroadcastCoalescer((id, records) => out.push([id, records.map((r) => r.seq)]));
    c.add('a', [rec(1)]);
    c.add('b', [rec(7)]);
    c.flush('a');
    expect(out).toEqual([['a', [1]]]);
    c.flush('a');
    await waitUntil(() => out.length, (n) => n === 2, 5000, 'b’s frame');
    expect(out).toEqual([
      ['a', [1]],
      ['b', [7]],
    ]);
  });

  test('after close nothing is emitted', async () => {
    const out: string[] = [];
    const c = createBroadcastCoalescer((id) => out.push(id), 1);
    c.add('a', [rec(1)]);
    c.close();
    c.add('a', [rec(2)]);
    c.flush('a');
    // A later frame's emit would have run by now: a second coalescer's frame, started after, has fired.
    const probe: string[] = [];
    const d = createBroadcastCoalescer((id) => probe.push(id), 1);
    d.add('p', [rec(1)]);
    await waitUntil(() => probe.length, (n) => n === 1, 5000, 'the probe’s frame');
    expect(out).toEqual([]);
  });
});
