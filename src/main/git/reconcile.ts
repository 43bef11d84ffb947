import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Result } from '../../shared/result';
import { ok } from '../../shared/result';
import { pathKind, type RepoContext } from './context';
import type { GitError } from './errors';
import { isInside, realpathDeep } from './paths';
import { listWorktrees } from './worktree-list';

export interface Reconciliation {
  /** Known paths that git lists and whose folder exists (as given by the caller). */
  present: string[];
  /** Known paths whose folder or registration is gone (as given by the caller). */
  missing: string[];
  /** Folders under `<root>/<prefix>/` that belong to this repository but that git does not list. */
  unregistered: string[];
}

/**
 * Compares what the database believes (`known`) with git and the disk. Other
 * repositories share the worktree root, so a folder only counts as ours when
 * git lists it, the database knows it, or its `.git` file points into this
 * repository.
 */
export async function reconcileWorktrees(ctx: RepoContext, known: readonly string[]): Promise<Result<Reconciliation, GitError>> {
  const listed = await listWorktrees(ctx.repoPath);
  if (!listed.ok) return listed;
  const registered = new Set<string>();
  for (const entry of listed.value) {
    if (!entry.prunable) registered.add(await realpathDeep(entry.path));
  }

  const present: string[] = [];
  const missing: string[] = [];
  const knownReal = new Set<string>();
  for (const p of known) {
    const real = await realpathDeep(p);
    knownReal.add(real);
    const isThere = registered.has(real) && (await pathKind(real)) === 'directory';
    (isThere ? present : missing).push(p);
  }

  const adminDir = path.join(ctx.commonDir, 'worktrees');
  const unregistered: string[] = [];
  for (const candidate of await candidateDirs(ctx.realRoot)) {
    if (registered.has(candidate)) continue;
    if (knownReal.has(candidate) || (await pointsInto(candidate, adminDir))) unregistered.push(candidate);
  }
  return ok({ present, missing, unregistered: unregistered.sort() });
}

/** `<root>/<prefix>/<name>` folders, not following symlinks (a symlinked one was never created by Baton). */
async function candidateDirs(root: string): Promise<string[]> {
  const result: string[] = [];
  for (const prefix of await subdirectories(root)) {
    result.push(...(await subdirectories(prefix)));
  }
  return result;
}

async function subdirectories(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory()).map((e) => path.join(dir, e.name));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

async function pointsInto(dir: string, adminDir: string): Promise<boolean> {
  const text = await readFile(path.join(dir, '.git'), 'utf8').catch(() => null);
  const match = text === null ? null : /^gitdir: (.+)$/m.exec(text);
  if (!match?.[1]) return false;
  return isInside(await realpathDeep(path.resolve(dir, match[1].trim())), adminDir);
}
