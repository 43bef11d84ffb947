import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { afterAll, expect, test } from 'vitest';
import { createWorktreeManager, type WorktreeManager } from '../src/main/git/worktrees';

const run = promisify(execFile);
const FILES = 5_000;
const DIRS = 50;
const WORKTREES = 50;

let base = '';
afterAll(async () => {
  if (base) await rm(base, { recursive: true, force: true });
});

async function git(cwd: string, args: string[]): Promise<void> {
  await run('git', args, { cwd, maxBuffer: 64 * 1024 * 1024 });
}

async function makeRepository(repo: string): Promise<void> {
  await mkdir(repo, { recursive: true });
  await git(repo, ['init', '-q', '-b', 'main']);
  await git(repo, ['config', 'user.name', 'Bench']);
  await git(repo, ['config', 'user.email', 'bench@localhost']);
  for (let d = 0; d < DIRS; d++) await mkdir(path.join(repo, 'src', `dir${d}`, 'nested'), { recursive: true });
  const writes: Promise<void>[] = [];
  for (let i = 0; i < FILES; i++) {
    const d = i % DIRS;
    const sub = i % 3 === 0 ? 'nested' : '';
    const body = `// file ${i}\nexport const value${i} = ${i};\n${'x'.repeat(i % 400)}\n`;
    writes.push(writeFile(path.join(repo, 'src', `dir${d}`, sub, `file${i}.ts`), body));
  }
  await Promise.all(writes);
  await git(repo, ['add', '-A']);
  await git(repo, ['commit', '-q', '-m', 'generated']);
}

async function viaManager(manager: WorktreeManager, i: number): Promise<number> {
  const start = performance.now();
  const created = await manager.create({ prefix: 'bench', name: `m${i}`, baseBranch: 'main', role: 'worker' });
  if (!created.ok) throw new Error(created.error.message);
  const released = await manager.release(created.value.path, `bench-${i}`);
  if (!released.ok) throw new Error(released.error.message);
  return performance.now() - start;
}

async function viaGit(repo: string, dir: string, i: number): Promise<number> {
  const start = performance.now();
  const wt = path.join(dir, `g${i}`);
  await git(repo, ['worktree', 'add', '-q', '-b', `plain/g${i}`, wt, 'main']);
  await git(repo, ['worktree', 'remove', '--force', wt]);
  await git(repo, ['worktree', 'prune']);
  return performance.now() - start;
}

test('worktree manager versus the plain git CLI', async () => {
  base = await realpath(await mkdtemp(path.join(tmpdir(), 'baton-bench-')));
  const repo = path.join(base, 'repo');
  const cliDir = path.join(base, 'cli');
  await makeRepository(repo);
  const made = await createWorktreeManager({ repoPath: repo, worktreeRoot: path.join(base, 'data', 'worktrees') });
  if (!made.ok) throw new Error(made.error.message);
  const manager = made.value;

  // Warm the page cache and git's startup path for both sides before measuring.
  await viaManager(manager, -1);
  await viaGit(repo, cliDir, -1);

  let managerMs = 0;
  let gitMs = 0;
  for (let i = 0; i < WORKTREES; i++) {
    // Alternating which side goes first cancels most order and drift bias.
    if (i % 2 === 0) {
      managerMs += await viaManager(manager, i);
      gitMs += await viaGit(repo, cliDir, i);
    } else {
      gitMs += await viaGit(repo, cliDir, i);
      managerMs += await viaManager(manager, i);
    }
  }

  const listed = await manager.list();
  expect(listed.ok && listed.value.length).toBe(1);
  const preserved = await manager.listPreserved();
  expect(preserved.ok && preserved.value.length).toBe(WORKTREES + 1);

  console.log(`bench: worktrees_manager_ms = ${Math.round(managerMs)}`);
  console.log(`bench: worktrees_git_cli_ms = ${Math.round(gitMs)}`);
  console.log(`bench: worktrees_vs_git_ratio = ${(managerMs / gitMs).toFixed(2)}`);
});
