import { lstat, mkdir, readlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Result } from '../../shared/result';
import { err, ok } from '../../shared/result';
import type { RepoContext } from './context';
import { createWorktree, type CreatedWorktree } from './create';
import { splitPatch } from './diff';
import { classifyGitFailure, gitError, type GitError } from './errors';
import { git, runGit, stripNewline } from './exec';
import { branchNameFor } from './names';
import { PRESERVED_PREFIX } from './preserve';

interface Change {
  path: string;
  /** Blob ids before (the snapshot's parent) and after (the snapshot); all zeros when absent. */
  pre: string;
  post: string;
}

/** The snapshot's changes against its parent, file by file, with both blob ids. */
async function changesOf(repoPath: string, commit: string, fail: (stderr: string) => GitError): Promise<Result<Change[], GitError>> {
  const raw = await git(['diff-tree', '-r', '--raw', '-z', '--no-renames', '--full-index', `${commit}^`, commit], { cwd: repoPath }, fail);
  if (!raw.ok) return raw;
  const changes: Change[] = [];
  const f = raw.value.split('\0');
  for (let i = 0; i + 1 < f.length; i += 2) {
    const [, , pre, post] = (f[i] ?? '').split(' ');
    if (!pre || !post) break;
    changes.push({ path: f[i + 1] ?? '', pre, post });
  }
  return ok(changes);
}

const absent = (id: string) => /^0+$/.test(id);

/**
 * After the project's setup ran in a worktree restored before it: files of
 * the preserved work that setup rewrote (`echo PORT=3000 > .env`) get the
 * preserved content back, so setup never silently undoes restored work.
 * Returns the paths put back.
 */
export async function putBackPreserved(repoPath: string, ref: string, targetPath: string): Promise<Result<string[], GitError>> {
  const fail = (stderr: string): GitError => classifyGitFailure(`read the preserved work ${ref}`, stderr);
  const commit = await git(['rev-parse', '--verify', `${ref}^{commit}`], { cwd: repoPath }, fail);
  if (!commit.ok) return commit;
  const changes = await changesOf(repoPath, stripNewline(commit.value), fail);
  if (!changes.ok) return changes;
  const wanted = changes.value.filter((c) => !absent(c.post));
  const have = await blobIdsOf(targetPath, wanted.map((c) => c.path));
  const back: string[] = [];
  for (const c of wanted) {
    const h = have.get(c.path);
    if (h === c.post) continue;
    const file = path.join(targetPath, c.path);
    const info = await lstat(file).catch(() => null);
    if (info && !info.isFile()) continue;
    const blob = await runGit(['cat-file', 'blob', c.post], { cwd: repoPath });
    if (!blob.ok || blob.value.code !== 0) continue;
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, blob.value.stdout);
    back.push(c.path);
  }
  return ok(back);
}

/** What the target holds at a path: its blob id as git would store it, or null when there is nothing. */
async function blobIdsOf(target: string, paths: string[]): Promise<Map<string, string | null>> {
  const ids = new Map<string, string | null>();
  const regular: string[] = [];
  for (const p of paths) {
    const info = await lstat(path.join(target, p)).catch(() => null);
    if (!info) ids.set(p, null);
    else if (info.isSymbolicLink()) {
      const h = await runGit(['hash-object', '--stdin'], { cwd: target, input: await readlink(path.join(target, p)) });
      ids.set(p, h.ok && h.value.code === 0 ? stripNewline(h.value.stdout.toString('utf8')) : 'unreadable');
    } else if (info.isFile()) regular.push(p);
    else ids.set(p, 'not-a-file');
  }
  if (regular.length > 0) {
    // --stdin-paths applies each path's clean filters (line endings, LFS), as `git add` did when the work was preserved.
    const h = await runGit(['hash-object', '--stdin-paths'], { cwd: target, input: regular.join('\n') + '\n' });
    const out = h.ok && h.value.code === 0 ? h.value.stdout.toString('utf8').split('\n') : [];
    regular.forEach((p, i) => ids.set(p, out[i] || 'unreadable'));
  }
  return ids;
}

/**
 * Applies a preserved snapshot (its difference to its parent) to a worktree's
 * files as uncommitted changes. Each file is looked at first: one already as
 * the snapshot has it (a setup command made the same `.env`, the same
 * `node_modules/.x`) is left alone; one still as the work was based on gets
 * the change; one that is neither is a real collision, named, and then
 * nothing at all is written. `git apply` checks every hunk before writing.
 */
export async function restorePreserved(repoPath: string, ref: string, targetPath: string): Promise<Result<{ files: string[] }, GitError>> {
  if (!ref.startsWith(PRESERVED_PREFIX) || ref.length === PRESERVED_PREFIX.length) {
    return err(gitError('invalid_name', 'invalid', `"${ref}" is not a preserved-work ref; expected ${PRESERVED_PREFIX}<session id>.`));
  }
  const resolved = await runGit(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: repoPath });
  if (!resolved.ok) return resolved;
  if (resolved.value.code !== 0) {
    return err(gitError('preserved_not_found', 'invalid', `No preserved work exists under ${ref}; it may have been restored and deleted already.`));
  }
  const commit = stripNewline(resolved.value.stdout.toString('utf8'));
  const fail = (stderr: string): GitError => classifyGitFailure(`read the preserved work ${ref}`, stderr);
  // Plumbing (diff-tree) ignores porcelain settings such as diff.noprefix or
  // external diff drivers that would produce a patch git apply cannot read.
  const range = [`${commit}^`, commit];
  const listed = await changesOf(repoPath, commit, fail);
  if (!listed.ok) return listed;
  const changes = listed.value;
  const files = changes.map((c) => c.path);
  if (files.length === 0) return ok({ files });

  const have = await blobIdsOf(targetPath, files);
  const skip = new Set<string>();
  const collisions: string[] = [];
  for (const c of changes) {
    const h = have.get(c.path) ?? null;
    if (h === null ? absent(c.post) : h === c.post) skip.add(c.path);
    else if (!(h === null ? absent(c.pre) : h === c.pre)) collisions.push(c.path);
  }
  if (collisions.length > 0) {
    const shown = collisions.slice(0, 10).join(', ') + (collisions.length > 10 ? ` and ${collisions.length - 10} more` : '');
    return err(
      gitError(
        'restore_conflict',
        'needs_you',
        `The preserved work ${ref} cannot be restored into "${targetPath}": ${shown} there differ${collisions.length === 1 ? 's' : ''} both from the version the work was based on and from the preserved one ` +
          '(made since, perhaps by the project\'s setup commands or by hand). Nothing was changed. Move those files aside (or commit them) and restore again, or restore into a new worktree.',
        collisions.join('\n'),
      ),
    );
  }
  if (skip.size === changes.length) return ok({ files });

  const patch = await runGit(['diff-tree', '-r', '-p', '--binary', '--no-renames', '--full-index', ...range], { cwd: repoPath });
  if (!patch.ok) return patch;
  if (patch.value.code !== 0) return err(fail(patch.value.stderr));
  let input: Buffer = patch.value.stdout;
  if (skip.size > 0) {
    // Parts come in diff-tree's path order, as the raw records did; a mismatch is never guessed at.
    const parts = splitPatch(patch.value.stdout.toString('latin1'));
    if (parts.length !== changes.length) return err(gitError('git_failed', 'needs_you', `Could not split the preserved work ${ref} by file (${parts.length} parts for ${changes.length} files); nothing was changed.`));
    input = Buffer.from(parts.filter((_, k) => !skip.has(changes[k]!.path)).join(''), 'latin1');
  }
  const apply = await runGit(['apply', '--whitespace=nowarn', '-'], { cwd: targetPath, input });
  if (!apply.ok) return apply;
  if (apply.value.code !== 0) {
    return err(
      gitError(
        'restore_conflict',
        'needs_you',
        `The preserved work ${ref} does not apply cleanly to "${targetPath}" (its files differ from the ones the work was based on); nothing was changed. ` +
          'Commit or stash the conflicting files there, or restore into a new worktree.',
        apply.value.stderr,
      ),
    );
  }
  return ok({ files });
}

/**
 * "Restore as new": a new worktree on a new branch made at the snapshot's
 * parent (where the work was based), with the work applied before anything
 * else (setup) runs in it, so nothing can collide.
 */
export async function restoreAsNewWorktree(ctx: RepoContext, input: { prefix: string; name: string; ref: string }): Promise<Result<CreatedWorktree & { files: string[] }, GitError>> {
  const parent = await runGit(['rev-parse', '--verify', '--quiet', `${input.ref}^{commit}^`], { cwd: ctx.repoPath });
  if (!parent.ok) return parent;
  if (parent.value.code !== 0) return err(gitError('preserved_not_found', 'invalid', `No preserved work exists under ${input.ref}; see the project's Preserved work list.`));
  const branch = branchNameFor(input.prefix, input.name);
  const taken = await runGit(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], { cwd: ctx.repoPath });
  if (!taken.ok) return taken;
  if (taken.value.code === 0) return err(gitError('path_in_use', 'needs_you', `A branch ${branch} already exists; choose another name for the restored worktree.`));
  const created = await createWorktree(ctx, { prefix: input.prefix, name: input.name, baseBranch: stripNewline(parent.value.stdout.toString('utf8')), role: 'worker' });
  if (!created.ok) return created;
  const restored = await restorePreserved(ctx.repoPath, input.ref, created.value.path);
  if (!restored.ok) return err({ ...restored.error, message: `The worktree "${created.value.path}" was created on ${created.value.branch}, but ${restored.error.message}` });
  return ok({ ...created.value, files: restored.value.files });
}
