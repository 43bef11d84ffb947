import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Result } from '../../shared/result';
import { copyIndexFile } from './scratch-index';
import { err, ok } from '../../shared/result';
import { classifyGitFailure, gitError, type GitError } from './errors';
import { git, runGit, stripNewline } from './exec';
import { validateRefComponent } from './names';

export const PRESERVED_PREFIX = 'refs/baton/preserved/';

export interface Preserved {
  ref: string;
  commit: string;
  /** Paths that differ from HEAD (modified, added, deleted, untracked), relative to the worktree. */
  files: string[];
  /** Nothing was uncommitted: the commit's tree equals HEAD's. */
  empty: boolean;
}

export interface PreservedEntry {
  sessionId: string;
  ref: string;
  commit: string;
  /** Committer date, ISO 8601 in UTC. */
  date: string;
  message: string;
}

// Preserved commits are snapshots taken by Baton, not authored by the user; a
// fixed identity also works on machines where no git identity is configured.
// Signing is off so a configured gpg prompt cannot hang an unattended release.
const SNAPSHOT_IDENTITY = ['-c', 'user.name=Baton', '-c', 'user.email=baton@localhost'];

export interface StatusSummary {
  head: string;
  branch: string | null;
  dirty: boolean;
}

export async function statusSummary(worktreePath: string): Promise<Result<StatusSummary, GitError>> {
  // --no-optional-locks: plain `status` rewrites the worktree's index to refresh
  // stat data, which would both touch the index and race an agent's own git.
  const out = await git(
    ['--no-optional-locks', 'status', '--porcelain=v2', '--branch', '-z', '--untracked-files=normal'],
    { cwd: worktreePath },
    (stderr) =>
      /not a git repository/i.test(stderr)
        ? gitError(
            'not_a_worktree',
            'invalid',
            `"${worktreePath}" is not a working git worktree (its registration may be gone); nothing can be preserved from it.`,
            stderr,
          )
        : classifyGitFailure(`read the status of "${worktreePath}"`, stderr, worktreePath),
  );
  if (!out.ok) return out;
  let head: string | null = null;
  let branch: string | null = null;
  let dirty = false;
  for (const field of out.value.split('\0')) {
    if (field === '') continue;
    if (!dirty && field.startsWith('# ')) {
      if (field.startsWith('# branch.oid ')) head = field.slice('# branch.oid '.length);
      if (field.startsWith('# branch.head ')) branch = field.slice('# branch.head '.length);
      continue;
    }
    dirty = true;
    break;
  }
  if (head === null || head === '(initial)') {
    return err(
      gitError('no_commits', 'needs_you', `The worktree "${worktreePath}" has no commit checked out; nothing to base a snapshot on.`),
    );
  }
  return ok({ head, branch: branch === '(detached)' ? null : branch, dirty });
}

/** The worktree's own index file, found through its `.git` file (or directory for the main worktree). */
async function worktreeIndexPath(worktreePath: string): Promise<string | null> {
  const dotGit = path.join(worktreePath, '.git');
  try {
    const info = await stat(dotGit);
    if (info.isDirectory()) return path.join(dotGit, 'index');
    const match = /^gitdir: (.+)$/m.exec(await readFile(dotGit, 'utf8'));
    return match?.[1] ? path.join(path.resolve(worktreePath, match[1].trim()), 'index') : null;
  } catch {
    return null;
  }
}

/**
 * Builds the tree of everything in the working tree except ignored files, in
 * a throwaway index so the worktree's own index and files stay untouched.
 */
async function snapshotTree(worktreePath: string, head: string): Promise<Result<{ tree: string; files: string[] }, GitError>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'baton-preserve-'));
  const indexFile = path.join(dir, 'index');
  const env = { GIT_INDEX_FILE: indexFile };
  const fail = (stderr: string): GitError =>
    classifyGitFailure(`save the uncommitted work of "${worktreePath}"`, stderr, worktreePath);
  try {
    // Starting from a copy of the real index keeps its stat data, so `add -A`
    // only hashes files that changed instead of every file in the worktree.
    const source = await worktreeIndexPath(worktreePath);
    const copied = source !== null && (await copyIndexFile(source, indexFile));
    if (!copied) {
      const read = await git(['read-tree', head], { cwd: worktreePath, env }, fail);
      if (!read.ok) return read;
    }
    const add = await git(['add', '--all', '--', '.'], { cwd: worktreePath, env }, fail);
    if (!add.ok) return add;
    const tree = await git(['write-tree'], { cwd: worktreePath, env }, fail);
    if (!tree.ok) return tree;
    const names = await git(
      ['diff-index', '--cached', '--name-only', '-z', '--no-renames', head, '--'],
      { cwd: worktreePath, env },
      fail,
    );
    if (!names.ok) return names;
    return ok({ tree: stripNewline(tree.value), files: names.value.split('\0').filter((n) => n.length > 0) });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Records the worktree's uncommitted work as a commit on top of its HEAD under
 * `refs/baton/preserved/<sessionId>`, overwriting an earlier snapshot. The ref
 * is written even when nothing is uncommitted so later steps can rely on it.
 */
export async function preserveWorktree(
  repoPath: string,
  worktreePath: string,
  sessionId: string,
  /** The worktree's status when the caller already started reading it. */
  pendingStatus?: Promise<Result<StatusSummary, GitError>>,
  /** Whose work this is, for the commit message people read in Preserved work ("session 74f9… (Fix login)"); `session <sessionId>` by default. */
  owner?: string,
): Promise<Result<Preserved, GitError>> {
  const id = await validateRefComponent(sessionId, 'session id');
  if (!id.ok) return id;
  const ref = `${PRESERVED_PREFIX}${sessionId}`;
  const status = await (pendingStatus ?? statusSummary(worktreePath));
  if (!status.ok) return status;
  const { head, branch, dirty } = status.value;

  let tree = `${head}^{tree}`;
  let files: string[] = [];
  if (dirty) {
    const snapshot = await snapshotTree(worktreePath, head);
    if (!snapshot.ok) return snapshot;
    tree = snapshot.value.tree;
    files = snapshot.value.files;
  }

  const message = `Baton: uncommitted work of ${owner ?? `session ${sessionId}`}\n\nWorktree: ${worktreePath}\nBranch: ${branch ?? '(detached HEAD)'}\n`;
  const fail = (stderr: string): GitError => classifyGitFailure(`record the preserved work under ${ref}`, stderr, worktreePath);
  const commit = await git(
    [...SNAPSHOT_IDENTITY, 'commit-tree', '--no-gpg-sign', tree, '-p', head, '-m', message],
    { cwd: repoPath },
    fail,
  );
  if (!commit.ok) return commit;
  const sha = stripNewline(commit.value);
  // The reflog keeps every earlier snapshot of this session: preserving again
  // overwrites the ref, and a worktree damaged by an interrupted removal must
  // not be able to replace the good snapshot without trace.
  const update = await git(['update-ref', '--create-reflog', '-m', 'baton: preserve', ref, sha], { cwd: repoPath }, fail);
  if (!update.ok) return update;
  return ok({ ref, commit: sha, files, empty: files.length === 0 });
}

export async function refExists(repoPath: string, ref: string): Promise<Result<boolean, GitError>> {
  const run = await runGit(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: repoPath });
  if (!run.ok) return run;
  return ok(run.value.code === 0);
}

export async function listPreservedRefs(repoPath: string): Promise<Result<PreservedEntry[], GitError>> {
  const out = await git(
    ['for-each-ref', '--format=%(refname)%00%(objectname)%00%(committerdate:iso-strict)%00%(contents:subject)', PRESERVED_PREFIX],
    { cwd: repoPath },
    (stderr) => classifyGitFailure('list the preserved work', stderr),
  );
  if (!out.ok) return out;
  const entries: PreservedEntry[] = [];
  for (const line of out.value.split('\n')) {
    const [ref, commit, date, message] = line.split('\0');
    if (!ref || !commit || date === undefined) continue;
    entries.push({
      sessionId: ref.slice(PRESERVED_PREFIX.length),
      ref,
      commit,
      date: new Date(date).toISOString(),
      message: message ?? '',
    });
  }
  return ok(entries);
}
