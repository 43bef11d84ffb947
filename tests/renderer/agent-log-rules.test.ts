import { describe, expect, it } from 'vitest';
import { EMPTY_LOG, hasGap, mergeAgentLog } from '../../src/renderer/src/features/session/agent-log';

const line = (n: number, text = `line ${n}`) => ({ n, ts: n, text });

describe('mergeAgentLog: the pane merges the tail it read with the lines that follow', () => {
  it('keeps each number once and in order: an event that raced the query is not shown twice', () => {
    const read = mergeAgentLog(EMPTY_LOG, [line(1), line(2), line(3)]);
    const raced = mergeAgentLog(read, [line(2), line(3), line(4)]);
    expect(raced.lines.map((l) => l.n)).toEqual([1, 2, 3, 4]);
    expect(mergeAgentLog(raced, [line(3)])).toBe(raced);
  });

  it('never inserts an older line in the middle, nor a batch out of order', () => {
    const v = mergeAgentLog(EMPTY_LOG, [line(5), line(7)]);
    expect(mergeAgentLog(v, [line(6), line(9), line(8)]).lines.map((l) => l.n)).toEqual([5, 7, 9]);
  });

  it('keeps only the newest maxBytes of text (the newest line always), and says older ones were dropped', () => {
    const v = mergeAgentLog(EMPTY_LOG, [line(1, 'a'.repeat(9)), line(2, 'b'.repeat(9)), line(3, 'c'.repeat(9))], 20);
    expect(v).toEqual({ lines: [line(2, 'b'.repeat(9)), line(3, 'c'.repeat(9))], truncated: true });
    const huge = mergeAgentLog(EMPTY_LOG, [line(1, 'x'.repeat(50))], 20);
    expect(huge.lines.map((l) => l.n)).toEqual([1]);
    expect(mergeAgentLog({ lines: [], truncated: true }, [line(1)]).truncated).toBe(true);
  });
});

describe('hasGap: lines missing between what is shown and what arrived send the pane back to the tail', () => {
  it('is a gap only when something is shown and the first new number skips one', () => {
    expect(hasGap(2, [line(3)])).toBe(false);
    expect(hasGap(2, [line(2), line(3)])).toBe(false);
    expect(hasGap(2, [line(5)])).toBe(true);
    expect(hasGap(0, [line(5)])).toBe(false);
    expect(hasGap(2, [])).toBe(false);
  });
});
