/** What launching a session host and a terminal host have in common: finding the built script, its socket, killing a host that never came up. */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where a built host script is: `envVar` if set, else beside the main bundle, one level up from a chunk, or out/main from the sources (tests). */
export function findHostScript(envVar: string, file: string): string | null {
  const fromEnv = process.env[envVar];
  if (fromEnv) return fromEnv;
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, file), join(here, '..', file), resolve(here, '../../../out/main', file)];
  return candidates.find((p) => existsSync(p)) ?? null;
}

/** The host's socket exists (on Windows a named pipe cannot be stat'ed: taken as ready). */
export function socketReady(path: string): boolean {
  if (process.platform === 'win32') return true;
  try {
    return statSync(path).isSocket();
  } catch {
    return false;
  }
}

export function tryKill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
