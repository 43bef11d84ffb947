/** Where the app's control socket is for a data dir: Node and zod-free src/shared only, so the MCP bridge (which runs where there is no zod) finds it too. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTROL_INFO_NAME, CONTROL_SOCKET_NAME } from '../../shared/control-names';

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

/**
 * The socket `<dataDir>/control.json` names, read without zod (only its `socket` field, which must be a
 * non-empty string), else where the app would listen. For the bridge; paths.ts reads the whole file checked.
 */
export function controlSocketOf(dataDir: string): string {
  try {
    const info: unknown = JSON.parse(readFileSync(controlInfoPath(dataDir), 'utf8'));
    if (info && typeof info === 'object' && 'socket' in info && typeof info.socket === 'string' && info.socket) return info.socket;
  } catch {
    // No file (the app is not running) or a torn one: where the app would listen.
  }
  return controlSocketPath(dataDir);
}
