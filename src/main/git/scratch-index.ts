import { copyFile, stat, utimes } from 'node:fs/promises';

/**
 * Copies a worktree's index for a scratch index (so `add -A` re-hashes only
 * what changed), keeping the index file's own times: git treats an entry as
 * "racily clean" — and re-reads the file — only when the entry is not older
 * than the index file. A copy stamped "now" would make a same-size change in
 * that second look clean and leave it out of a snapshot or a diff.
 */
export async function copyIndexFile(source: string, target: string): Promise<boolean> {
  try {
    const times = await stat(source);
    await copyFile(source, target);
    await utimes(target, times.atime, times.mtime);
    return true;
  } catch {
    return false;
  }
}
