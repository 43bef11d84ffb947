import { closeSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { isPidAlive, processStartTime } from './proc';
import type { HostFile } from './protocol';

export type Log = (message: string) => void;

const LOG_MAX_BYTES = 2 * 1024 * 1024;

/** The host's own log: its stdio goes nowhere, so that a dying main process cannot take it down. */
export function openLog(path: string): Log {
  try {
    if (statSync(path).size > LOG_MAX_BYTES) renameSync(path, `${path}.1`);
  } catch {
    // No log yet.
  }
  let fd: number | null = null;
  try {
    fd = openSync(path, 'a');
  } catch {
    fd = null;
  }
  return (message) => {
    if (fd === null) return;
    try {
      writeSync(fd, `${new Date().toISOString()} [${process.pid}] ${message}\n`);
    } catch {
      // Logging never takes the host down.
    }
  };
}

/**
 * Reads `--config <path>` from argv and hands the JSON to parse. The file holds
 * the child's environment (project secrets), so it is deleted as soon as it has been read.
 */
export function loadConfigFile<T>(argv: string[], usage: string, parse: (raw: unknown) => T | string): T | string {
  const i = argv.indexOf('--config');
  const path = i >= 0 ? argv[i + 1] : undefined;
  if (!path) return usage;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    return `cannot read the config ${path}: ${(e as Error).message}`;
  }
  rmSync(path, { force: true });
  return parse(raw);
}

/** Written whole or not at all: a reader never sees half a host.json. */
export function writeHostFile(path: string, info: HostFile): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

/**
 * One host per session: the lock names its holder by pid and start time, so
 * a lock left by a dead host (or one whose pid was reused) is taken over.
 */
export function acquireLock(path: string): { ok: true; release: () => void } | { ok: false; holder: number } {
  const mine = JSON.stringify({ pid: process.pid, startTime: processStartTime(process.pid) });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, mine);
      closeSync(fd);
      return { ok: true, release: () => rmSync(path, { force: true }) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let holder: { pid?: unknown; startTime?: unknown } = {};
    try {
      holder = JSON.parse(readFileSync(path, 'utf8')) as typeof holder;
    } catch {
      // Unreadable or half-written by a host that died: stale.
    }
    const pid = typeof holder.pid === 'number' ? holder.pid : -1;
    if (pid > 0 && pid !== process.pid && isPidAlive(pid) && processStartTime(pid) === holder.startTime) return { ok: false, holder: pid };
    rmSync(path, { force: true });
  }
  return { ok: false, holder: -1 };
}
