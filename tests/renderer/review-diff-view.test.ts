import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DiffFileView } from '../../src/shared/contracts/review';
import { plainLineCount, plainLines, plainRuns } from '../../src/renderer/src/features/review/patch-lines';
import { fileTree, treeOrder } from '../../src/renderer/src/features/review/selectors';
import { pauseUpgrades, queueUpgrade, QUIET_MS, scrollQuiet } from '../../src/renderer/src/features/review/upgrade';

const PATCHES = [
  'diff --git a/a.ts b/a.ts\nindex 1..2 100644\n--- a/a.ts\n+++ b/a.ts\n@@ -1,2 +1,3 @@\n ctx\n-old\n+new\n+more\n',
  // A removed "-- x" reads "--- x", an added "++ y" reads "+++ y": lines of the hunk, not headers.
  'diff --git a/b b/b\n--- a/b\n+++ b/b\n@@ -1 +1 @@\n--- x\n+++ y\n\\ No newline at end of file\n@@ -9,2 +9,2 @@\n same\n-a\n+b\n',
  'diff --git a/c.png b/c.png\nBinary files a/c.png and b/c.png differ\n',
  'diff --git a/d b/e\nsimilarity index 100%\nrename from d\nrename to e\n',
  '@@ -1 +1 @@\n-x\n+y',
  '',
];

describe('the plain preview of a patch', () => {
  it('counts its lines in place exactly as it splits them (the height estimate)', () => {
    for (const p of PATCHES) expect(plainLineCount(p)).toBe(plainLines(p).length);
  });

  it('draws the lines in runs of one kind, every line once and in order, each hunk header a run of its own', () => {
    for (const p of PATCHES) {
      const runs = plainRuns(p);
      expect(runs.flatMap((r) => r.text.split('\n'))).toEqual(plainLines(p));
      expect(runs.reduce((n, r) => n + r.lines, 0)).toBe(plainLineCount(p));
      for (const r of runs) expect(r.text.split('\n')).toHaveLength(r.lines);
    }
    expect(plainRuns(PATCHES[0]!).map((r) => [r.kind, r.lines])).toEqual([['hunk', 1], ['context', 1], ['del', 1], ['add', 2]]);
    expect(plainRuns(PATCHES[1]!).map((r) => r.kind)).toEqual(['hunk', 'del', 'add', 'hunk', 'context', 'del', 'add']);
  });
});

describe('the file tree', () => {
  const file = (path: string): DiffFileView => ({ path, oldPath: null, status: 'modified', binary: false, additions: 1, deletions: 0, patch: null, omitted: null });

  it('is built once per list: the list in tree order draws the very rows that ordered it', () => {
    const files = ['src/b.ts', 'README.md', 'src/a/z.ts', 'src/A.ts', 'lib/x.ts'].map(file);
    const ordered = treeOrder(files);
    expect(fileTree(ordered)).toBe(fileTree(files));
    // Directories first, then files, each by name as localeCompare orders them.
    expect(ordered.map((f) => f.path)).toEqual(['lib/x.ts', 'src/a/z.ts', 'src/A.ts', 'src/b.ts', 'README.md']);
  });
});

describe('full views wait until scrolling stops', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('is quiet only after QUIET_MS and two frames without a scroll', () => {
    const table: [number, number, boolean][] = [
      [QUIET_MS, 2, true],
      [QUIET_MS - 1, 5, false],
      // A slow frame on a loaded machine leaves a long gap, but a scroll that goes on moves every frame.
      [QUIET_MS * 10, 1, false],
      [QUIET_MS * 10, 0, false],
    ];
    for (const [ms, frames, quiet] of table) expect(scrollQuiet(1000 + ms, 1000, frames)).toBe(quiet);
  });

  it('builds none while every frame scrolls, however slow the frames, and one per idle task once it stops', () => {
    // Node has no frames: this test paints them, on a faked clock, with or without a scroll before each.
    let callbacks: ((t: number) => void)[] = [];
    vi.stubGlobal('requestAnimationFrame', (cb: (t: number) => void) => callbacks.push(cb));
    vi.stubGlobal('requestIdleCallback', (cb: () => void) => setTimeout(cb, 1));
    vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] });
    const frame = (ms: number, scrolled: boolean) => {
      vi.advanceTimersByTime(ms);
      // A frame runs the scroll event before the animation frame callbacks; idle time comes after.
      if (scrolled) pauseUpgrades();
      const due = callbacks;
      callbacks = [];
      for (const cb of due) cb(performance.now());
      vi.advanceTimersByTime(2);
    };
    const built: string[] = [];
    pauseUpgrades();
    queueUpgrade(() => built.push('a'));
    const cancelB = queueUpgrade(() => built.push('b'));
    queueUpgrade(() => built.push('c'));
    // A loaded machine: 200 ms frames, each with its scroll. Nothing is built.
    for (let i = 0; i < 20; i++) frame(200, true);
    expect(built).toEqual([]);
    // b scrolled away before its turn.
    cancelB();
    // Scrolling stopped: the files are built, one per idle task, skipping b.
    const stopped = performance.now();
    let frames = 0;
    while (built.length === 0 && frames < 100) {
      frame(16, false);
      frames++;
    }
    expect(built).toEqual(['a']);
    expect(performance.now() - stopped).toBeGreaterThanOrEqual(QUIET_MS);
    expect(frames).toBeGreaterThanOrEqual(2);
    for (let i = 0; i < 5; i++) frame(16, false);
    expect(built).toEqual(['a', 'c']);
  });
});
