import { existsSync } from 'node:fs';
import { fail, ok, type Result } from '../../shared/result';
import { acquireLock } from '../host/files';
import { Journal, tornDiagnostic } from '../host/journal';
import { lastRecord, lastValidSeq, readJournal, type JournalDiagnostic } from '../host/journal-read';
import { hostLockPath, journalPath, sessionDir, tornPath } from '../host/paths';
import type { JournalRecord } from '../host/protocol';

/**
 * Reading a journal from disk, for recovery when its host is gone. The host
 * owns the format (ADR 0005), so this is its reader re-exported: one
 * implementation of "what is a valid line", never two.
 */
export { lastRecord, lastValidSeq, readJournal, type JournalDiagnostic };

export const sessionJournalPath = (dataDir: string, sessionId: string): string => journalPath(sessionDir(dataDir, sessionId));

/**
 * Appends one `host` record (an `interrupted` marker, say) to the journal of
 * a session whose host is gone, under the host's own lock so that it can
 * never interleave with a live host. A torn tail is repaired first, exactly as
 * a resuming host would. Fails with `host_running` if a host holds the session.
 */
export function appendHostRecord(dataDir: string, sessionId: string, msg: Record<string, unknown>): Result<JournalRecord> {
  const dir = sessionDir(dataDir, sessionId);
  if (!existsSync(journalPath(dir))) return fail('no_journal', `Session ${sessionId} has no journal.`);
  const lock = acquireLock(hostLockPath(dir));
  if (!lock.ok) return fail('host_running', `A session host (pid ${lock.holder}) holds session ${sessionId}; ask it instead.`);
  try {
    const { journal, torn } = Journal.open(journalPath(dir), tornPath(dir), 0);
    try {
      if (torn) journal.append('host', tornDiagnostic(torn));
      const line = journal.append('host', msg);
      return ok(JSON.parse(line.text) as JournalRecord);
    } finally {
      journal.close();
    }
  } finally {
    lock.release();
  }
}
