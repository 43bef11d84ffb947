import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTROL_INFO_NAME, CONTROL_SOCKET_NAME, ControlInfo } from '../../shared/control';

// Node and src/shared only: the `baton` command and the MCP bridge find the socket with these too.

/** sun_path is 108 bytes on Linux and 104 on macOS, both counting the NUL. */
const SUN_PATH_MAX = 103;

const dirHash = (dataDir: string): string => createHash('sha256').update(dataDir).digest('hex').slice(0, 16);

/**
 * `<dataDir>/control.sock` when it fits sun_path; else a private directory in
 * the temp dir named for the data dir (two data dirs never share one); a named
 * pipe on Windows. Clients do not guess: control.json names the socket.
 */
export function controlSocketPath(dataDir: string, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return `\\\\.\\pipe\\baton-control-${dirHash(dataDir)}`;
  const inDir = join(dataDir, CONTROL_SOCKET_NAME);
  if (Buffer.byteLength(inDir) <= SUN_PATH_MAX) return inDir;
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  const short = join(`baton-${uid}-${dirHash(dataDir)}`, CONTROL_SOCKET_NAME);
  const inTmp = join(tmpdir(), short);
  return Buffer.byteLength(inTmp) <= SUN_PATH_MAX ? inTmp : join('/tmp', short);
}

export const controlInfoPath = (dataDir: string): string => join(dataDir, CONTROL_INFO_NAME);

/** `<dataDir>/control.json` as the listening app wrote it; null when there is none (or it does not parse). */
export function readControlInfo(dataDir: string): ControlInfo | null {
  try {
    const parsed = ControlInfo.safeParse(JSON.parse(readFileSync(controlInfoPath(dataDir), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Where a client reaches the app on this data dir: the socket control.json
 * names, else where the app would listen (the long-path fallback included).
 * Nothing listening there is the caller's to find out.
 */
export function findControlSocket(dataDir: string): string {
  return readControlInfo(dataDir)?.socket ?? controlSocketPath(dataDir);
}
