import { describe, expect, test } from 'vitest';
import { createBroadcastCoalescer } from '../../../src/main/sessions/coalesce';
import type { JournalRecord } from '../../../src/shared/journal';
import { waitUntil } from '../../support/wait';

const rec = (seq: number): JournalRecord => ({ v: 1, seq, ts: seq, dir: 'in', msg: { n: seq } });

describe('broadcast coalescer', () => {
  test('a quiet session’s records go out at once; what it commits later in the same frame goes out as one emit at the frame’s end', async () => {
    const out: Array<[string, number[]]> = [];
    const c = createBroadcastCoalescer((id, records) => out.push([id, records.map((r) => r.seq)]), 1000);
    c.add('a', [rec(1), rec(2)]);
    c.add('b', [rec(1)]);
    // Emitted in the commit's own turn: no frame's wait, and no wait for the event loop to come round to timers.
    expect(out).toEqual([
      ['a', [1, 2]],
      ['b', [1]],
    ]);
    c.add('a', [rec(3)]);
    c.add('a', [rec(4)]);
    // Within the frame of a's last emit: held, so a session streams at most one emit a frame.
    expect(out).toHaveLength(2);
    await waitUntil(() => out.length, (n) => n === 3, 5000, 'the frame');
    expect(out[2]).toEqual(['a', [3, 4]]);
    // b has emitted nothing since: still quiet, so its next records go out at once.
    c.add('b', [rec(2)]);
    expect(out[3]).toEqual(['b', [2]]);
    c.close();
  });

  test('flush sends a session’s held records at once, and only once', async () => {
    const out: Array<[string, number[]]> = [];
    const c = createBroadcastCoalescer((id, records) => out.push([id, records.map((r) => r.seq)]), 200);
    c.add('a', [rec(1)]);
    c.add('b', [rec(7)]);
    c.add('a', [rec(2)]);
    c.add('b', [rec(8)]);
    expect(out).toEqual([
      ['a', [1]],
      ['b', [7]],
    ]);
    c.flush('a');
    expect(out[2]).toEqual(['a', [2]]);
    c.flush('a');
    await waitUntil(() => out.length, (n) => n === 4, 5000, 'b’s frame');
    expect(out).toEqual([
      ['a', [1]],
      ['b', [7]],
      ['a', [2]],
      ['b', [8]],
    ]);
    c.close();
  });

  test('after close nothing is emitted', async () => {
    const out: string[] = [];
    const c = createBroadcastCoalescer((id) => out.push(id), 200);
    c.add('a', [rec(1)]);
    c.add('a', [rec(2)]);
    expect(out).toEqual(['a']);
    c.close();
    c.add('a', [rec(3)]);
    c.flush('a');
    // The held record's frame would have ended by now: a second coalescer's longer frame, started after, has.
    const probe: string[] = [];
    const d = createBroadcastCoalescer((id) => probe.push(id), 250);
    d.add('p', [rec(1)]);
    d.add('p', [rec(2)]);
    await waitUntil(() => probe.length, (n) => n === 2, 5000, 'the probe’s frame');
    expect(out).toEqual(['a']);
  });
});
