import { mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal } from '../../../src/main/host/journal';
import { readJournal } from '../../../src/main/host/journal-read';
import { LineSplitter } from '../../../src/main/host/lines';
import { waitUntil } from '../../support/wait';

function split(chunks: string[], max = 16) {
  const lines: string[] = [];
  const big: Array<[number, string]> = [];
  const s = new LineSplitter(max, (l) => lines.push(l.toString()), (n, p) => big.push([n, p.toString()]));
  for (const c of chunks) s.push(Buffer.from(c));
  s.end();
  return { lines, big };
}

describe('host line handling', () => {
  it('splits lines across chunks, strips CR, keeps a last line without newline', () => {
    expect(split(['ab', 'c\nde', 'f\r\n\ng'])).toEqual({ lines: ['abc', 'def', '', 'g'], big: [] });
  });

  it('drops an over-limit line as it streams, reports its size and start once, then carries on', () => {
    const r = split(['ok\n0123456789', 'abcdefghij', 'KLMNO\nnext\n'], 16);
    expect(r.lines).toEqual(['ok', 'next']);
    expect(r.big).toEqual([[25, '0123456789abcdefghij']]);
  });

  it('a journal continues after its last record when reopened, and serves lines from the file and from memory alike', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-journal-'));
    try {
      const path = join(dir, 'journal.jsonl');
      const a = Journal.open(path, join(dir, 'torn'), 0).journal;
      for (let i = 0; i < 10; i++) a.append('in', { i });
      a.close();
      const b = Journal.open(path, join(dir, 'torn'), 50).journal;
      expect(b.lastSeq).toBe(10);
      b.append('out', { i: 10 });
      const fromFile = await b.linesAfter(3, 1 << 20);
      expect(fromFile.map((l) => l.seq)).toEqual([4, 5, 6, 7, 8, 9, 10]);
      const fromRing = await b.linesAfter(10, 1 << 20);
      expect(fromRing.map((l) => l.seq)).toEqual([11]);
      b.close();
      expect(readJournal(path).records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      expect(readFileSync(path, 'utf8').split('\n').at(-2)).toMatch(/^\{"v":1,"seq":11,"ts":\d+,"dir":"out","msg":\{"i":10\}\}$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('grouped syncs run off the thread: closing with one in flight closes the file when it returns, with every line kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-journal-'));
    /** This process's descriptors open on the journal. */
    const openOn = (path: string) =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`) === path;
        } catch {
          return false;
        }
      }).length;
    try {
      // Many rounds, each closing at a different point of the 1 ms sync cycle: before it, during it, after it.
      for (let round = 0; round < 40; round++) {
        const path = join(dir, `journal-${round}.jsonl`);
        const j = Journal.open(path, join(dir, `torn-${round}`), 1).journal;
        for (let i = 0; i < 5; i++) {
          j.append('in', { round, i });
          await new Promise((r) => setTimeout(r, round % 3));
        }
        j.close();
        // Closed once the sync in flight (if any) has returned: a descriptor left open fails here.
        await waitUntil(() => openOn(path), (n) => n === 0, 5000, `journal ${round} closed`);
        expect(readJournal(path).records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
