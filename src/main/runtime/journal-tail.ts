/** A journal's tail facts (what recovery decides on) and a range of its lines, read from its end and by bisection, never whole; run on the desk and, by remote.js, where a remote host runs. */
import { closeSync } from 'node:fs';
import { asRpc, idKey, isObject, isRequest, isResponse } from '../../shared/jsonrpc';
import type { JournalLine } from '../host/journal';
import { openForReading, parseRecordLine } from '../host/journal-read';
import type { JournalTail, JournalTailRead } from '../sessions/host-port';
import { JournalCursor, lineHead, linesBackward } from './journal-lines';

export type { JournalTail };

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

/** The tail's facts and the lines in (afterSeq, throughSeq]: everything a reconcile reads of one journal, in one go. */
export function readJournalTailAndLines(path: string, check: { afterSeq: number; throughSeq: number }): JournalTailRead {
  return { tail: readJournalTail(path), lines: readJournalLines(path, check.afterSeq, check.throughSeq) };
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
