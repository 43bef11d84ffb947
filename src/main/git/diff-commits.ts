import type { AppError, Result } from '../../shared/result';
import { err, ok } from '../../shared/result';
import { attachPatches, DEFAULT_DIFF_LIMITS, DIFF_ARGS, literal, parseRawNumstat, splitPatch, type DiffFile, type DiffLimits, type OmittedReason, type WorktreeDiff } from './diff';
import { classifyGitFailure, gitError } from './errors';
import { git, runGit } from './exec';

/**
 * Two commits' difference in the shape of a worktree diff (same guards, same
 * per-file patches): what "Open previous work" shows of a preserved snapshot,
 * which has no worktree any more. Reads only the object database.
 */
export async function diffCommits(req: { repoPath: string; from: string; to: string; statOnly?: boolean; limits?: Partial<DiffLimits> }): Promise<Result<WorktreeDiff, AppError>> {
  const limits = { ...DEFAULT_DIFF_LIMITS, ...req.limits };
  const cwd = req.repoPath;
  const fail = (stderr: string) => classifyGitFailure(`read the changes between ${req.from.slice(0, 12)} and ${req.to.slice(0, 12)}`, stderr);
  const listed = await git(['diff-tree', '-r', ...DIFF_ARGS, '--raw', '--numstat', '-z', req.from, req.to, '--'], { cwd }, fail);
  if (!listed.ok) return listed;
  const entries = parseRawNumstat(listed.value);
  const sizes = await blobSizes(cwd, req.to, entries.filter((e) => e.status !== 'deleted').map((e) => e.path));
  const files: DiffFile[] = entries.map((e) => {
    const binary = e.additions === null;
    let omitted: OmittedReason | null = req.statOnly ? 'stat_only' : binary ? 'binary' : null;
    if (!omitted && (e.additions ?? 0) + (e.deletions ?? 0) > limits.maxFileLines) omitted = 'too_large';
    if (!omitted && (sizes.get(e.path) ?? 0) > limits.maxFileBytes) omitted = 'too_large';
    return { ...e, binary, patch: null, omitted };
  });
  const totals = { additions: files.reduce((n, f) => n + (f.additions ?? 0), 0), deletions: files.reduce((n, f) => n + (f.deletions ?? 0), 0) };
  const wanted = files.filter((f) => f.omitted === null);
  if (wanted.length === 0) return ok({ from: req.from, head: req.to, files, ...totals, truncated: false });
  const excluded = files.filter((f) => f.omitted !== null).flatMap((f) => (f.oldPath ? [f.path, f.oldPath] : [f.path]));
  const run = await runGit(['diff-tree', '-r', ...DIFF_ARGS, '-p', req.from, req.to, '--', '.', ...excluded.map(literal)], { cwd });
  if (!run.ok) return run;
  if (run.value.code !== 0) return err(fail(run.value.stderr));
  const parts = splitPatch(run.value.stdout.toString('utf8'));
  if (parts.length !== wanted.length) {
    return err(gitError('git_failed', 'needs_you', `Could not split the patch between ${req.from.slice(0, 12)} and ${req.to.slice(0, 12)} by file (${parts.length} parts for ${wanted.length} files); ask for the stat only.`));
  }
  const truncated = attachPatches(wanted, parts, limits.maxPatchBytes);
  return ok({ from: req.from, head: req.to, files, ...totals, truncated });
}

/** Blob sizes of the given paths in a commit, one `cat-file --batch-check` for all (no argument-length limit). */
async function blobSizes(cwd: string, commit: string, paths: string[]): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  if (paths.length === 0) return sizes;
  const r = await runGit(['cat-file', '--batch-check=%(objectsize)'], { cwd, input: paths.map((p) => `${commit}:${p}`).join('\n') + '\n' });
  if (!r.ok || r.value.code !== 0) return sizes;
  const lines = r.value.stdout.toString('utf8').split('\n');
  paths.forEach((p, i) => {
    const n = Number(lines[i]);
    sizes.set(p, Number.isFinite(n) ? n : 0);
  });
  return sizes;
}
