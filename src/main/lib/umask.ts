/**
 * Baton's own files are private (umask 077, ADR 0011), but what agents and
 * setup commands create in a worktree is the user's code and keeps the
 * user's own umask. The first call records the umask Baton was started with.
 */
let original: number | null = null;

export function privateUmask(): void {
  if (process.platform === 'win32') return;
  const prev = process.umask(0o077);
  original ??= prev;
}

/** The umask Baton was started with (077 if it never went private, e.g. a test calling a domain directly). */
export function userUmask(): number {
  return original ?? process.umask();
}

/** Runs `fn` (a synchronous spawn: the child inherits the umask at fork) under the user's umask. */
export function withUserUmask<T>(fn: () => T): T {
  if (process.platform === 'win32' || original === null) return fn();
  const prev = process.umask(original);
  try {
    return fn();
  } finally {
    process.umask(prev);
  }
}
