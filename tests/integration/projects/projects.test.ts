import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, git, makeRepo, type Harness } from '../../support/core-harness';

let h: Harness;
beforeEach(() => {
  h = createHarness();
});
afterEach(() => h.cleanup());

describe('adding a project', () => {
  it('adds a repository by path, from a subfolder too, with defaults from the repository', async () => {
    const repo = makeRepo(h.tempDir('My Repo-'), { 'src/a.ts': 'x\n' });
    const { project, existed } = await h.must('projects.add', { path: join(repo, 'src') });
    expect(existed).toBe(false);
    expect(project.path).toBe(repo);
    expect(project.baseBranch).toBe('main');
    expect(project.prefix).toMatch(/^my-repo/);
    expect(project.orchestratorAgent).toBe('claude-code');
    expect(await h.must('projects.list', {})).toEqual([project]);
    expect(h.events.some((e) => e.name === 'projects.changed')).toBe(true);
  });

  it('adding the same repository twice opens the existing project', async () => {
    const repo = makeRepo(h.tempDir());
    const first = await h.must('projects.add', { path: repo });
    const again = await h.must('projects.add', { path: repo + '/' });
    expect(again).toEqual({ project: first.project, existed: true });
    expect(await h.must('projects.list', {})).toHaveLength(1);
  });

  it('gives each problem with a path its own clear message', async () => {
    const base = h.tempDir();
    const file = join(base, 'file.txt');
    writeFileSync(file, 'x');
    const empty = join(base, 'empty-repo');
    mkdirSync(empty);
    git(empty, 'init', '-q');
    const plain = join(base, 'plain');
    mkdirSync(plain);
    const cases: [string, string, RegExp][] = [
      [join(base, 'missing'), 'not_found', /does not exist|not found|no such/i],
      [file, 'not_a_directory', /file, not a folder/i],
      [plain, 'not_a_repository', /git/i],
      [empty, 'no_commits', /commit/i],
      ['relative/path', 'invalid_path', /absolute|full path/i],
    ];
    for (const [path, code, message] of cases) {
      const r = await h.call('projects.add', { path });
      expect(r.ok, path).toBe(false);
      if (!r.ok) {
        expect(r.error.code, path).toBe(code);
        expect(r.error.message, path).toMatch(message);
      }
    }
    const blank = await h.call('projects.add', { path: '   ' });
    expect(blank.ok ? null : blank.error.code).toBe('invalid_input');
    expect(await h.must('projects.list', {})).toEqual([]);
  });

  it('inspect reports an existing project for the Add dialog', async () => {
    const repo = makeRepo(h.tempDir());
    const before = await h.must('projects.inspect', { path: repo });
    expect(before).toMatchObject({ topLevel: repo, currentBranch: 'main', existingProjectId: null });
    const { project } = await h.must('projects.add', { path: repo });
    expect((await h.must('projects.inspect', { path: repo })).existingProjectId).toBe(project.id);
  });

  it('two repositories with the same name get distinct prefixes', async () => {
    const a = makeRepo(h.tempDir('same-'));
    const b = makeRepo(h.tempDir('same-'));
    const pa = await h.must('projects.add', { path: a, name: 'Same' });
    const pb = await h.must('projects.add', { path: b, name: 'Same' });
    expect(pa.project.prefix).toBe('same');
    expect(pb.project.prefix).toBe('same-2');
  });
});

describe('project settings', () => {
  it('env values are write-only: never in the list, the settings, or any event', async () => {
    const repo = makeRepo(h.tempDir());
    const { project } = await h.must('projects.add', { path: repo });
    const SECRET = 'sk-live-4f9a8b7c6d5e-super-secret';
    await h.must('projects.setEnv', { id: project.id, key: 'OPENAI_API_KEY_XYZ', value: SECRET });
    const settings = await h.must('projects.get', { id: project.id });
    expect(settings.envKeys).toEqual(['OPENAI_API_KEY_XYZ']);
    const list = JSON.stringify(await h.must('projects.list', {}));
    expect(list).not.toContain(SECRET);
    expect(list).not.toContain('OPENAI_API_KEY_XYZ');
    expect(JSON.stringify(settings)).not.toContain(SECRET);
    expect(JSON.stringify(h.events)).not.toContain(SECRET);
    await h.must('projects.deleteEnv', { id: project.id, key: 'OPENAI_API_KEY_XYZ' });
    expect((await h.must('projects.get', { id: project.id })).envKeys).toEqual([]);
  });

  it('validates what it stores: prefix, branch, agents, and paths that would escape the repository', async () => {
    const repo = makeRepo(h.tempDir());
    git(repo, 'branch', 'develop');
    const other = makeRepo(h.tempDir());
    const { project } = await h.must('projects.add', { path: repo });
    const { project: p2 } = await h.must('projects.add', { path: other });
    const id = project.id;
    const expectCode = async (patch: object, code: string) => {
      const r = await h.call('projects.update', { id, patch } as never);
      expect(r.ok ? 'ok' : r.error.code, JSON.stringify(patch)).toBe(code);
    };
    await expectCode({ prefix: 'Bad Prefix' }, 'invalid_input');
    await expectCode({ prefix: p2.prefix }, 'prefix_taken');
    await expectCode({ baseBranch: 'nope' }, 'unknown_branch');
    await expectCode({ orchestratorAgent: 'hal9000' }, 'invalid_input');
    await expectCode({ copyFiles: [{ path: '../outside/.env', mode: 'copy' }] }, 'path_escape');
    await expectCode({ copyFiles: [{ path: '/etc/passwd', mode: 'copy' }] }, 'path_escape');
    await expectCode({ copyFiles: [{ path: 'a/../../b', mode: 'symlink' }] }, 'path_escape');
    const updated = await h.must('projects.update', {
      id,
      patch: { name: 'Renamed', prefix: 'renamed', baseBranch: 'develop', workerAgent: 'codex', setupCommands: ['echo hi'], copyFiles: [{ path: '.env', mode: 'copy' }] },
    });
    expect(updated).toMatchObject({ name: 'Renamed', prefix: 'renamed', baseBranch: 'develop', workerAgent: 'codex' });
    expect(updated.branches.sort()).toEqual(['develop', 'main']);
  });
});
