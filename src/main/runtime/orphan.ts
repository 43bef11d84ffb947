import { readJournal } from '../host/journal-read';
import { journalPath, sessionDir } from '../host/paths';
import { isRecordObject } from '../host/protocol';
import { connectHost } from './connection';
import { processLiveness, readHostFile } from './liveness';
import { waitUntil } from './wait';

/**
 * Before the sessions domain launches a host, which it does only for a
 * session it holds no live host for: a live host that no main process ever
 * spoke to (nothing sent to its agent since it started) is what a main
 * killed mid-launch leaves behind. It was never recorded, so nobody will
 * ever attach to it, and it would make every later launch fail with
 * `host_running`. It is stopped (its agent and every descendant with it).
 * A host that has carried any conversation is never touched here: launching
 * then fails as before, and recovery decides.
 */
export async function stopOrphanHost(dataDir: string, sessionId: string): Promise<void> {
  const dir = sessionDir(dataDir, sessionId);
  const host = readHostFile(dir);
  if (!host || !processLiveness(host).alive) return;
  const records = readJournal(journalPath(dir)).records;
  const startedAt = records.findLastIndex((r) => r.dir === 'host' && isRecordObject(r.msg) && isRecordObject(r.msg.started) && r.msg.started.pid === host.pid);
  if (startedAt < 0 || records.slice(startedAt + 1).some((r) => r.dir === 'out')) return;
  const conn = await connectHost(host, { timeoutMs: 3000 });
  if (!conn.ok) return;
  await conn.value.stop(1000);
  // The socket closes a moment before the process exits, and the new host's lock must find it gone.
  await waitUntil(() => !processLiveness(host).alive, 5000, 15);
}
