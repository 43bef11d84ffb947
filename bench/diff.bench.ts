import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { afterAll, expect, test } from 'vitest';
import { diffWorktree } from '../src/main/git/diff';

const run = promisify(execFile);
const FILES = 2_000;
const ADDED_PER_FILE = 25; // 2,000 files × 25 lines = 50,000 changed lines
const ROUNDS = 5;

let base = '';
afterAll(async () => {
  if (base) await rm(base, { recursive: true, force: true });
});

const git = (cwd: string, args: string[]) => run('git', args, { cwd, maxBuffer: 256 * 1024 * 1024 });

const body = (i: number, extra: number) => {
  let s = `// file ${i}\nexport const value${i} = ${i};\n`;
  for (let k = 0; k < extra; k++) s += `export const added${i}_${k} = ${k}; // change\n`;
  return s;
};

/** `diff_open_ms`, backend part: the review diff (list + patch) of a 2,000-file / 50,000-line change, against `git diff` of the same change. */
test('review diff backend versus git diff on the CLI', async () => {
  base = await realpath(await mkdtemp(path.join(tmpdir(), 'baton-bench-diff-')));
  const repo = path.join(base, 'repo');
  await mkdir(repo, { recursive: true });
  await git(repo, ['init', '-q', '-b', 'main']);
  await git(repo, ['config', 'user.name', 'Bench']);
  await git(repo, ['config', 'user.email', 'bench@localhost']);
  for (let d = 0; d < 40; d++) await mkdir(path.join(repo, 'src', `dir${d}`), { recursive: true });
  const file = (i: number) => path.join(repo, 'src', `dir${i % 40}`, `file${i}.ts`);
  await Promise.all(Array.from({ length: FILES }, (_, i) => writeFile(file(i), body(i, 0))));
  await git(repo, ['add', '-A']);
  await git(repo, ['commit', '-q', '-m', 'generated']);
  // The change: every file grows, uncommitted (as an agent leaves it).
  await Promise.all(Array.from({ length: FILES }, (_, i) => writeFile(file(i), body(i, ADDED_PER_FILE))));
  const head = (await git(repo, ['rev-parse', 'HEAD'])).stdout.trim();

  const viaBackend = async () => {
    const t = performance.now();
    const d = await diffWorktree({ worktreePath: repo, from: head, limits: { maxPatchBytes: 64 * 1024 * 1024 } });
    const ms = performance.now() - t;
    if (!d.ok) throw new Error(d.error.message);
    expect(d.value.files).toHaveLength(FILES);
    expect(d.value.additions).toBe(FILES * ADDED_PER_FILE);
    return ms;
  };
  const viaGit = async () => {
    const t = performance.now();
    await git(repo, ['diff', '-M', '--numstat', head]);
    await git(repo, ['diff', '-M', head]);
    return performance.now() - t;
  };
  await viaBackend();
  await viaGit();
  const backend: number[] = [];
  const cli: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    // Alternating which side goes first cancels most order and drift bias.
    if (i % 2 === 0) {
      backend.push(await viaBackend());
      cli.push(await viaGit());
    } else {
      cli.push(await viaGit());
      backend.push(await viaBackend());
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`bench: diff_backend_ms = ${Math.round(median(backend))}`);
  console.log(`bench: diff_git_cli_ms = ${Math.round(median(cli))}`);
  console.log(`bench: diff_backend_vs_git_ratio = ${(median(backend) / median(cli)).toFixed(2)}`);
});
