import { describe, expect, it } from 'vitest';
import { createWriteQueue, FLOOD_CHARS, INTERACTIVE_CHARS } from '../../src/renderer/src/features/terminals/write-queue';
import { until } from '../support/wait';

/** A terminal stand-in that records each write and finishes parsing it when the test says so. */
function terminal(): { writes: string[]; finish: () => void; write: (data: string, done: () => void) => void } {
  const writes: string[] = [];
  const pending: (() => void)[] = [];
  return {
    writes,
    finish: () => pending.shift()?.(),
    write: (data, done) => {
      writes.push(data);
      pending.push(done);
    },
  };
}

describe('terminal write queue (renderer)', () => {
  it('writes an echo at once, and what arrives while the terminal parses joined into one write after it', () => {
    const t = terminal();
    const q = createWriteQueue(t.write, { gatherMs: 10_000 });
    q.push('k');
    expect(t.writes).toEqual(['k']);
    q.push('a');
    q.push('b');
    expect(t.writes).toEqual(['k']);
    // The echo was small: what came meanwhile goes out as soon as it is parsed, without the gathering wait.
    t.finish();
    expect(t.writes).toEqual(['k', 'ab']);
  });

  it('after a large write, gathers until the window has passed, then writes what came as one piece', async () => {
    const t = terminal();
    const q = createWriteQueue(t.write, { gatherMs: 40 });
    const big = 'x'.repeat(INTERACTIVE_CHARS);
    q.push(big);
    q.push('1');
    t.finish();
    q.push('2');
    expect(t.writes).toEqual([big]);
    await until(() => t.writes.length === 2, 'the gathered write');
    expect(t.writes[1]).toBe('12');
  });

  it('never joins past the limit, and a full piece waiting is written without the gathering wait', () => {
    const t = terminal();
    const q = createWriteQueue(t.write, { gatherMs: 10_000, maxChars: 8 });
    q.push('x'.repeat(INTERACTIVE_CHARS));
    for (const p of ['aaaa', 'bbbb', 'cc']) q.push(p);
    t.finish();
    expect(t.writes.slice(1)).toEqual(['aaaabbbb']);
    t.finish();
    expect(t.writes.slice(1)).toEqual(['aaaabbbb', 'cc']);
  });

  it('clear drops what was not written, and a write finished after it does not start the dropped text', () => {
    const t = terminal();
    const q = createWriteQueue(t.write, { gatherMs: 10_000 });
    q.push('old');
    q.push('stale');
    q.clear();
    q.push('scrollback');
    expect(t.writes).toEqual(['old', 'scrollback']);
    t.finish(); // 'old' parsed: its callback belongs to before the clear
    expect(t.writes).toEqual(['old', 'scrollback']);
    q.push('live');
    t.finish(); // 'scrollback' parsed
    expect(t.writes).toEqual(['old', 'scrollback', 'live']);
  });

  it('writes nothing once closed', () => {
    const t = terminal();
    const q = createWriteQueue(t.write);
    q.push('a');
    q.push('b');
    q.close();
    t.finish();
    q.push('c');
    expect(t.writes).toEqual(['a']);
  });

  it('drops a backlog past its bound and says so once; what comes after is written again', () => {
    const t = terminal();
    let overflows = 0;
    const q = createWriteQueue(t.write, { gatherMs: 10_000, maxBacklogChars: 10, onOverflow: () => overflows++ });
    q.push('first');
    // The terminal is stuck parsing: the backlog grows to the bound, then past it.
    q.push('0123456789');
    expect(overflows).toBe(0);
    q.push('x');
    expect(overflows).toBe(1);
    // Nothing of the dropped backlog is written; the next push starts a write of its own.
    q.push('after');
    expect(t.writes).toEqual(['first', 'after']);
  });

  it('a flood it stays behind on is caught up: when every write finds a flood more waiting, the backlog goes and it says so', () => {
    const t = terminal();
    let overflows = 0;
    const q = createWriteQueue(t.write, { gatherMs: 0, floodMs: 0, onOverflow: () => overflows++ });
    const flood = 'y'.repeat(FLOOD_CHARS);
    q.push(flood);
    q.push(flood);
    // The first write is parsed with a flood's worth waiting: behind since it began, not yet caught up.
    t.finish();
    expect(overflows).toBe(0);
    expect(t.writes).toHaveLength(2);
    q.push(flood);
    // Still behind a write later: the backlog is dropped and the caller reads the scrollback.
    t.finish();
    expect(overflows).toBe(1);
    expect(t.writes).toHaveLength(2);
    // Output it keeps up with (nothing waiting after a write) never counts as a flood.
    q.push('after');
    t.finish();
    q.push('more');
    t.finish();
    expect(overflows).toBe(1);
    expect(t.writes.slice(2)).toEqual(['after', 'more']);
  });
});
