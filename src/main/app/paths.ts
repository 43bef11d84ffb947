import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { registeredDataDirs } from './instance-registry';
import { runningInstance } from './instance';

/** `--data-dir`, then BATON_HOME, then the platform default (Electron passes its userData). */
export function resolveDataDir(explicit?: string, fallback?: string): string {
  if (explicit) return resolve(explicit);
  const env = process.env.BATON_HOME;
  if (env) return resolve(env);
  return fallback ?? join(homedir(), '.baton');
}

export const databasePath = (dataDir: string): string => join(dataDir, 'baton.db');

/** Where the desktop app keeps its data (Electron's userData for the product name "Baton"), computed without Electron. */
export function desktopDataDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Baton');
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Baton');
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Baton');
}

/**
 * For tools outside the app (the `baton` command): `--data-dir`, then
 * BATON_HOME; else the data of a running Baton: on a default dir (its lock
 * entry, or an older app's control.json), else the only one running anywhere
 * (one started with BATON_HOME, found through the per-user registry); else
 * whichever of the two defaults holds a database, else `~/.baton`.
 */
export function resolveClientDataDir(explicit?: string): string {
  if (explicit || process.env.BATON_HOME) return resolveDataDir(explicit);
  const candidates = [join(homedir(), '.baton'), desktopDataDir()];
  const running = candidates.find((d) => runningInstance(d) !== null) ?? candidates.find((d) => existsSync(join(d, 'control.json')));
  if (running) return running;
  // More than one elsewhere is not guessed between: the defaults decide, and --data-dir picks.
  const elsewhere = registeredDataDirs();
  if (elsewhere.length === 1) return elsewhere[0] as string;
  return candidates.find((d) => existsSync(databasePath(d))) ?? (candidates[0] as string);
}
