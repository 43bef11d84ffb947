import { execFile } from 'node:child_process';
import { descendantsOf, listProcesses, processesWithEnv, type ProcInfo } from './proc';

export interface ReapTarget {
  /** The agent's pid, the root of the tree; null if it never started. */
  agentPid: number | null;
  /** `NAME=value` placed in the agent's environment; finds descendants whose parent already died. */
  envTag: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Everything the agent started that is still running: its tree by ppid,
 * tagged processes whose parent died, and every member of those processes'
 * groups (plus `groups` seen earlier), which finds an orphan that lost both
 * its parent and its environment but kept the group its tool ran in.
 */
export function findTree(target: ReapTarget, groups: Set<number> = new Set()): ProcInfo[] {
  const table = listProcesses();
  const found = new Map<number, ProcInfo>();
  const root = target.agentPid === null ? undefined : table.find((p) => p.pid === target.agentPid);
  if (root) {
    found.set(root.pid, root);
    for (const p of descendantsOf(root.pid, table)) found.set(p.pid, p);
  }
  for (const p of processesWithEnv(target.envTag, table)) found.set(p.pid, p);
  const own = currentPgid();
  for (const p of found.values()) if (p.pgid > 1 && p.pgid !== own) groups.add(p.pgid);
  for (const p of table) if (groups.has(p.pgid)) found.set(p.pid, p);
  found.delete(process.pid);
  // A zombie is already dead; only its parent can make it go away.
  return [...found.values()].filter((p) => p.state !== 'Z' && p.state !== 'X' && p.pid > 1 && p.pgid !== own);
}

/**
 * Each process's group and the process itself: real agents put every shell
 * command in a group of its own, so signalling the agent's group alone
 * would leave tool commands running. Our own group is never signalled.
 */
function signalAll(procs: ProcInfo[], signal: NodeJS.Signals): void {
  const ownGroup = currentPgid();
  const groups = new Set(procs.map((p) => p.pgid).filter((g) => g > 1 && g !== ownGroup));
  for (const g of groups) tryKill(-g, signal);
  for (const p of procs) tryKill(p.pid, signal);
}

function tryKill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Gone already (ESRCH) or not ours (EPERM): nothing left to do for it.
  }
}

let cachedPgid: number | null = null;
function currentPgid(): number {
  if (cachedPgid === null) cachedPgid = listProcesses().find((p) => p.pid === process.pid)?.pgid ?? -1;
  return cachedPgid;
}

/**
 * SIGTERM the agent's whole tree, wait up to graceMs for it to go, then
 * SIGKILL what is left, re-scanning each round so a process forked during
 * shutdown is caught too. Returns every pid that was signalled.
 */
export async function reapTree(target: ReapTarget, graceMs: number): Promise<number[]> {
  if (process.platform === 'win32') return reapWindows(target);
  const signalled = new Set<number>();
  // Remembered across rounds: once a tool's leader is dead, its group is the only way to its orphans.
  const groups = new Set<number>();
  let procs = findTree(target, groups);
  if (procs.length === 0) return [];
  for (const p of procs) signalled.add(p.pid);
  signalAll(procs, 'SIGTERM');
  const deadline = Date.now() + Math.max(0, graceMs);
  while (Date.now() < deadline) {
    await sleep(Math.min(50, Math.max(1, deadline - Date.now())));
    procs = findTree(target, groups);
    if (procs.length === 0) return [...signalled];
    const fresh = procs.filter((p) => !signalled.has(p.pid));
    for (const p of fresh) signalled.add(p.pid);
    if (fresh.length > 0) signalAll(fresh, 'SIGTERM');
  }
  const killDeadline = Date.now() + 5000;
  while (procs.length > 0 && Date.now() < killDeadline) {
    for (const p of procs) signalled.add(p.pid);
    signalAll(procs, 'SIGKILL');
    await sleep(20);
    procs = findTree(target, groups);
  }
  return [...signalled];
}

/** Windows has no process groups to signal: taskkill walks the tree itself. */
function reapWindows(target: ReapTarget): Promise<number[]> {
  const pid = target.agentPid;
  if (pid === null) return Promise.resolve([]);
  return new Promise((resolve) => execFile('taskkill', ['/T', '/F', '/PID', String(pid)], () => resolve([pid])));
}
