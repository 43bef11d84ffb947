import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** One row of the process table, as much as reaping and liveness need. */
export interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  state: string;
}

const hasProc = process.platform === 'linux';

/** Fields of /proc/<pid>/stat after the command name, which may itself hold spaces and parentheses. */
function statFields(pid: number): string[] | null {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return raw.slice(raw.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/**
 * The process's start time as the OS reports it, or null if it is gone.
 * Linux: field 22 of /proc/<pid>/stat (clock ticks after boot); elsewhere `ps -o lstart`.
 * Two processes that share a pid never share this value, so it tells a reused pid apart.
 */
export function processStartTime(pid: number): string | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  if (hasProc) {
    const f = statFields(pid);
    // Field 22 overall is index 19 here: the slice starts at field 3 (state).
    return f?.[19] ?? null;
  }
  if (process.platform === 'win32') return isPidAlive(pid) ? 'win32' : null;
  try {
    const out = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return out || null;
  } catch {
    return null;
  }
}

/** Exists and is not a zombie (a dead child its parent has not reaped yet is not alive). */
export function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (hasProc) {
    const f = statFields(pid);
    return f !== null && f[0] !== 'Z' && f[0] !== 'X';
  }
  return true;
}

export function listProcesses(): ProcInfo[] {
  if (hasProc) {
    const out: ProcInfo[] = [];
    for (const name of readdirSync('/proc')) {
      const pid = Number(name);
      if (!Number.isInteger(pid) || pid <= 0) continue;
      const f = statFields(pid);
      if (!f) continue;
      out.push({ pid, state: f[0] ?? '?', ppid: Number(f[1]), pgid: Number(f[2]) });
    }
    return out;
  }
  if (process.platform === 'win32') return [];
  try {
    const text = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,pgid=,stat='], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return text
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((p) => p.length >= 4)
      .map(([pid, ppid, pgid, stat]) => ({ pid: Number(pid), ppid: Number(ppid), pgid: Number(pgid), state: (stat ?? '?')[0] ?? '?' }));
  } catch {
    return [];
  }
}

/** Every process whose ancestry leads to `root` (not including root), from one snapshot of the table. */
export function descendantsOf(root: number, table: ProcInfo[] = listProcesses()): ProcInfo[] {
  const children = new Map<number, ProcInfo[]>();
  for (const p of table) {
    const list = children.get(p.ppid);
    if (list) list.push(p);
    else children.set(p.ppid, [p]);
  }
  const out: ProcInfo[] = [];
  const stack = [root];
  const seen = new Set<number>([root]);
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    for (const c of children.get(pid) ?? []) {
      if (seen.has(c.pid)) continue;
      seen.add(c.pid);
      out.push(c);
      stack.push(c.pid);
    }
  }
  return out;
}

/**
 * Processes that carry `NAME=value` in their environment (Linux only). The
 * host tags the agent's environment so that a tool process which outlived
 * the agent, and so lost its ppid link, is still found and reaped.
 */
export function processesWithEnv(entry: string, table: ProcInfo[] = listProcesses()): ProcInfo[] {
  if (!hasProc) return [];
  // environ is NUL-separated: match a whole entry, at the start or after a NUL.
  const first = Buffer.from(`${entry}\0`);
  const inner = Buffer.from(`\0${entry}\0`);
  const out: ProcInfo[] = [];
  for (const p of table) {
    try {
      const env = readFileSync(`/proc/${p.pid}/environ`);
      if (env.indexOf(first) === 0 || env.indexOf(inner) >= 0) out.push(p);
    } catch {
      // Another user's process or gone already: not ours either way.
    }
  }
  return out;
}
