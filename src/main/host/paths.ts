import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where a session's files live; the host and main's runtime both derive paths from here. */
export const sessionDir = (dataDir: string, sessionId: string): string => join(dataDir, 'sessions', sessionId);
export const journalPath = (dir: string): string => join(dir, 'journal.jsonl');
export const hostFilePath = (dir: string): string => join(dir, 'host.json');
export const hostLogPath = (dir: string): string => join(dir, 'host.log');
export const hostLockPath = (dir: string): string => join(dir, 'host.lock');
export const hostConfigPath = (dir: string): string => join(dir, 'host-config.json');
/** Bytes cut from a torn journal tail on resume, kept so nothing is ever thrown away. */
export const tornPath = (dir: string): string => join(dir, 'journal.torn');

/** sun_path is 108 bytes on Linux and 104 on macOS, both counting the NUL. */
const SUN_PATH_MAX = 103;

/**
 * The host's socket: inside the session dir when it fits sun_path, else a
 * short name in the temp dir derived from the session dir (so two data dirs
 * never share one); a named pipe on Windows.
 */
export function socketPathFor(dir: string, sessionId: string, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return `\\\\.\\pipe\\baton-${sessionId}`;
  const inDir = join(dir, 'host.sock');
  if (Buffer.byteLength(inDir) <= SUN_PATH_MAX) return inDir;
  const short = `baton-${createHash('sha256').update(dir).digest('hex').slice(0, 16)}.sock`;
  const inTmp = join(tmpdir(), short);
  return Buffer.byteLength(inTmp) <= SUN_PATH_MAX ? inTmp : join('/tmp', short);
}
