/** A patch's rows as the plain preview shows them, and their count (what a file's height is estimated from). */

/** The patch lines a preview shows: from the first hunk header on, without git's "\ No newline" notes. */
export function plainLines(patch: string): string[] {
  const all = patch.split('\n');
  const start = all.findIndex((l) => l.startsWith('@@'));
  return (start < 0 ? [] : all.slice(start)).filter((l) => l !== '' && !l.startsWith('\\'));
}

/** How many lines `plainLines` gives, counted in place: the open estimates every file's height, and splitting 2,000 patches into arrays costs it a frame or more. */
export function plainLineCount(patch: string): number {
  let at = patch.startsWith('@@') ? 0 : patch.indexOf('\n@@') + 1;
  if (at === 0 && !patch.startsWith('@@')) return 0;
  let n = 0;
  while (at < patch.length) {
    const nl = patch.indexOf('\n', at);
    const end = nl < 0 ? patch.length : nl;
    if (end > at && patch.charCodeAt(at) !== 92 /* \ */) n++;
    at = end + 1;
  }
  return n;
}

export type PlainKind = 'hunk' | 'add' | 'del' | 'context';

/**
 * The preview's lines in runs of one kind (a hunk header, added, removed or unchanged lines), each run one
 * element of `lines` rows: a screen of preview is a handful of elements, not one per line, which is most of
 * what a scrolling frame builds.
 */
export function plainRuns(patch: string): { kind: PlainKind; lines: number; text: string }[] {
  const runs: { kind: PlainKind; lines: number; text: string }[] = [];
  for (const l of plainLines(patch)) {
    const kind: PlainKind = l.startsWith('@@') ? 'hunk' : l[0] === '+' ? 'add' : l[0] === '-' ? 'del' : 'context';
    const last = runs.at(-1);
    // Hunk headers stay one a run: each is its own band.
    if (last && last.kind === kind && kind !== 'hunk') {
      last.text += `\n${l}`;
      last.lines++;
    } else runs.push({ kind, lines: 1, text: l });
  }
  return runs;
}
