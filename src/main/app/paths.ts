import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

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
 * BATON_HOME; else the data of a running Baton (desktop or browser mode, found
 * by its control.json), else whichever of the two defaults holds a database,
 * else `~/.baton`.
 */
export function resolveClientDataDir(explicit?: string): string {
  if (explicit || process.env.BATON_HOME) return resolveDataDir(explicit);
  const candidates = [join(homedir(), '.baton'), desktopDataDir()];
  return candidates.find((d) => existsSync(join(d, 'control.json'))) ?? candidates.find((d) => existsSync(databasePath(d))) ?? (candidates[0] as string);
}
