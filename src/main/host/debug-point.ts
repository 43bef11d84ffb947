import { fdatasyncSync, writeFileSync, writeSync } from 'node:fs';

/**
 * The host's own crash points, for fault-injection tests. The host imports
 * nothing from the app, so this mirrors src/main/recovery/debug-points.ts for
 * the two points that live on the journal's side. Main arms one by putting
 * `debugPoint` in the host config (it forwards BATON_DEBUG_POINT when that
 * names one of these); the host's own environment never carries it, because
 * the launcher gives the host a minimal environment.
 *
 * `name` fires on the first hit, `name:N` on the Nth hit within this host
 * process; every journal append is one hit, so for a fresh session N is the
 * seq of the record it fires on.
 */
export const HOST_DEBUG_POINTS = ['after_journal_append', 'mid_journal_write'] as const;
export type HostDebugPoint = (typeof HOST_DEBUG_POINTS)[number];

export const isHostDebugPoint = (spec: string): boolean => (HOST_DEBUG_POINTS as readonly string[]).includes(spec.split(':')[0] ?? '');

export interface HostFaults {
  /** Called with the bytes of each record before it is written; may write a prefix and never return. */
  beforeWrite(fd: number, bytes: Buffer): void;
  /** Called once a record is in the kernel, before anyone is told about it; may never return. */
  afterAppend(fd: number): void;
}

const die = (): never => {
  process.kill(process.pid, 'SIGKILL');
  // Linux delivers a SIGKILL to ourselves before kill() returns; elsewhere, never carry on past a crash point.
  throw new Error('debug point: the host should be dead');
};

/** No-op hooks unless `spec` names a host point. */
export function createHostFaults(spec: string | undefined, log: (m: string) => void, firedFile?: string): HostFaults | null {
  if (!spec || !isHostDebugPoint(spec)) return null;
  const [target, nth] = spec.split(':');
  const wanted = Math.max(1, Number(nth ?? 1) || 1);
  let hits = 0;
  const fires = (name: HostDebugPoint): boolean => {
    if (name !== target || ++hits !== wanted) return false;
    // Once per data dir: the hosts a recovery starts next must not crash at the same place again.
    if (firedFile) writeFileSync(firedFile, `${spec}\n`);
    return true;
  };
  return {
    beforeWrite(fd, bytes) {
      if (!fires('mid_journal_write')) return;
      // Half the record and no newline: exactly what a crash between two write() calls leaves behind.
      const part = Math.max(1, Math.floor((bytes.length - 1) / 2));
      writeSync(fd, bytes, 0, part);
      fdatasyncSync(fd);
      log(`debug point mid_journal_write: wrote ${part} of ${bytes.length} bytes, killing the host`);
      die();
    },
    afterAppend(fd) {
      if (!fires('after_journal_append')) return;
      fdatasyncSync(fd);
      log('debug point after_journal_append: the record is durable, killing the host before it is forwarded');
      die();
    },
  };
}

/** Written in the data dir when a host crash point fires; launches after it arm none. */
export const DEBUG_POINT_FIRED = 'debug-point.fired';
