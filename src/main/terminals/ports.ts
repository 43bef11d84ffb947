/**
 * Which TCP ports a terminal's processes listen on (Linux): listening sockets
 * from /proc/net/tcp{,6}, mapped by inode to the file descriptors of every
 * process carrying the terminal's BATON_TERMINAL_ID. Elsewhere: none found.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { processesWithEnv } from '../host/proc';

const LISTEN = '0A';

/** inode → port of every listening TCP socket in one /proc/net table's text. */
export function listeningInodes(table: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of table.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
    if (f.length < 10 || f[3] !== LISTEN) continue;
    const port = parseInt((f[1] ?? '').split(':')[1] ?? '', 16);
    const inode = f[9] ?? '0';
    if (Number.isInteger(port) && inode !== '0') out.set(inode, port);
  }
  return out;
}

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** The ports, sorted, that processes of terminal `terminalId` listen on now. */
export function scanTerminalPorts(terminalId: string): number[] {
  if (process.platform !== 'linux') return [];
  const procs = processesWithEnv(`BATON_TERMINAL_ID=${terminalId}`);
  if (procs.length === 0) return [];
  const listening = new Map([...listeningInodes(read('/proc/net/tcp')), ...listeningInodes(read('/proc/net/tcp6'))]);
  if (listening.size === 0) return [];
  const ports = new Set<number>();
  for (const p of procs) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${p.pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${p.pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(target);
      const port = m ? listening.get(m[1] as string) : undefined;
      if (port !== undefined) ports.add(port);
    }
  }
  return [...ports].sort((a, b) => a - b);
}
