import { journalPath, sessionDir } from '../host/paths';
import { lastRecord, lastValidSeq, readJournal, type JournalDiagnostic } from '../host/journal-read';

/**
 * Reading a journal from disk, for recovery when its host is gone. The host
 * owns the format (ADR 0005), so this is its reader re-exported: one
 * implementation of "what is a valid line", never two.
 */
export { lastRecord, lastValidSeq, readJournal, type JournalDiagnostic };

export const sessionJournalPath = (dataDir: string, sessionId: string): string => journalPath(sessionDir(dataDir, sessionId));
