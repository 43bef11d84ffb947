import { chmodSync, lstatSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fail, ok, type Result } from '../../shared/result';

/**
 * The data dir holds project secrets (the database), agents' transcripts
 * (journals) and the control socket, so it is private: 0700, and every file
 * Baton keeps in it 0600 (ADR 0011). New files get that from the process
 * umask (set by each entry point with `privateUmask`, lib/umask.ts); this mends what an
 * older Baton, another tool or a loose umask left behind.
 */
export { privateUmask } from '../lib/umask';

/** Our own trees: everything below is Baton's and is made private. The worktrees are the user's code: only their folder is closed. */
const OWN_TREES = new Set(['sessions', 'baton.lock']);

export function secureDataDir(dataDir: string): Result<void> {
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (e) {
    return fail('data_dir_unusable', `Cannot create the data directory ${dataDir} (${codeOf(e)}); pick another with --data-dir or BATON_HOME.`);
  }
  if (process.platform === 'win32') return ok(undefined);
  const st = statSync(dataDir);
  const uid = typeof process.getuid === 'function' ? process.getuid() : st.uid;
  if (st.uid !== uid) return fail('data_dir_unsafe', `The data directory ${dataDir} belongs to another user (uid ${st.uid}); pick your own with --data-dir or BATON_HOME.`);
  try {
    chmodSync(dataDir, 0o700);
  } catch (e) {
    return fail('data_dir_unsafe', `Cannot make the data directory ${dataDir} private (chmod 0700: ${codeOf(e)}); fix its owner or permissions, or pick another with --data-dir.`);
  }
  const bad: string[] = [];
  // Another Baton starting on this dir at the same moment writes its lock entry aside and renames it: an entry
  // listed here may be gone when it is read or changed. Gone, it has nothing to make private.
  const fix = (path: string, mode: number): void => {
    try {
      chmodSync(path, mode);
    } catch (e) {
      if (codeOf(e) !== 'ENOENT') bad.push(`${path} (${codeOf(e)})`);
    }
  };
  const gone = <T>(read: () => T): T | null => {
    try {
      return read();
    } catch (e) {
      if (codeOf(e) === 'ENOENT') return null;
      throw e;
    }
  };
  const walk = (dir: string, deep: boolean): void => {
    for (const name of gone(() => readdirSync(dir)) ?? []) {
      const path = join(dir, name);
      const l = gone(() => lstatSync(path));
      if (!l) continue;
      // A symlink's target is not ours to change.
      if (l.isSymbolicLink()) continue;
      if (l.isDirectory()) {
        if ((l.mode & 0o777) !== 0o700) fix(path, 0o700);
        if (deep || OWN_TREES.has(name)) walk(path, true);
      } else if ((l.mode & 0o777) !== 0o600) {
        fix(path, 0o600);
      }
    }
  };
  walk(dataDir, false);
  if (bad.length) {
    return fail('data_dir_unsafe', `Cannot make ${bad.length} file(s) in ${dataDir} private, e.g. ${bad[0]}; they may belong to another user (fix with chown), then start again.`);
  }
  return ok(undefined);
}

const codeOf = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
