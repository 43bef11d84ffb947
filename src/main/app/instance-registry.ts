import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { ensurePrivateDir } from '../control/claim';
import { isPidAlive, processStartTime } from '../host/proc';

/**
 * Where a `baton` command with no --data-dir and no BATON_HOME finds a Baton
 * started with BATON_HOME set elsewhere: one pointer per running instance in
 * `~/.baton/running/`, private to this user. Only pointers; the data dir's own
 * baton.lock entry stays the truth.
 */
function registryDir(create: boolean): string | null {
  if (process.platform === 'win32') return null;
  const dir = join(homedir(), '.baton', 'running');
  // Looking creates nothing: a `baton` command must not leave a ~/.baton behind.
  if (!create) return existsSync(dir) ? dir : null;
  try {
    return ensurePrivateDir(dirname(dir)) === null && ensurePrivateDir(dir) === null ? dir : null;
  } catch {
    return null;
  }
}

interface Pointer {
  dataDir: string;
  pid: number;
  startTime: string;
}

const pointerName = (dataDir: string): string => `${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}.json`;

/** Best effort: a Baton that cannot register still runs; only discovery without --data-dir misses it. */
export function registerInstance(p: Pointer): void {
  const dir = registryDir(true);
  if (!dir) return;
  try {
    const path = join(dir, pointerName(p.dataDir));
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ dataDir: p.dataDir, pid: p.pid, startTime: p.startTime }) + '\n', { mode: 0o600 });
    renameSync(tmp, path);
  } catch {
    // Discovery is a convenience.
  }
}

export function unregisterInstance(dataDir: string): void {
  const dir = registryDir(false);
  if (!dir) return;
  const path = join(dir, pointerName(dataDir));
  if (readPointer(path)?.pid === process.pid) rmSync(path, { force: true });
}

function readPointer(path: string): Pointer | null {
  try {
    const raw = JSON.parse(readFileSync(path, 'utf8')) as Partial<Pointer>;
    return typeof raw.dataDir === 'string' && typeof raw.pid === 'number' && typeof raw.startTime === 'string' ? (raw as Pointer) : null;
  } catch {
    return null;
  }
}

/** Data dirs whose registered Baton is still alive. */
export function registeredDataDirs(): string[] {
  const dir = registryDir(false);
  if (!dir) return [];
  const out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    const p = readPointer(join(dir, name));
    if (p && isPidAlive(p.pid) && processStartTime(p.pid) === p.startTime) out.push(p.dataDir);
  }
  return out;
}
