import { chown, mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inspectRepository } from '../../../src/main/git/repo';
import { slugify, validateBranchName } from '../../../src/main/git/names';
import { cleanupAll, makeRepo, sh, tempDir } from './helpers';

afterEach(cleanupAll);

describe('inspectRepository', () => {
  it('rejects an empty or relative path', async () => {
    for (const input of ['', '   ', 'relative/path']) {
      const r = await inspectRepository(input);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('invalid_path');
    }
  });

  it('reports a missing path', async () => {
    const base = await tempDir();
    const r = await inspectRepository(path.join(base, 'nope'));
    expect(r).toMatchObject({ ok: false, error: { code: 'not_found', kind: 'invalid' } });
    if (!r.ok) expect(r.error.message).toContain(path.join(base, 'nope'));
  });

  it('reports a file', async () => {
    const base = await tempDir();
    const file = path.join(base, 'file.txt');
    await writeFile(file, 'x');
    expect(await inspectRepository(file)).toMatchObject({ ok: false, error: { code: 'not_a_directory' } });
  });

  it('reports a folder outside any repository', async () => {
    const base = await tempDir();
    const r = await inspectRepository(base);
    expect(r).toMatchObject({ ok: false, error: { code: 'not_a_repository' } });
    if (!r.ok) expect(r.error.gitMessage).toMatch(/not a git repository/);
  });

  it('reports a repository without commits', async () => {
    const base = await tempDir();
    await sh(base, ['init', '-q', '-b', 'main']);
    const r = await inspectRepository(base);
    expect(r).toMatchObject({ ok: false, error: { code: 'no_commits', kind: 'needs_you' } });
    if (!r.ok) expect(r.error.message).toMatch(/first commit/);
  });

  it('finds the top level from a subdirectory, through a symlink', async () => {
    const { base, repo } = await makeRepo({ 'src/deep/file.ts': 'x\n' });
    const head = (await sh(repo, ['rev-parse', 'HEAD'])).trim();
    const link = path.join(base, 'link');
    await symlink(repo, link);
    const r = await inspectRepository(path.join(link, 'src', 'deep'));
    expect(r).toEqual({ ok: true, value: { topLevel: repo, currentBranch: 'main', headCommit: head } });
  });

  it('returns a null branch when HEAD is detached', async () => {
    const { repo } = await makeRepo();
    await sh(repo, ['checkout', '-q', '--detach']);
    const r = await inspectRepository(repo);
    expect(r.ok && r.value.currentBranch).toBe(null);
  });

  if (process.getuid?.() !== 0) console.log('[git] skipped the foreign-owner test: it needs root to chown a repository.');
  it.runIf(process.getuid?.() === 0)('explains git\'s refusal of a repository owned by someone else', async () => {
    const { repo } = await makeRepo();
    await chown(repo, 12345, 12345);
    const r = await inspectRepository(repo);
    expect(r).toMatchObject({ ok: false, error: { code: 'unsafe_repository', kind: 'needs_you' } });
    if (!r.ok) {
      expect(r.error.gitMessage).toMatch(/dubious ownership/);
      expect(r.error.message).toContain(`safe.directory ${repo}`);
    }
  });

  it('refuses the inside of the .git directory', async () => {
    const { repo } = await makeRepo();
    await mkdir(path.join(repo, '.git', 'x'));
    expect(await inspectRepository(path.join(repo, '.git', 'x'))).toMatchObject({ ok: false, error: { code: 'not_a_repository' } });
  });
});

describe('validateBranchName', () => {
  it.each(['a..b', 'x.lock', '-x', 'with space', '', 'a/.hidden', 'end/', 'x~1', '@{-1}'])('rejects %j', async (name) => {
    const r = await validateBranchName(name);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('invalid_name');
      expect(r.error.message).toContain(`"${name}"`);
    }
  });

  it.each([
    ['baton/p-fix-\u202Egnp.exe', 'U+202E'],
    ['baton/p-\u2066x\u2069', 'U+2066'],
    ['baton/p-fix\u200Bbug', 'U+200B'],
    ['\uFEFFmain', 'U+FEFF'],
  ])('rejects %j, which git itself would accept, naming %s', async (name, codePoint) => {
    const r = await validateBranchName(name);
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_name', kind: 'invalid' } });
    if (!r.ok) {
      expect(r.error.message).toContain(`contains ${codePoint}`);
      // The message must not carry the character that makes the name misleading.
      expect(r.error.message).not.toContain(name);
    }
  });

  it('quotes git\'s reason', async () => {
    const r = await validateBranchName('a..b');
    expect(r).toMatchObject({ ok: false, error: { gitMessage: "fatal: 'a..b' is not a valid branch name" } });
    if (!r.ok) expect(r.error.message).toContain('".."');
  });

  it.each(['main', 'baton/p-fix-ü-bug', 'baton/p-日本', 'feature/x_y-1'])('accepts %j', async (name) => {
    expect(await validateBranchName(name)).toEqual({ ok: true, value: name });
  });

  it('does not let @{-1} expand to the previous branch when called from inside a repository', async () => {
    const { repo } = await makeRepo();
    await sh(repo, ['checkout', '-q', '-b', 'other']);
    await sh(repo, ['checkout', '-q', 'main']);
    const cwd = process.cwd();
    process.chdir(repo);
    try {
      expect((await validateBranchName('@{-1}')).ok).toBe(false);
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('slugify', () => {
  it.each([
    ['My Project', 'my-project'],
    ['  Fix ü bug!! ', 'fix-u-bug'],
    ['日本', 'project'],
    ['', 'project'],
    ['---', 'project'],
    ['a'.repeat(50), 'a'.repeat(40)],
    [`${'a'.repeat(39)} b`, 'a'.repeat(39)],
    ['Über_Cool.App', 'uber-cool-app'],
  ])('%j → %j', (input, expected) => {
    const slug = slugify(input);
    expect(slug).toBe(expected);
    expect(slug).toMatch(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/);
    expect(slug.length).toBeLessThanOrEqual(40);
  });
});
