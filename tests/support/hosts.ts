import { readdirSync, readFileSync } from 'node:fs';
import { sessionDir } from '../../src/main/host/paths';
import { isPidAlive } from '../../src/main/host/proc';
import { readHostFile } from '../../src/main/host/liveness';
import { waitUntil } from './scripted';

export interface KillSessionOptions {
  /**
   * Kill the agent as well (the default). Off: only the host is killed, and
   * its agent, seeing its stdin close, exits by itself as after a real host crash.
   */
  agent?: boolean;
  /** Kills only the pids this accepts: e.g. ones whose command line shows they are this test's. */
  only?: (pid: number) => boolean;
  timeoutMs?: number;
}

/**
 * SIGKILLs a session's host and its agent, by the pids in its host.json: a
 * crash, not a stop, so nothing gets journaled on the way out. Resolves once
 * they are gone; a zombie counts as gone (where PID 1 does not reap, a dead
 * agent stays one). Returns the pids it killed: none when there is no
 * host.json or nothing it names is alive.
 */
export async function killSessionProcesses(dataDir: string, sessionId: string, opts: KillSessionOptions = {}): Promise<number[]> {
  const host = readHostFile(sessionDir(dataDir, sessionId));
  if (!host) return [];
  const named = opts.agent === false ? [host.pid] : [host.pid, host.agentPid];
  const pids = named.filter((p): p is number => p !== null && isPidAlive(p) && (opts.only?.(p) ?? true));
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
  await waitUntil(() => pids.filter(isPidAlive), (alive) => alive.length === 0, opts.timeoutMs ?? 10_000, `the processes of session ${sessionId} to die`);
  return pids;
}

/**
 * Live processes (not this one) whose command line contains `text`: hosts, agents and tools are detached from the
 * test, and the temp dir in their command lines gives them away.
 */
export function processesNaming(text: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const e of entries) {
    const pid = Number(e);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text) && isPidAlive(pid)) found.push(pid);
    } catch {
      // Gone, or not ours to read.
    }
  }
  return found;
}
