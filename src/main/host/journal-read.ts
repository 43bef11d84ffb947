import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { previewOf } from './lines';
import { isRecordObject, JOURNAL_VERSION, type JournalRecord } from './protocol';

/** A line a reader skipped (or a hole it saw), with where it was, for a person to read. */
export interface JournalDiagnostic {
  kind: 'torn' | 'invalid' | 'gap' | 'duplicate';
  /** 1-based line number in the file. */
  line: number;
  offset: number;
  bytes: number;
  message: string;
  preview: string;
}

export interface ScanResult {
  lastSeq: number;
  /** Bytes of the file up to the end of its last newline-terminated line. */
  completeBytes: number;
  size: number;
  diagnostics: JournalDiagnostic[];
}

const DIRS = new Set(['in', 'out', 'host']);
const CHUNK = 1 << 20;
/** Every line the host writes starts like this, so a reader can skip old lines without parsing them. */
const HEADER = /^\{"v":(\d+),"seq":(\d+),/;

/** A journal line as a record, or null if it is not one (bad JSON, wrong version, missing field). */
export function parseRecordLine(text: string): JournalRecord | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecordObject(v)) return null;
  const { seq, ts, dir } = v;
  if (v.v !== JOURNAL_VERSION || !Number.isSafeInteger(seq) || (seq as number) < 1) return null;
  if (typeof ts !== 'number' || typeof dir !== 'string' || !DIRS.has(dir) || !('msg' in v)) return null;
  return v as unknown as JournalRecord;
}

/** The seq of a line the host wrote, read from its header alone; null for anything else. */
export function headerSeq(text: string): number | null {
  const m = HEADER.exec(text);
  if (!m || Number(m[1]) !== JOURNAL_VERSION || !text.endsWith('}')) return null;
  return Number(m[2]);
}

/** A journal opened for reading, with its size; null when there is none yet. The caller closes `fd`. */
export function openForReading(path: string): { fd: number; size: number } | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  try {
    return { fd, size: fstatSync(fd).size };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/**
 * Walks a journal once, in 1 MiB reads, checking every line: valid records
 * with seq > fromSeq go to onRecord (with their text and byte offset); bad
 * lines, holes and repeats become diagnostics. Never throws on content: a
 * torn last line (no newline, from a crash mid-write) is reported and skipped.
 */
export function scanJournal(path: string, fromSeq = 0, onRecord?: (record: JournalRecord, text: string, offset: number) => void): ScanResult {
  const diagnostics: JournalDiagnostic[] = [];
  const opened = openForReading(path);
  if (!opened) return { lastSeq: 0, completeBytes: 0, size: 0, diagnostics };
  const { fd, size } = opened;
  let lastSeq = 0;
  let lineNo = 0;
  let offset = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const buf = Buffer.allocUnsafe(CHUNK);

  const onLine = (bytes: Buffer, at: number): void => {
    lineNo++;
    if (bytes.length === 0) return;
    const text = bytes.toString('utf8');
    const quick = headerSeq(text);
    if (quick !== null && quick === lastSeq + 1 && quick <= fromSeq) {
      lastSeq = quick;
      return;
    }
    const rec = parseRecordLine(text);
    const diag = (kind: JournalDiagnostic['kind'], message: string) =>
      diagnostics.push({ kind, line: lineNo, offset: at, bytes: bytes.length, message, preview: previewOf(text) });
    if (!rec) {
      diag('invalid', `Journal line ${lineNo} is not a valid record and was skipped.`);
      return;
    }
    if (rec.seq <= lastSeq) {
      diag('duplicate', `Journal line ${lineNo} repeats seq ${rec.seq} (last was ${lastSeq}) and was skipped.`);
      return;
    }
    if (rec.seq !== lastSeq + 1) diag('gap', `Journal line ${lineNo} jumps from seq ${lastSeq} to ${rec.seq}.`);
    lastSeq = rec.seq;
    if (rec.seq > fromSeq) onRecord?.(rec, text, at);
  };

  try {
    let pos = 0;
    let lineStart = 0;
    while (pos < size) {
      const n = readSync(fd, buf, 0, Math.min(CHUNK, size - pos), pos);
      if (n <= 0) break;
      let start = 0;
      while (start < n) {
        const nl = buf.indexOf(0x0a, start);
        if (nl === -1 || nl >= n) {
          pending.push(Buffer.from(buf.subarray(start, n)));
          pendingBytes += n - start;
          break;
        }
        const piece = buf.subarray(start, nl);
        const line = pending.length === 0 ? piece : Buffer.concat([...pending, piece], pendingBytes + piece.length);
        pending = [];
        pendingBytes = 0;
        onLine(line, lineStart);
        offset = pos + nl + 1;
        lineStart = offset;
        start = nl + 1;
      }
      pos += n;
    }
  } finally {
    closeSync(fd);
  }
  if (pendingBytes > 0) {
    const tail = Buffer.concat(pending, pendingBytes);
    diagnostics.push({
      kind: 'torn',
      line: lineNo + 1,
      offset,
      bytes: pendingBytes,
      message: `The journal's last line (${pendingBytes} bytes) was torn by a crash mid-write and was skipped.`,
      preview: previewOf(tail),
    });
  }
  return { lastSeq, completeBytes: offset, size, diagnostics };
}

/** Every valid record with seq > fromSeq, in order, and what was skipped on the way. For recovery, when the host is gone. */
export function readJournal(path: string, fromSeq = 0): { records: JournalRecord[]; diagnostics: JournalDiagnostic[]; lastSeq: number } {
  const records: JournalRecord[] = [];
  const scan = scanJournal(path, fromSeq, (r) => records.push(r));
  return { records, diagnostics: scan.diagnostics, lastSeq: scan.lastSeq };
}

/**
 * The last valid record, reading backwards from the end so a board of many
 * sessions can learn where each journal stands without reading them whole.
 * A torn tail is ignored. Null for a missing or empty journal.
 */
export function lastRecord(path: string): JournalRecord | null {
  const opened = openForReading(path);
  if (!opened) return null;
  const { fd, size } = opened;
  try {
    let window = 64 * 1024;
    for (;;) {
      const start = Math.max(0, size - window);
      const buf = Buffer.allocUnsafe(size - start);
      const n = readSync(fd, buf, 0, buf.length, start);
      const text = buf.subarray(0, n).toString('utf8');
      const lastNl = text.lastIndexOf('\n');
      // Lines are only trusted when complete: the first one in the window may be cut at its start.
      const lines = lastNl === -1 ? [] : text.slice(0, lastNl).split('\n');
      for (let i = lines.length - 1; i >= (start === 0 ? 0 : 1); i--) {
        const line = lines[i] ?? '';
        const rec = line ? parseRecordLine(line) : null;
        if (rec) return rec;
      }
      if (start === 0) return null;
      window *= 4;
    }
  } finally {
    closeSync(fd);
  }
}

/** The seq of the last valid record; 0 for a missing or empty journal. */
export const lastValidSeq = (path: string): number => lastRecord(path)?.seq ?? 0;
