import { lastRecord, readJournal } from '../host/journal-read';
import { journalPath, sessionDir } from '../host/paths';
import { isRecordObject } from '../host/protocol';
import { connectHost } from './connection';
import { processLiveness, readHostFile } from '../host/liveness';
import { waitUntil } from '../lib/wait';

/** How long a host that journaled its exit may take to end: it only drains its socket, unlocks and leaves. */
const ENDING_HOST_MS = 10_000;

/**
 * A host whose journal ends with its own exit record is ending (its agent is
 * gone: exited, or stopped by Baton, a hibernation say). A launch right after
 * it waits, bounded, for its process to be gone (the positive signal) rather
 * than failing with `host_running`. Any other live host is left to the caller.
 */
export async function waitForEndingHost(dataDir: string, sessionId: string, ms = ENDING_HOST_MS): Promise<void> {
  const dir = sessionDir(dataDir, sessionId);
  const host = readHostFile(dir);
  if (!host || !processLiveness(host).alive) return;
  const last = lastRecord(journalPath(dir));
  const msg = last?.dir === 'host' && isRecordObject(last.msg) ? last.msg : null;
  if (!msg || !isRecordObject(msg.exit) || msg.hostPid !== host.pid) return;
  await waitUntil(() => !processLiveness(host).alive, ms, 15);
}

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
  // An ending host refuses connections: it is waited for, not stopped.
  await waitForEndingHost(dataDir, sessionId);
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
