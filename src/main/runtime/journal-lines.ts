import { closeSync, readSync } from 'node:fs';
import type { JournalLine } from '../host/journal';
import { openForReading, parseRecordLine } from '../host/journal-read';
import { JOURNAL_VERSION, type JournalRecord } from '../host/protocol';

/**
 * Reading a journal without reading all of it: backwards from the end (what
 * state is it in?) and forwards from a seq found by bisection (what did the
 * database miss?). ADR 0005 fixes every line's first bytes as
 * `{"v":1,"seq":N,"ts":T,"dir":"…","msg":`, so a line's seq and direction are
 * known without parsing it; whether a line is a valid record is still decided
 * by the host's own parseRecordLine, so there is one definition of that.
 */

const NL = 0x0a;
const BACK_CHUNK = 64 * 1024;
/** Forward reads start small (a range of a few dozen lines) and grow for a long catch-up. */
const FORWARD_FIRST = 32 * 1024;
const FORWARD_MAX = 1024 * 1024;
const PROBE = 4 * 1024;
/** Bisection stops once the range is this small; the forward read skips the rest by header alone. */
const SEEK_SLACK = 4 * 1024;
/** Enough bytes of a line to hold its header. */
const HEAD_BYTES = 96;
/** Every line the host writes starts with these bytes, then the seq. */
const PREFIX = Buffer.from(`{"v":${JOURNAL_VERSION},"seq":`);
const TS = Buffer.from(',"ts":');
const DIRS = [
  { dir: 'in', bytes: Buffer.from(',"dir":"in","msg":') },
  { dir: 'out', bytes: Buffer.from(',"dir":"out","msg":') },
  { dir: 'host', bytes: Buffer.from(',"dir":"host","msg":') },
] as const;

export interface LineHead {
  seq: number;
  dir: 'in' | 'out' | 'host';
}

const startsWithAt = (line: Buffer, at: number, bytes: Buffer): boolean => line.length >= at + bytes.length && line.compare(bytes, 0, bytes.length, at, at + bytes.length) === 0;

/** Reads decimal digits at `at`; returns the value and where they end (at itself if none). */
function digitsAt(line: Buffer, at: number): [number, number] {
  let v = 0;
  let i = at;
  for (; i < line.length && i < at + 16; i++) {
    const c = line[i] as number;
    if (c < 0x30 || c > 0x39) break;
    v = v * 10 + (c - 0x30);
  }
  return [v, i];
}

/**
 * The seq and direction of a line as the host writes it
 * (`{"v":1,"seq":N,"ts":T,"dir":"…","msg":`), read from its bytes without
 * decoding or parsing it; null for anything else.
 */
export function lineHead(line: Buffer): LineHead | null {
  if (!startsWithAt(line, 0, PREFIX)) return null;
  const [seq, afterSeq] = digitsAt(line, PREFIX.length);
  if (afterSeq === PREFIX.length || !startsWithAt(line, afterSeq, TS)) return null;
  const [, afterTs] = digitsAt(line, afterSeq + TS.length);
  if (afterTs === afterSeq + TS.length) return null;
  for (const d of DIRS) if (startsWithAt(line, afterTs, d.bytes)) return { seq, dir: d.dir };
  return null;
}

function readAt(fd: number, pos: number, len: number): Buffer {
  const buf = Buffer.allocUnsafe(len);
  const n = readSync(fd, buf, 0, len, pos);
  return n === len ? buf : buf.subarray(0, n);
}

/**
 * Every complete line from the last to the first, as it is on disk (without
 * its newline). Bytes after the last newline are a torn record (a crash
 * mid-write) and are never yielded. Reads 64 KiB at a time, so stopping
 * early costs only what was read.
 */
export function* linesBackward(fd: number, size: number): Generator<Buffer> {
  let pos = size;
  let data: Buffer = Buffer.alloc(0);
  // Invariant: data holds file bytes [pos, pos + data.length); lines end at index `end` (a newline).
  let end = -1;
  while (end === -1) {
    if (pos === 0) return;
    const len = Math.min(BACK_CHUNK, pos);
    pos -= len;
    data = Buffer.concat([readAt(fd, pos, len), data]);
    end = data.lastIndexOf(NL);
  }
  for (;;) {
    const start = end === 0 ? -1 : data.lastIndexOf(NL, end - 1);
    if (start !== -1) {
      yield data.subarray(start + 1, end);
      end = start;
      continue;
    }
    if (pos === 0) {
      yield data.subarray(0, end);
      return;
    }
    const len = Math.min(BACK_CHUNK, pos);
    pos -= len;
    const before = readAt(fd, pos, len);
    data = Buffer.concat([before, data.subarray(0, end + 1)]);
    end += before.length;
  }
}

/** The first line starting after byte `from` (and before `limit`) whose header reads; null if there is none. */
function headAfter(fd: number, from: number, limit: number): { start: number; seq: number } | null {
  let pos = from;
  let data: Buffer = Buffer.alloc(0);
  let lineStart = -1;
  while (pos < limit || data.length > 0) {
    if (lineStart === -1) {
      const nl = data.indexOf(NL);
      if (nl !== -1) {
        lineStart = pos - data.length + nl + 1;
        data = data.subarray(nl + 1);
        continue;
      }
    } else if (data.length >= HEAD_BYTES || pos >= limit) {
      if (lineStart >= limit) return null;
      const head = lineHead(data);
      if (head) return { start: lineStart, seq: head.seq };
      // Not a record's first bytes: try the line after it.
      lineStart = -1;
      continue;
    }
    if (pos >= limit) return null;
    const chunk = readAt(fd, pos, Math.min(PROBE, limit - pos));
    if (chunk.length === 0) return null;
    pos += chunk.length;
    data = data.length === 0 ? chunk : Buffer.concat([data, chunk]);
  }
  return null;
}

/**
 * A byte offset at which reading forward meets every record with seq >
 * afterSeq: the start of a line whose seq is at most afterSeq (or 0). Seqs
 * grow along the file, so bisection finds it in a few small reads; a journal
 * where they do not is caught by the cursor, which then starts over from 0.
 */
function seek(fd: number, size: number, afterSeq: number): number {
  if (afterSeq <= 0) return 0;
  let lo = 0;
  let hi = size;
  while (hi - lo > SEEK_SLACK) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const probe = headAfter(fd, mid, hi);
    if (probe && probe.seq <= afterSeq) lo = probe.start;
    else hi = mid;
  }
  return lo;
}

/**
 * Valid records with afterSeq < seq ≤ throughSeq, in file order, a batch at a
 * time, as readJournal would return them (invalid lines and repeated seqs
 * skipped, a torn tail ignored) but starting near afterSeq instead of at the
 * top of the file. Lines the database already holds are skipped by their
 * header, unparsed.
 */
export class JournalCursor {
  private data: Buffer = Buffer.alloc(0);
  private at = 0;
  private chunk = FORWARD_FIRST;
  private pos: number;
  private lastSeq: number;
  private checked: boolean;
  private done = false;

  private constructor(
    private readonly fd: number | null,
    private readonly size: number,
    private readonly afterSeq: number,
    private readonly throughSeq: number,
  ) {
    this.pos = fd === null ? 0 : seek(fd, size, afterSeq);
    this.lastSeq = afterSeq;
    // From the top of the file there is nothing to check: whatever comes first is what readJournal would give.
    this.checked = this.pos === 0;
  }

  static open(path: string, afterSeq: number, throughSeq = Number.MAX_SAFE_INTEGER): JournalCursor {
    const j = openForReading(path);
    return new JournalCursor(j?.fd ?? null, j?.size ?? 0, afterSeq, throughSeq);
  }

  /** Up to `max` records; an empty array once the range is exhausted. */
  next(max: number): JournalRecord[] {
    return this.collect(max, (line) => {
      const rec = line.length > 0 ? parseRecordLine(line.toString('utf8')) : null;
      return rec ? { seq: rec.seq, value: rec } : null;
    });
  }

  /**
   * Up to `max` lines as they are on disk, by their headers alone (a repeated
   * seq keeps its first line), unparsed: for comparing with what a line
   * should be, where parsing is needed only when they differ.
   */
  nextLines(max: number): JournalLine[] {
    return this.collect(max, (line, head) => (head ? { seq: head.seq, value: { seq: head.seq, text: line.toString('utf8') } } : null));
  }

  private collect<T>(max: number, take: (line: Buffer, head: LineHead | null) => { seq: number; value: T } | null): T[] {
    const out: T[] = [];
    while (out.length < max && !this.done) {
      const line = this.nextLine();
      if (!line) break;
      const head = lineHead(line);
      if (head && head.seq <= this.lastSeq) continue;
      if (head && head.seq > this.throughSeq) {
        this.done = true;
        break;
      }
      const got = take(line, head);
      if (!got || got.seq <= this.lastSeq) continue;
      if (got.seq > this.throughSeq) {
        this.done = true;
        break;
      }
      if (!this.checked) {
        this.checked = true;
        // Bisection landed past the record we need (seqs out of order somewhere): read from the top instead.
        if (got.seq !== this.afterSeq + 1) {
          this.restart();
          continue;
        }
      }
      out.push(got.value);
      this.lastSeq = got.seq;
    }
    return out;
  }

  close(): void {
    this.done = true;
    if (this.fd !== null) closeSync(this.fd);
  }

  private restart(): void {
    this.pos = 0;
    this.data = Buffer.alloc(0);
    this.at = 0;
    this.lastSeq = this.afterSeq;
  }

  /** The next complete line, or null at the end (a torn tail is not a line). */
  private nextLine(): Buffer | null {
    for (;;) {
      const nl = this.data.indexOf(NL, this.at);
      if (nl !== -1) {
        const line = this.data.subarray(this.at, nl);
        this.at = nl + 1;
        return line;
      }
      if (this.fd === null || this.pos >= this.size) {
        this.done = true;
        return null;
      }
      const chunk = readAt(this.fd, this.pos, Math.min(this.chunk, this.size - this.pos));
      this.chunk = Math.min(FORWARD_MAX, this.chunk * 2);
      if (chunk.length === 0) {
        this.done = true;
        return null;
      }
      this.pos += chunk.length;
      const rest = this.data.subarray(this.at);
      this.data = rest.length === 0 ? chunk : Buffer.concat([rest, chunk]);
      this.at = 0;
    }
  }
}

/**
 * Records in (afterSeq, throughSeq], found by bisection rather than read from the top: what catch-up of a remote
 * journal asks for. A torn tail or a bad line on the way is skipped as the cursor skips it, not reported.
 */
export function readJournalRange(path: string, afterSeq: number, throughSeq = Number.MAX_SAFE_INTEGER): JournalRecord[] {
  const cursor = JournalCursor.open(path, afterSeq, throughSeq);
  try {
    return cursor.next(Number.MAX_SAFE_INTEGER);
  } finally {
    cursor.close();
  }
}
