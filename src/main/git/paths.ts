import { realpath } from 'node:fs/promises';
import path from 'node:path';
import type { Result } from '../../shared/result';
import { err, ok } from '../../shared/result';
import { gitError, type GitError } from './errors';

/**
 * Checks one directory name chosen by a caller (a session prefix or a worktree
 * name). Separators and `..` are reported as `path_escape` because they are
 * attempts to leave the directory, the rest as `invalid_name`.
 */
export function validatePathSegment(segment: string, what: string): Result<string, GitError> {
  if (segment.length === 0 || segment.trim().length === 0) {
    return err(gitError('invalid_name', 'invalid', `The ${what} is empty; give it a name.`));
  }
  if (segment.includes('\0')) {
    return err(gitError('invalid_name', 'invalid', `The ${what} contains a NUL character; remove it.`));
  }
  if (/[/\\]/.test(segment) || segment === '..') {
    return err(
      gitError(
        'path_escape',
        'invalid',
        `The ${what} "${segment}" contains "/", "\\" or "..", which could point outside Baton's worktree folder; use a plain name.`,
      ),
    );
  }
  if (segment.includes('..')) {
    return err(gitError('invalid_name', 'invalid', `The ${what} "${segment}" contains "..", which git does not allow in branch names.`));
  }
  if (segment.startsWith('.')) {
    return err(
      gitError('invalid_name', 'invalid', `The ${what} "${segment}" starts with a dot (a hidden folder); remove the dot.`),
    );
  }
  return ok(segment);
}

/**
 * Resolves symlinks in `p` even when its tail does not exist yet: the deepest
 * existing ancestor is realpath'd and the missing segments appended, so a
 * symlinked parent cannot smuggle a future directory elsewhere.
 */
export async function realpathDeep(p: string): Promise<string> {
  const missing: string[] = [];
  let current = path.resolve(p);
  for (;;) {
    try {
      const real = await realpath(current);
      return path.join(real, ...missing.reverse());
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // ENOTDIR: an ancestor is a file; what lies below it cannot exist either.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
      const parent = path.dirname(current);
      if (parent === current) return path.join(current, ...missing.reverse());
      missing.push(path.basename(current));
      current = parent;
    }
  }
}

export function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel.length > 0 && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/** Resolves `p` and requires it to lie strictly under `realRoot` (already realpath'd). */
export async function resolveUnder(p: string, realRoot: string): Promise<Result<string, GitError>> {
  if (!path.isAbsolute(p)) {
    return err(gitError('invalid_path', 'invalid', `The path "${p}" is not absolute; pass a full path.`));
  }
  const real = await realpathDeep(p);
  if (!isInside(real, realRoot)) {
    return err(
      gitError(
        'path_escape',
        'invalid',
        `The path "${p}" resolves to "${real}", which is outside Baton's worktree folder "${realRoot}". ` +
          'Baton only manages worktrees it created there; check for a symlink or a wrong path.',
      ),
    );
  }
  return ok(real);
}

/** Same file-system location, comparing realpaths when both exist. */
export async function samePath(a: string, b: string): Promise<boolean> {
  if (path.resolve(a) === path.resolve(b)) return true;
  const [ra, rb] = await Promise.all([realpathDeep(a), realpathDeep(b)]);
  return ra === rb;
}
