import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { projectsContract } from '../../../src/shared/contracts/projects';
import { sessionsContract } from '../../../src/shared/contracts/sessions';
import { tasksContract } from '../../../src/shared/contracts/tasks';
import { worktreesContract } from '../../../src/shared/contracts/worktrees';
import { findHiddenChar, hiddenCharProblem } from '../../../src/shared/hidden-chars';
import { ORCHESTRATOR_TOOLS } from '../../../src/shared/tools';

/** Each character the contract must refuse, with the code point its message names. */
const HIDDEN: [string, string][] = [
  ['\u202A', 'U+202A'],
  ['\u202B', 'U+202B'],
  ['\u202C', 'U+202C'],
  ['\u202D', 'U+202D'],
  ['\u202E', 'U+202E'],
  ['\u2066', 'U+2066'],
  ['\u2067', 'U+2067'],
  ['\u2068', 'U+2068'],
  ['\u2069', 'U+2069'],
  ['\u200B', 'U+200B'],
  ['\u200C', 'U+200C'],
  ['\u200D', 'U+200D'],
  ['\u200E', 'U+200E'],
  ['\u200F', 'U+200F'],
  ['\uFEFF', 'U+FEFF'],
  ['\u00AD', 'U+00AD'],
  ['\u061C', 'U+061C'],
  ['\u2060', 'U+2060'],
  ['\u2028', 'U+2028'],
  ['\u0000', 'U+0000'],
  ['\u0007', 'U+0007'],
  ['\u001B', 'U+001B'],
  ['\u007F', 'U+007F'],
  ['\u0085', 'U+0085'],
  ['\n', 'U+000A'],
  ['\t', 'U+0009'],
  // Outside the Basic Multilingual Plane: a tag character (Cf) spans two UTF-16 units.
  ['\u{E0041}', 'U+E0041'],
];

function messages(schema: z.ZodType, input: unknown): string[] {
  const r = schema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => i.message);
}

describe('hidden characters', () => {
  it.each(HIDDEN)('finds %j as %s', (c, codePoint) => {
    expect(findHiddenChar(`fix${c}bug`)).toMatchObject({ codePoint, index: 3 });
  });

  it.each(['fix-the-login-bug', 'Fix the login bug', 'baton/p-fix-ü-bug', '日本語のタイトル', 'عنوان عربي', 'שלום', 'emoji 🎉 ok', 'café'])('leaves %j alone', (s) => {
    expect(findHiddenChar(s)).toBeNull();
  });

  it('names the character, where it is, and what to do', () => {
    expect(hiddenCharProblem('abc\u202Etxt.exe', 'worktree name')).toBe(
      'The worktree name contains U+202E (RIGHT-TO-LEFT OVERRIDE) at position 4, an invisible or text-direction character that would make it look different from what it is. Remove it (retype the text rather than pasting it).',
    );
    expect(hiddenCharProblem('plain', 'worktree name')).toBeNull();
  });
});

describe('the contract refuses them in names and titles', () => {
  const cases: [string, z.ZodType, (s: string) => unknown, string][] = [
    ['sessions.create title', sessionsContract.procedures.create.input, (title) => ({ projectId: 'p', prompt: 'go', title }), 'session title'],
    ['worktrees.create name', worktreesContract.procedures.create.input, (name) => ({ projectId: 'p', name }), 'worktree name'],
    ['projects.update baseBranch', projectsContract.procedures.update.input, (baseBranch) => ({ id: 'p', patch: { baseBranch } }), 'base branch name'],
    ['projects.update name', projectsContract.procedures.update.input, (name) => ({ id: 'p', patch: { name } }), 'project name'],
    ['projects.add name', projectsContract.procedures.add.input, (name) => ({ path: '/repo', name }), 'project name'],
    ['tasks.add title', tasksContract.procedures.add.input, (title) => ({ projectId: 'p', title }), 'task title'],
    ['spawn_worker title', ORCHESTRATOR_TOOLS.spawn_worker.input, (title) => ({ runId: 'r', claimToken: 't', title }), 'session title'],
  ];

  describe.each(cases)('%s', (_label, schema, input, what) => {
    it.each(HIDDEN)('refuses %j, naming %s', (c, codePoint) => {
      const m = messages(schema, input(`fix${c}bug`));
      expect(m).toHaveLength(1);
      expect(m[0]).toContain(`The ${what} contains ${codePoint}`);
    });

    it('accepts a plain name, and one in another script', () => {
      expect(messages(schema, input('fix-login-bug'))).toEqual([]);
      expect(messages(schema, input('修正 ログイン'))).toEqual([]);
    });
  });
});
