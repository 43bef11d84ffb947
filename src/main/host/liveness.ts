/** Whether a session host is still the one in host.json: read by main (runtime, sessions, recovery), never by the host itself. */
import { readFileSync } from 'node:fs';
import { hostFilePath } from './paths';
import { isPidAlive, processStartTime } from './proc';
import { isRecordObject, type HostFile } from './protocol';

/** What identifies one host process: a live pid with this start time, answering on this socket with this nonce. */
export interface HostIdentity {
  pid: number;
  startTime: string;
  nonce: string;
  socket: string;
}

export type Liveness = { alive: true } | { alive: false; reason: string };

/** host.json from a session dir (or the file's own path); null if missing or unreadable. */
export function readHostFile(sessionDirOrFile: string): HostFile | null {
  const path = sessionDirOrFile.endsWith('.json') ? sessionDirOrFile : hostFilePath(sessionDirOrFile);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
  if (!isRecordObject(raw)) return null;
  const ok =
    typeof raw.pid === 'number' &&
    typeof raw.startTime === 'string' &&
    typeof raw.nonce === 'string' &&
    typeof raw.socket === 'string' &&
    typeof raw.sessionId === 'string';
  return ok ? (raw as unknown as HostFile) : null;
}

/**
 * The process half of liveness: the pid exists, is not a zombie, and started
 * when the host said it did. The socket's nonce (checked by connectHost) is
 * the other half; either one alone can be fooled by a reused pid or a stale file.
 */
export function processLiveness(id: Pick<HostIdentity, 'pid' | 'startTime'>): Liveness {
  if (!isPidAlive(id.pid)) return { alive: false, reason: `host process ${id.pid} is not running` };
  const now = processStartTime(id.pid);
  if (now === null) return { alive: false, reason: `host process ${id.pid} is not running` };
  if (now !== id.startTime) return { alive: false, reason: `pid ${id.pid} now belongs to another process (start time ${now}, host's was ${id.startTime})` };
  return { alive: true };
}
