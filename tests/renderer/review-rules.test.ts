import { describe, expect, it } from 'vitest';
import type { DiffFileView, MergeView } from '../../src/shared/contracts/review';
import { commentDelivery } from '../../src/shared/review-comments';
import {
  commentsPrompt,
  defaultCommitMessage,
  fileBadge,
  fileTree,
  languageOf,
  lastAgentSummary,
  commitOutcome,
  mergeOutcome,
  prOutcome,
  omittedText,
  treeOrder,
  type ReviewComment,
} from '../../src/renderer/src/features/review/selectors';

const file = (path: string, over: Partial<DiffFileView> = {}): DiffFileView => ({
  path,
  oldPath: null,
  status: 'modified',
  binary: false,
  additions: 1,
  deletions: 0,
  patch: '',
  omitted: null,
  ...over,
});

describe('fileTree', () => {
  it('nests files under their directories, directories first, single-child chains folded', () => {
    const rows = fileTree([file('src/main/review/stats.ts'), file('README.md'), file('src/a.ts'), file('src/main/review/facts.ts')]);
    expect(rows.map((r) => `${'  '.repeat(r.depth)}${r.kind === 'dir' ? `${r.name}/` : r.name}`)).toEqual([
      'src/',
      '  main/review/',
      '    facts.ts',
      '    stats.ts',
      '  a.ts',
      'README.md',
    ]);
  });
});

describe('file badges and guards', () => {
  it.each([
    [file('a', { status: 'added' }), 'A'],
    [file('a', { status: 'deleted' }), 'D'],
    [file('a', { status: 'renamed', oldPath: 'b' }), 'R'],
    [file('a', { binary: true, status: 'added' }), 'B'],
    [file('a'), 'M'],
  ])('%# %s', (f, letter) => expect(fileBadge(f).letter).toBe(letter));

  it('says why a patch is not shown and what to do', () => {
    expect(omittedText(file('a', { omitted: 'binary', patch: null }))).toMatch(/Binary/);
    expect(omittedText(file('a', { omitted: 'too_large', additions: 30000, patch: null }))).toMatch(/30000 changed lines.*git diff/);
    expect(omittedText(file('a', { omitted: 'patch_budget', patch: null }))).toMatch(/Narrow the scope/);
    expect(omittedText(file('a'))).toBeNull();
  });
});

describe('commentsPrompt', () => {
  const c = (over: Partial<ReviewComment>): ReviewComment => ({ id: 'x', path: 'src/a.ts', line: 3, endLine: null, side: 'new', excerpt: '', text: 'fix', ...over });
  it('one comment: file:line, the quoted line, the ask', () => {
    const p = commentsPrompt([c({ excerpt: 'const a = 1;', text: 'Use a better name.' })]);
    expect(p).toContain('1. src/a.ts:3\n   > const a = 1;\n   Use a better name.');
    expect(p.startsWith('A review comment')).toBe(true);
  });
  it('several comments: one prompt, ordered by file and line, ranges and removed lines said so', () => {
    const p = commentsPrompt([c({ path: 'b.ts', line: 9, text: 'second' }), c({ line: 10, endLine: 12, text: 'range' }), c({ line: 2, side: 'old', text: 'removed' })]);
    expect(p).toMatch(/^3 review comments/);
    const order = ['src/a.ts:2 (a removed line', 'src/a.ts:10-12', 'b.ts:9'].map((s) => p.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    // localeCompare puts b.ts before src/a.ts.
    expect(p.indexOf('b.ts:9')).toBeLessThan(p.indexOf('src/a.ts:2'));
  });
});

describe('commentDelivery', () => {
  it.each([
    ['idle', 'now', null],
    ['busy', 'queue', /when the turn ends/],
    ['waiting_input', 'queue', /when the turn ends/],
    ['starting', 'queue', /first turn ends/],
    ['interrupted', 'refuse', /Continue/],
    ['stopped', 'refuse', /takes no prompts/],
  ] as const)('%s', (state, how, reason) => {
    const r = commentDelivery(state);
    expect(r.how).toBe(how);
    if (reason === null) expect('reason' in r).toBe(false);
    else expect('reason' in r ? r.reason : '').toMatch(reason);
  });
});

describe('commit message', () => {
  it('title, then the agent’s last message', () => {
    const summary = lastAgentSummary([
      { type: 'agent', seq: 1, text: 'first' },
      { type: 'user', seq: 2, text: 'more' },
      { type: 'agent', seq: 3, text: 'Renamed the helper and added tests.' },
      { type: 'turn_end', seq: 4, stopReason: 'end_turn' },
    ]);
    expect(defaultCommitMessage('Fix login', summary)).toBe('Fix login\n\nRenamed the helper and added tests.');
    expect(defaultCommitMessage('Fix login', '')).toBe('Fix login');
  });
});

describe('mergeOutcome', () => {
  it.each<[MergeView, RegExp, string[] | undefined]>([
    [{ status: 'merged', mode: 'squash', commit: 'abcdef1234', previous: 'x', where: 'ref', checkoutPath: null }, /Merged \(squash\) as abcdef1/, undefined],
    [{ status: 'conflict', files: ['a.txt'] }, /Ask the agent/, ['a.txt']],
    [{ status: 'refused', reason: 'base_dirty', message: 'main has changes.', files: ['README.md'], checkoutPath: '/r' }, /commit or stash them there/, ['README.md']],
  ])('%#', (view, text, files) => {
    const o = mergeOutcome(view);
    expect(o.text).toMatch(text);
    expect(o.files).toEqual(files);
  });
});

it('languageOf maps extensions and never guesses', () => {
  expect(languageOf('src/a.tsx')).toBe('tsx');
  expect(languageOf('Makefile')).toBe('plaintext');
});

it('treeOrder: the diff reads in the order the tree lists', () => {
  expect(treeOrder([file('README.md'), file('src/b.ts'), file('app.js'), file('src/a/x.ts')]).map((f) => f.path)).toEqual(['src/a/x.ts', 'src/b.ts', 'app.js', 'README.md']);
});

describe('commit and PR outcomes', () => {
  it('a refusing hook: nothing committed, its output shown, what to do', () => {
    const o = commitOutcome({ status: 'hook_failed', hooks: ['pre-commit'], output: 'lint: 3 problems' });
    expect(o).toMatchObject({ kind: 'error', detail: 'lint: 3 problems' });
    expect(o.text).toMatch(/pre-commit hook refused, so nothing was committed/);
  });
  it('the PR link, or the compare URL with why', () => {
    const pushed = { remote: 'origin', remoteUrl: 'git@example.com:o/r.git', branch: 'baton/x' };
    expect(prOutcome({ pushed, pr: { kind: 'created', url: 'https://example.com/o/r/pull/7' } })).toMatchObject({ kind: 'ok', link: 'https://example.com/o/r/pull/7' });
    const cmp = prOutcome({ pushed, pr: { kind: 'compare', url: 'https://example.com/o/r/compare/main...baton/x', why: 'gh is not installed.' } });
    expect(cmp).toMatchObject({ kind: 'warn', link: 'https://example.com/o/r/compare/main...baton/x' });
    expect(cmp.text).toContain('gh is not installed.');
  });
});
