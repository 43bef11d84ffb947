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
