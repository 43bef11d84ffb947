import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AppError, Result } from '../../shared/result';
import { copyIndexFile } from './scratch-index';
import { err, ok } from '../../shared/result';
import { classifyGitFailure, gitError } from './errors';
import { git, runGit, stripNewline } from './exec';

export type DiffStatus = 'added' | 'modified' | 'deleted' | 'renamed' | 'copied' | 'type_changed';

/** Why a file's patch is not in the answer, though the file is listed. */
export type OmittedReason = 'binary' | 'too_large' | 'patch_budget' | 'stat_only';

export interface DiffFile {
  path: string;
  /** The path before a rename or copy, else null. */
  oldPath: string | null;
  status: DiffStatus;
  binary: boolean;
  /** Null for binary files, where git counts no lines. */
  additions: number | null;
  deletions: number | null;
  /** The file's part of the patch, or null with the reason. */
  patch: string | null;
  omitted: OmittedReason | null;
}

export interface WorktreeDiff {
  /** The commit the working tree is compared with (merge-base, HEAD, or a turn snapshot). */
  from: string;
  head: string;
  files: DiffFile[];
  additions: number;
  deletions: number;
  /** Some patches were left out to stay under the byte budget. */
  truncated: boolean;
}

export interface DiffLimits {
  /** A file whose working copy is bigger than this is listed without its patch. */
  maxFileBytes: number;
  /** A file with more changed lines than this is listed without its patch. */
  maxFileLines: number;
  /** The whole answer's patch text stops growing past this. */
  maxPatchBytes: number;
}

export const DEFAULT_DIFF_LIMITS: DiffLimits = { maxFileBytes: 1024 * 1024, maxFileLines: 20_000, maxPatchBytes: 2 * 1024 * 1024 };

// Plumbing (diff-index) reads none of the porcelain diff settings (external
// drivers, noprefix, colour), so the output has one shape on every machine.
export const DIFF_ARGS = ['-M', '--no-textconv', '--no-ext-diff', '--no-color', '--full-index'];

const STATUS: Record<string, DiffStatus> = { A: 'added', M: 'modified', D: 'deleted', R: 'renamed', C: 'copied', T: 'type_changed' };

/** The worktree's own index file (the main one's, or `.git/worktrees/<name>/index`). */
async function indexPath(worktreePath: string): Promise<Result<string, AppError>> {
  const r = await git(['rev-parse', '--path-format=absolute', '--git-path', 'index'], { cwd: worktreePath }, (stderr) =>
    classifyGitFailure(`find the index of "${worktreePath}"`, stderr, worktreePath),
  );
  return r.ok ? ok(stripNewline(r.value)) : r;
}

/**
 * Runs `fn` with GIT_INDEX_FILE pointing at a copy of the worktree's index to
 * which the whole working tree has been added (untracked files included,
 * ignored ones not), so `diff-index --cached` compares exact blobs: a file
 * merely touched, or untracked but equal to the other side, is no change.
 * The real index is never written.
 */
async function withScratchIndex<T>(
  worktreePath: string,
  head: string,
  fn: (env: Record<string, string>) => Promise<Result<T, AppError>>,
  index?: Result<string, AppError>,
): Promise<Result<T, AppError>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'baton-diff-'));
  const env = { GIT_INDEX_FILE: path.join(dir, 'index') };
  try {
    const source = index ?? (await indexPath(worktreePath));
    // A copy keeps the stat data, so git only re-reads files that changed.
    const copied = source.ok && (await copyIndexFile(source.value, env.GIT_INDEX_FILE));
    const fail = (stderr: string) => classifyGitFailure(`read the changes of "${worktreePath}"`, stderr, worktreePath);
    if (!copied) {
      const read = await git(['read-tree', head], { cwd: worktreePath, env }, fail);
      if (!read.ok) return read;
    }
    const add = await git(['add', '--all', '--', '.'], { cwd: worktreePath, env }, fail);
    if (!add.ok) return add;
    return await fn(env);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface RawEntry {
  status: DiffStatus;
  path: string;
  oldPath: string | null;
}

/** Parses `--raw --numstat -z`: every raw record first, then every numstat record, in the same order. */
export function parseRawNumstat(out: string): { path: string; oldPath: string | null; status: DiffStatus; additions: number | null; deletions: number | null }[] {
  const f = out.split('\0');
  const raw: RawEntry[] = [];
  let i = 0;
  while (i < f.length && f[i]!.startsWith(':')) {
    const letter = f[i]!.split(' ')[4]?.[0] ?? 'M';
    const status = STATUS[letter] ?? 'modified';
    if (letter === 'R' || letter === 'C') {
      raw.push({ status, oldPath: f[i + 1] ?? '', path: f[i + 2] ?? '' });
      i += 3;
    } else {
      raw.push({ status, oldPath: null, path: f[i + 1] ?? '' });
      i += 2;
    }
  }
  const counts: { additions: number | null; deletions: number | null }[] = [];
  while (i < f.length && counts.length < raw.length) {
    const [a, d, name] = f[i]!.split('\t');
    counts.push({ additions: a === '-' ? null : Number(a), deletions: d === '-' ? null : Number(d) });
    // A rename's numstat record has an empty name followed by the old and the new path.
    i += name === '' ? 3 : 1;
  }
  return raw.map((r, k) => ({ ...r, additions: counts[k]?.additions ?? null, deletions: counts[k]?.deletions ?? null }));
}

/** Splits a multi-file patch at each `diff --git` header, in git's order. */
export function splitPatch(patch: string): string[] {
  if (patch.length === 0) return [];
  const parts = patch.split(/^(?=diff --git )/m);
  return parts.filter((p) => p.startsWith('diff --git '));
}

export const literal = (p: string) => `:(top,literal,exclude)${p}`;

export interface DiffRequest {
  worktreePath: string;
  /** The commit to compare the working tree (committed, staged, unstaged and untracked) with; or its lookup, still under way (read beside the diff's own first gits). */
  from: string | Promise<Result<string, AppError>>;
  /** Only the file list and counts, no patch. */
  statOnly?: boolean;
  limits?: Partial<DiffLimits>;
}

/**
 * The worktree's changes against `from`, entirely from git: the file list with status (`--raw`, rename
 * detection) and the patch of every file side by side, each file's counts taken from its part of the patch, so
 * git computes the diff once (not once for `--numstat` and again for `-p`). Only the files whose part says
 * "Binary files differ" (a real binary, or a side over the size limit, which git then treats as binary) are
 * asked again with `--numstat`, to tell the two apart and count the large one's lines.
 */
export async function diffWorktree(req: DiffRequest): Promise<Result<WorktreeDiff, AppError>> {
  const limits = { ...DEFAULT_DIFF_LIMITS, ...req.limits };
  const cwd = req.worktreePath;
  // The small gits at once rather than one after the other: each is a process start on the open's path.
  const [head, index, base] = await Promise.all([revParse(cwd, 'HEAD'), indexPath(cwd), typeof req.from === 'string' ? ok(req.from) : req.from]);
  if (!base.ok) return base;
  if (!head.ok) return head;
  const from = base.value;
  return withScratchIndex(cwd, head.value, async (env) => {
    const fail = (stderr: string) => classifyGitFailure(`read the changes of "${cwd}"`, stderr, cwd);
    const counts = (extra: string[], paths: string[] = []) =>
      git(['diff-index', '--cached', ...DIFF_ARGS, '--raw', '--numstat', '-z', ...extra, from, '--', ...paths], { cwd, env }, fail);
    if (req.statOnly) {
      const listed = await counts([]);
      if (!listed.ok) return listed;
      const files = parseRawNumstat(listed.value).map((e): DiffFile => ({ ...e, binary: e.additions === null, patch: null, omitted: 'stat_only' }));
      return ok({ from, head: head.value, files, ...totals(files), truncated: false });
    }
    // The list and the patch side by side (two cores): the list is cheap (no line diffs), the patch is the one diff
    // pass. Past maxFileBytes git itself treats a side as binary here (core.bigFileThreshold), so no huge file's
    // lines are ever produced.
    const patchRun = runGit(['-c', `core.bigFileThreshold=${limits.maxFileBytes}`, 'diff-index', '--cached', ...DIFF_ARGS, '-p', from, '--', '.'], { cwd, env });
    const listed = await git(['diff-index', '--cached', ...DIFF_ARGS, '--raw', '-z', from, '--'], { cwd, env }, fail);
    if (!listed.ok) {
      await patchRun;
      return listed;
    }
    const entries = parseRawNumstat(listed.value);
    const run = await patchRun;
    if (!run.ok) return run;
    if (run.value.code !== 0) return err(fail(run.value.stderr));
    const all = splitPatch(run.value.stdout.toString('utf8'));
    if (all.length !== entries.length) {
      // Never pair a patch with the wrong file: say it could not be split instead.
      return err(gitError('git_failed', 'needs_you', `Could not split the patch of "${cwd}" by file (${all.length} parts for ${entries.length} files); the file list is still right, ask for --stat.`));
    }
    // Both runs list the files in git's one order: each part goes to its file.
    const tallies = all.map(tallyPatch);
    const unsure = entries.filter((_, k) => tallies[k]!.binary);
    let recount = new Map<string, { additions: number | null; deletions: number | null }>();
    if (unsure.length > 0) {
      // Rare (binary files, files over the size limit): git's own count, without the size limit, for just these paths.
      const again = await counts([], unsure.flatMap((e) => (e.oldPath ? [literalPath(e.oldPath), literalPath(e.path)] : [literalPath(e.path)])));
      if (!again.ok) return again;
      recount = new Map(parseRawNumstat(again.value).map((e) => [e.path, e]));
    }
    const files = entries.map((e, k): DiffFile => {
      const t = tallies[k]!;
      const c = t.binary ? (recount.get(e.path) ?? { additions: null, deletions: null }) : t;
      const binary = c.additions === null;
      let omitted: OmittedReason | null = binary ? 'binary' : null;
      // Text by git's own count but binary in the patch: a side is over maxFileBytes.
      if (!omitted && t.binary) omitted = 'too_large';
      if (!omitted && (c.additions ?? 0) + (c.deletions ?? 0) > limits.maxFileLines) omitted = 'too_large';
      return { ...e, additions: c.additions, deletions: c.deletions, binary, patch: null, omitted };
    });
    const wanted = files.filter((f) => f.omitted === null);
    const parts = all.filter((_, k) => files[k]!.omitted === null);
    const truncated = attachPatches(wanted, parts, limits.maxPatchBytes);
    return ok({ from, head: head.value, files, ...totals(files), truncated });
  }, index);
}

/** A path as itself in a pathspec (no globbing, from the top). */
const literalPath = (p: string) => `:(top,literal)${p}`;

/**
 * One file's part of a patch, counted as `--numstat` counts it: the added and removed lines of its hunks
 * (a line of a hunk that reads "--- x" is a removed "-- x", so only what follows the first hunk header counts).
 * `binary` when git wrote "Binary files … differ" instead of hunks.
 */
export function tallyPatch(part: string): { additions: number; deletions: number; binary: boolean } {
  const first = part.startsWith('@@') ? 0 : part.indexOf('\n@@');
  if (first < 0) return { additions: 0, deletions: 0, binary: /^Binary files .* differ$/m.test(part) };
  let additions = 0;
  let deletions = 0;
  let at = first === 0 ? 0 : first + 1;
  while (at < part.length) {
    const c = part.charCodeAt(at);
    if (c === 43 /* + */) additions++;
    else if (c === 45 /* - */) deletions++;
    const nl = part.indexOf('\n', at);
    if (nl < 0) break;
    at = nl + 1;
  }
  return { additions, deletions, binary: false };
}

const totals = (files: DiffFile[]) => ({ additions: sum(files, 'additions'), deletions: sum(files, 'deletions') });

const sum = (files: DiffFile[], k: 'additions' | 'deletions') => files.reduce((n, f) => n + (f[k] ?? 0), 0);

export async function revParse(cwd: string, rev: string): Promise<Result<string, AppError>> {
  const r = await runGit(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { cwd });
  if (!r.ok) return r;
  if (r.value.code !== 0) return err(gitError('not_found', 'invalid', `"${rev}" does not name a commit in "${cwd}".`, r.value.stderr));
  return ok(stripNewline(r.value.stdout.toString('utf8')));
}

/** Where the branch left `base`: the commit the session's work is compared with. */
export async function mergeBase(cwd: string, a: string, b: string): Promise<Result<string, AppError>> {
  const r = await runGit(['merge-base', a, b], { cwd });
  if (!r.ok) return r;
  if (r.value.code !== 0) {
    return err(gitError('base_not_found', 'needs_you', `"${a}" and "${b}" share no history in "${cwd}"; check the session's base branch.`, r.value.stderr));
  }
  return ok(stripNewline(r.value.stdout.toString('utf8')));
}

// Snapshots are Baton's bookkeeping, not the user's commits: a fixed identity, no signing, no hooks.
const SNAPSHOT_IDENTITY = ['-c', 'user.name=Baton', '-c', 'user.email=baton@localhost'];

/**
 * Records the whole working tree (untracked files included, ignored ones
 * not) as a commit on top of HEAD under `ref`, through a scratch index:
 * what `since_turn` diffs against. The worktree and its index are untouched.
 */
export async function snapshotWorktree(worktreePath: string, ref: string, message: string): Promise<Result<string, AppError>> {
  const head = await revParse(worktreePath, 'HEAD');
  if (!head.ok) return head;
  const dir = await mkdtemp(path.join(tmpdir(), 'baton-snap-'));
  const env = { GIT_INDEX_FILE: path.join(dir, 'index') };
  const fail = (stderr: string) => classifyGitFailure(`snapshot "${worktreePath}"`, stderr, worktreePath);
  try {
    const source = await indexPath(worktreePath);
    const copied = source.ok && (await copyIndexFile(source.value, env.GIT_INDEX_FILE));
    if (!copied) {
      const read = await git(['read-tree', head.value], { cwd: worktreePath, env }, fail);
      if (!read.ok) return read;
    }
    const add = await git(['add', '--all', '--', '.'], { cwd: worktreePath, env }, fail);
    if (!add.ok) return add;
    const tree = await git(['write-tree'], { cwd: worktreePath, env }, fail);
    if (!tree.ok) return tree;
    const commit = await git([...SNAPSHOT_IDENTITY, 'commit-tree', '--no-gpg-sign', stripNewline(tree.value), '-p', head.value, '-F', '-'], { cwd: worktreePath, input: message }, fail);
    if (!commit.ok) return commit;
    const sha = stripNewline(commit.value);
    const update = await git(['update-ref', '-m', 'baton: turn snapshot', ref, sha], { cwd: worktreePath }, fail);
    return update.ok ? ok(sha) : update;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Gives each wanted file its part of the patch, in order, until the byte budget runs out; from then on a
 * file is marked `patch_budget` (listed, patch omitted). Returns whether any was left out.
 */
export function attachPatches(wanted: Array<{ omitted: string | null; patch?: string | null }>, parts: readonly string[], maxBytes: number): boolean {
  let budget = maxBytes;
  let truncated = false;
  wanted.forEach((f, k) => {
    const p = parts[k] ?? '';
    if (Buffer.byteLength(p) > budget) {
      f.omitted = 'patch_budget';
      truncated = true;
      budget = 0;
      return;
    }
    budget -= Buffer.byteLength(p);
    f.patch = p;
  });
  return truncated;
}
