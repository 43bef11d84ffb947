import { closeSync } from 'node:fs';
import { asRpc, idKey, isObject, isRequest, isResponse, type JournalRecord } from '../../shared/journal';
import type { JournalLine } from '../host/journal';
import { openForReading, parseRecordLine } from '../host/journal-read';
import { JournalCursor, lineHead, linesBackward } from './journal-lines';

/** What recovery needs to know about a journal, read from its end. */
export interface JournalTail {
  /** The last valid record's seq; 0 for a missing or empty journal. */
  lastSeq: number;
  /** A prompt went out and neither its response, an exit, nor an interrupted marker came after it. */
  turnOpen: boolean;
  /** In that open turn, the agent asked for permission and no answer went back. */
  pendingPermission: boolean;
  /** The newest host run ended with this exit record (only recovery markers after it). */
  exit: { code: number | null; signal: string | null } | null;
  /**
   * With `exit`: the agent died with a turn open (its run's newest prompt had
   * no response before the exit). `turnOpen` counts the exit as the end of
   * every turn, so without this a turn the database never saw start (main
   * died before projecting the prompt) would pass for an idle session.
   */
  turnOpenAtExit: boolean;
  /** An interrupted marker follows the newest agent or client record: recovery has already appended one. */
  interruptedMarker: boolean;
}

const QUOTED_ID = Buffer.from('"id"');

/**
 * An agent→client line that cannot be a request or a response: JSON-RPC
 * requires both to carry an `"id"` member, so a line without those four bytes
 * is a notification (a session/update, almost always) and is skipped unparsed.
 */
const isNotificationLine = (line: Buffer): boolean => lineHead(line)?.dir === 'in' && line.indexOf(QUOTED_ID) === -1;

/**
 * Reads a journal backwards from its end, only as far as it must: to the
 * newest prompt's response (a stop reason), or else the newest prompt, or
 * the newest exit or interrupted marker, whichever comes first. For a board of hundreds of sessions this is a few
 * KiB each, not whole files. Agrees with the transcript fold
 * (src/shared/transcript.ts) on turnOpen for journals whose prompts do not
 * overlap, which is the only kind main writes (it prompts an idle session).
 */
export function readJournalTail(path: string): JournalTail {
  const j = openForReading(path);
  if (!j) return emptyTail();
  try {
    return tailOfLines(linesBackward(j.fd, j.size));
  } finally {
    closeSync(j.fd);
  }
}

const emptyTail = (): JournalTail => ({ lastSeq: 0, turnOpen: false, pendingPermission: false, exit: null, turnOpenAtExit: false, interruptedMarker: false });

/** The same reading of a journal held as records (a remote host's, read through the port), newest last. */
export function journalTailOf(records: readonly JournalRecord[]): JournalTail {
  function* backward(): Generator<Buffer> {
    for (let i = records.length - 1; i >= 0; i--) yield Buffer.from(JSON.stringify(records[i]));
  }
  return tailOfLines(backward());
}

/** The tail's facts from the journal's lines, newest first, read only as far as they must be. */
function tailOfLines(lines: Iterable<Buffer>): JournalTail {
  const tail = emptyTail();
  /** Responses (by request id) seen so far, i.e. newer than the line at hand. */
  const responded = new Set<string>();
  const answered = new Set<string>();
  let permissionAsked = false;
  let turnKnown = false;
  // An exit is the last record of its host run; only recovery's own host records may follow it.
  let exitOpen = true;
  /** Set once the run's exit is found: responses newer than the line at hand, while looking back for the turn it died in. */
  let beforeExit: Set<string> | null = null;
  for (const line of lines) {
    if (turnKnown && !exitOpen && !beforeExit) break;
    if (line.length === 0) continue;
    if (tail.lastSeq > 0 && isNotificationLine(line)) {
      exitOpen = false;
      continue;
    }
    const r = parseRecordLine(line.toString('utf8'));
    if (!r) continue;
    if (tail.lastSeq === 0) tail.lastSeq = r.seq;
    if (r.dir === 'host') {
      const msg = isObject(r.msg) ? r.msg : {};
      if (isObject(msg.exit)) {
        if (exitOpen) {
          tail.exit = { code: typeof msg.exit.code === 'number' ? msg.exit.code : null, signal: typeof msg.exit.signal === 'string' ? msg.exit.signal : null };
          beforeExit = new Set();
        }
        exitOpen = false;
        turnKnown = true;
      } else if (msg.marker === 'interrupted') {
        turnKnown = true;
        if (exitOpen) tail.interruptedMarker = true;
      } else if (isObject(msg.started)) {
        exitOpen = false;
        // The run began here: no prompt of it was open when its agent exited.
        beforeExit = null;
      }
      continue;
    }
    exitOpen = false;
    const m = asRpc(r.msg);
    if (beforeExit) {
      if (m && r.dir === 'out' && isRequest(m) && m.method === 'session/prompt') {
        tail.turnOpenAtExit = !beforeExit.has(idKey(m.id));
        beforeExit = null;
      } else if (m && r.dir === 'in' && isResponse(m) && isObject(m.result) && typeof m.result.stopReason === 'string') beforeExit = null;
      else if (m && r.dir === 'in' && isResponse(m)) beforeExit.add(idKey(m.id));
      continue;
    }
    if (turnKnown) continue;
    if (!m) continue;
    if (r.dir === 'out' && isRequest(m) && m.method === 'session/prompt') {
      // The newest prompt decides: main only prompts an idle session, so any older one was closed first.
      tail.turnOpen = !responded.has(idKey(m.id));
      tail.pendingPermission = tail.turnOpen && permissionAsked;
      turnKnown = true;
    } else if (r.dir === 'in' && isResponse(m) && isObject(m.result) && typeof m.result.stopReason === 'string') {
      // Only a prompt's response carries a stop reason (ACP): the newest turn has ended, no need to read back to its prompt.
      turnKnown = true;
    } else if (r.dir === 'in' && isResponse(m)) responded.add(idKey(m.id));
    else if (r.dir === 'out' && isResponse(m)) answered.add(idKey(m.id));
    else if (r.dir === 'in' && isRequest(m) && m.method === 'session/request_permission' && !answered.has(idKey(m.id))) permissionAsked = true;
  }
  return tail;
}

/** Lines with afterSeq < seq ≤ throughSeq, unparsed, found by bisection rather than by reading from the top. */
export function readJournalLines(path: string, afterSeq: number, throughSeq: number): JournalLine[] {
  if (throughSeq <= afterSeq) return [];
  const cursor = JournalCursor.open(path, afterSeq, throughSeq);
  try {
    return cursor.nextLines(Number.MAX_SAFE_INTEGER);
  } finally {
    cursor.close();
  }
}
