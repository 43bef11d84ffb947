import { appendFileSync, readFileSync, statSync } from 'node:fs';
import type { JournalRecord } from '../../shared/journal';
import { lastValidSeq, sessionJournalPath } from '../runtime';

/**
 * Appends a host-direction record for a session whose host is gone (an
 * `interrupted` or `divergence` marker). Only safe with no live host: the
 * caller has established that. History is never rewritten; a torn last line
 * stays in the file, closed off by a newline, and readers skip it.
 */
export function appendMarker(dataDir: string, sessionId: string, msg: Record<string, unknown>): JournalRecord {
  const path = sessionJournalPath(dataDir, sessionId);
  const seq = lastValidSeq(path) + 1;
  const record: JournalRecord = { v: 1, seq, ts: Date.now(), dir: 'host', msg };
  let prefix = '';
  try {
    const size = statSync(path).size;
    if (size > 0) {
      const tail = readFileSync(path).subarray(size - 1);
      if (tail.toString() !== '\n') prefix = '\n';
    }
  } catch {
    // No journal yet: the marker is its first line.
  }
  appendFileSync(path, `${prefix}${JSON.stringify(record)}\n`);
  return record;
}
