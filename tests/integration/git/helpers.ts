import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Runs git for test setup and assertions; throws (failing the test) on a non-zero exit. */
export async function sh(cwd: string, args: string[], env?: Record<string, string>): Promise<string> {
  const { stdout } = await execFileAsync('git', args, {
    cwd,
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

/** Like `sh` but reports the exit instead of throwing. */
export async function tryGit(cwd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync('git', args, { cwd });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const failure = e as { code?: number; stdout?: string; stderr?: string };
    return { code: failure.code ?? 1, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}

const created: string[] = [];
const cleanups: (() => Promise<void>)[] = [];

export async function tempDir(label = 'baton-git-'): Promise<string> {
  const dir = await realpath(await mkdtemp(path.join(tmpdir(), label)));
  created.push(dir);
  return dir;
}

/** Registers an undo step that must run before the temp dirs are deleted (e.g. clearing an immutable flag). */
export function onCleanup(fn: () => Promise<void>): void {
  cleanups.push(fn);
}

export async function cleanupAll(): Promise<void> {
  for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => undefined);
  for (const dir of created.splice(0)) await rm(dir, { recursive: true, force: true });
}

export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }
}

export interface Fixture {
  base: string;
  repo: string;
  root: string;
}

/** A repository with one commit on `main` holding `files`, plus an empty data folder for worktrees. */
export async function makeRepo(files: Record<string, string> = { 'README.md': 'hello\n' }): Promise<Fixture> {
  const base = await tempDir();
  const repo = path.join(base, 'repo');
  await mkdir(repo);
  await sh(repo, ['init', '-q', '-b', 'main']);
  await sh(repo, ['config', 'user.name', 'Test User']);
  await sh(repo, ['config', 'user.email', 'test@example.com']);
  await sh(repo, ['config', 'commit.gpgSign', 'false']);
  await writeFiles(repo, files);
  await sh(repo, ['add', '-A']);
  await sh(repo, ['commit', '-q', '-m', 'init']);
  return { base, repo, root: path.join(base, 'data', 'worktrees') };
}

/**
 * Makes a directory impossible to delete for real: root ignores permissions,
 * so it gets the immutable attribute; other users get a read-only directory.
 * Returns false when neither works here (the caller then skips its test).
 */
export async function makeUndeletable(dir: string): Promise<boolean> {
  if (process.getuid?.() === 0) {
    try {
      await execFileAsync('chattr', ['+i', dir]);
      onCleanup(() => makeDeletable(dir));
      return true;
    } catch {
      return false;
    }
  }
  await chmod(dir, 0o555);
  onCleanup(() => makeDeletable(dir));
  return true;
}

export async function makeDeletable(dir: string): Promise<void> {
  if (process.getuid?.() === 0) {
    await execFileAsync('chattr', ['-i', dir]).catch(() => undefined);
  } else {
    await chmod(dir, 0o755).catch(() => undefined);
  }
}

/** Whether `makeUndeletable` works on this machine, checked once on a throwaway folder. */
export async function canMakeUndeletable(): Promise<boolean> {
  const probe = await mkdtemp(path.join(tmpdir(), 'baton-probe-'));
  const inner = path.join(probe, 'inner');
  await mkdir(inner);
  await writeFile(path.join(inner, 'f'), 'x');
  const made = await makeUndeletable(inner);
  let stuck = false;
  if (made) {
    stuck = await rm(inner, { recursive: true, force: true }).then(
      () => false,
      () => true,
    );
    await makeDeletable(inner);
  }
  await rm(probe, { recursive: true, force: true });
  return stuck;
}

/** A post-checkout hook that records its pid, then hangs for a minute (exec: the pid is the sleeping process). */
export async function hangingHook(repo: string): Promise<string> {
  const pidFile = path.join(repo, '..', 'hook.pid');
  const hook = path.join(repo, '.git', 'hooks', 'post-checkout');
  await writeFile(hook, `#!/bin/sh\necho $$ > "${pidFile}"\nexec sleep 60\n`);
  await chmod(hook, 0o755);
  return pidFile;
}
