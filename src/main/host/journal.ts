import { appendFileSync, closeSync, fdatasync, fdatasyncSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import type { HostFaults } from './debug-point';
import { headerSeq, parseRecordLine, scanJournal, type JournalDiagnostic } from './journal-read';
import { JOURNAL_VERSION, type DiagnosticMessage, type Direction } from './protocol';

export interface JournalLine {
  seq: number;
  /** The record as written, without its newline. */
  text: string;
}

export interface OpenedJournal {
  journal: Journal;
  /** What the scan skipped; a torn tail has already been cut off and saved aside. */
  diagnostics: JournalDiagnostic[];
  torn: { bytes: number; preview: string } | null;
}

/** The host record that says a torn tail was cut off and kept aside, journaled by whoever opened the journal for writing. */
export function tornDiagnostic(torn: NonNullable<OpenedJournal['torn']>): DiagnosticMessage {
  return { diagnostic: `The journal's last line was torn by a crash (${torn.bytes} bytes); it was skipped and saved to journal.torn.`, kind: 'torn_journal', bytes: torn.bytes, preview: torn.preview };
}

const INDEX_EVERY = 256;
const RING_MAX_LINES = 4096;
const RING_MAX_BYTES = 16 * 1024 * 1024;
const READ_CHUNK = 1 << 20;

/**
 * The session's append-only journal, written by this process alone. Every
 * record is written with one synchronous write before anyone sees it: once
 * `append` returns, the bytes are in the kernel and survive a crash of this
 * process (ADR 0005). fdatasync runs after every record, or grouped every
 * `fsyncIntervalMs`, for power loss; the grouped one on libuv's thread pool:
 * behind a busy disk it took 20–54 ms, and on this thread it held the next
 * read of the agent's output that long (ADR 0031).
 */
export class Journal {
  private seq: number;
  private size: number;
  private dirty = false;
  /** A grouped sync is on the thread pool: one at a time, so a slow disk never fills the pool (file reads use it too). */
  private syncing = false;
  /** Closed while a sync was on the pool: the fd is closed when it returns, never under it. */
  private closeAfterSync = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Sparse seq → byte offset, so catch-up reads start near the first line it needs. */
  private readonly index: Array<[number, number]> = [];
  /** The newest lines in memory: a live reader is served from here, not the file. */
  private ring: JournalLine[] = [];
  private ringBytes = 0;
  private reader: Promise<FileHandle> | null = null;
  /**
   * The file held lines that are not valid records when it was opened (a
   * damaged line, a repeat): the old part is then read line by line with
   * the full parser, so such a line is skipped rather than streamed to main.
   */
  private damaged = false;
  /** Crash points for fault-injection tests; null in normal runs. */
  faults: HostFaults | null = null;

  private constructor(
    readonly path: string,
    private readonly fd: number,
    lastSeq: number,
    size: number,
    private readonly fsyncIntervalMs: number,
  ) {
    this.seq = lastSeq;
    this.size = size;
  }

  /**
   * Opens (creating) the journal and continues after its last valid record.
   * A torn tail is cut off, so the next record starts on a line of its own,
   * and its bytes are appended to `tornPath`: nothing is thrown away, and it
   * was never forwarded, because records are written before they are sent.
   */
  static open(path: string, tornPath: string, fsyncIntervalMs: number): OpenedJournal {
    const index: Array<[number, number]> = [];
    let count = 0;
    const scan = scanJournal(path, 0, (rec, _text, offset) => {
      if (count++ % INDEX_EVERY === 0) index.push([rec.seq, offset]);
    });
    const fd = openSync(path, 'a+');
    let torn: OpenedJournal['torn'] = null;
    if (scan.size > scan.completeBytes) {
      const bytes = scan.size - scan.completeBytes;
      const tail = Buffer.allocUnsafe(bytes);
      readSync(fd, tail, 0, bytes, scan.completeBytes);
      appendFileSync(tornPath, Buffer.concat([tail, Buffer.from('\n')]));
      ftruncateSync(fd, scan.completeBytes);
      fdatasyncSync(fd);
      torn = { bytes, preview: scan.diagnostics.find((d) => d.kind === 'torn')?.preview ?? '' };
    }
    const journal = new Journal(path, fd, scan.lastSeq, scan.completeBytes, fsyncIntervalMs);
    journal.index.push(...index);
    journal.damaged = scan.diagnostics.some((d) => d.kind === 'invalid' || d.kind === 'duplicate');
    return { journal, diagnostics: scan.diagnostics, torn };
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** Journals one message; returns the line. The message must be JSON-serializable. */
  append(dir: Direction, msg: unknown): JournalLine {
    return this.appendJson(dir, JSON.stringify(msg));
  }

  /**
   * Journals a message given as JSON text, spliced in unchanged: the agent's
   * exact bytes are kept and a large message is not parsed twice. The caller
   * has already checked that it is one line of valid JSON.
   */
  appendJson(dir: Direction, msgJson: string): JournalLine {
    const seq = this.seq + 1;
    const text = `{"v":${JOURNAL_VERSION},"seq":${seq},"ts":${Date.now()},"dir":"${dir}","msg":${msgJson}}`;
    const bytes = Buffer.from(`${text}\n`, 'utf8');
    this.faults?.beforeWrite(this.fd, bytes);
    let written = 0;
    while (written < bytes.length) written += writeSync(this.fd, bytes, written, bytes.length - written);
    this.faults?.afterAppend(this.fd);
    this.seq = seq;
    if ((seq - 1) % INDEX_EVERY === 0 || this.index.length === 0) this.index.push([seq, this.size]);
    this.size += bytes.length;
    this.remember({ seq, text }, bytes.length);
    this.scheduleSync();
    return { seq, text };
  }

  /**
   * Journals several messages of one direction with one write (the lines of one read of the agent's stdout):
   * the same records, in the same order, as appendJson one by one, with one syscall instead of one per line.
   * Under a crash point each is written on its own, so the points count records as before.
   */
  appendManyJson(dir: Direction, msgJsons: readonly string[]): void {
    if (this.faults || msgJsons.length === 1) {
      for (const m of msgJsons) this.appendJson(dir, m);
      return;
    }
    const ts = Date.now();
    const lines: JournalLine[] = [];
    let all = '';
    for (const m of msgJsons) {
      const seq = this.seq + 1 + lines.length;
      const text = `{"v":${JOURNAL_VERSION},"seq":${seq},"ts":${ts},"dir":"${dir}","msg":${m}}`;
      lines.push({ seq, text });
      all += `${text}\n`;
    }
    const bytes = Buffer.from(all, 'utf8');
    let written = 0;
    while (written < bytes.length) written += writeSync(this.fd, bytes, written, bytes.length - written);
    for (const line of lines) {
      const size = Buffer.byteLength(line.text) + 1;
      this.seq = line.seq;
      if ((line.seq - 1) % INDEX_EVERY === 0 || this.index.length === 0) this.index.push([line.seq, this.size]);
      this.size += size;
      this.remember(line, size);
    }
    this.scheduleSync();
  }

  /** Lines with seq > afterSeq, from memory when they are recent, else from the file; at most about maxBytes. */
  async linesAfter(afterSeq: number, maxBytes: number): Promise<JournalLine[]> {
    const first = this.ring[0];
    if (!first || first.seq > afterSeq + 1) {
      const fromFile = await this.readFile(afterSeq, first ? first.seq - 1 : this.seq, maxBytes);
      // Empty means the file holds nothing in that range (a hole left by an old crash): go on from memory.
      if (fromFile.length > 0 || !first) return fromFile;
    }
    return this.fromRing(afterSeq, maxBytes);
  }

  private fromRing(afterSeq: number, maxBytes: number): JournalLine[] {
    const ring = this.ring;
    const first = ring[0];
    if (!first) return [];
    const out: JournalLine[] = [];
    let bytes = 0;
    // The ring is contiguous (this process wrote it), so the start is an index, not a search.
    for (let i = Math.max(0, afterSeq + 1 - first.seq); i < ring.length && bytes < maxBytes; i++) {
      const l = ring[i] as JournalLine;
      out.push(l);
      bytes += l.text.length;
    }
    return out;
  }

  /** Syncs now, on this thread: whatever was written is on disk when it returns. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // A sync still on the pool may have started before the last write: this one covers both.
    if (!this.dirty && !this.syncing) return;
    this.dirty = false;
    fdatasyncSync(this.fd);
  }

  close(): void {
    try {
      this.flush();
    } finally {
      if (this.syncing) this.closeAfterSync = true;
      else closeSync(this.fd);
      void this.reader?.then((h) => h.close()).catch(() => undefined);
      this.reader = null;
    }
  }

  private remember(line: JournalLine, bytes: number): void {
    this.ring.push(line);
    this.ringBytes += bytes;
    if (this.ring.length <= 2 * RING_MAX_LINES && this.ringBytes <= RING_MAX_BYTES) return;
    // Trimmed down to half the byte budget in one go: dropping one line per append would copy the ring every time.
    let drop = 0;
    while (this.ring.length - drop > 1 && (this.ring.length - drop > RING_MAX_LINES || this.ringBytes > RING_MAX_BYTES / 2)) {
      this.ringBytes -= Buffer.byteLength((this.ring[drop] as JournalLine).text) + 1;
      drop++;
    }
    this.ring = this.ring.slice(drop);
  }

  private scheduleSync(): void {
    if (this.fsyncIntervalMs <= 0) {
      fdatasyncSync(this.fd);
      return;
    }
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.dirty || this.closeAfterSync) return;
      if (this.syncing) {
        this.scheduleSync();
        return;
      }
      this.dirty = false;
      this.syncing = true;
      // The records are in the kernel already (a crash of this process loses nothing): nothing waits for this.
      fdatasync(this.fd, () => {
        this.syncing = false;
        // A failing disk is reported by the next write; a sync's own error must not crash the host.
        if (!this.closeAfterSync) return;
        try {
          closeSync(this.fd);
        } catch {
          // Closing is all that was left to do; the host is ending.
        }
      });
    }, this.fsyncIntervalMs);
    this.timer.unref();
  }

  private async readFile(afterSeq: number, untilSeq: number, maxBytes: number): Promise<JournalLine[]> {
    if (untilSeq <= afterSeq) return [];
    let start = 0;
    for (const [seq, offset] of this.index) {
      if (seq > afterSeq + 1) break;
      start = offset;
    }
    // One handle, opened once even if two readers (an old and a new connection) start together.
    this.reader ??= open(this.path, 'r');
    const reader = await this.reader;
    const out: JournalLine[] = [];
    let bytes = 0;
    let carry = '';
    // A multi-byte character may straddle two reads.
    const decoder = new StringDecoder('utf8');
    const buf = Buffer.allocUnsafe(READ_CHUNK);
    let pos = start;
    const end = this.size;
    while (pos < end && bytes < maxBytes) {
      const { bytesRead } = await reader.read(buf, 0, Math.min(READ_CHUNK, end - pos), pos);
      if (bytesRead <= 0) break;
      pos += bytesRead;
      const parts = (carry + decoder.write(buf.subarray(0, bytesRead))).split('\n');
      carry = parts.pop() ?? '';
      for (const text of parts) {
        // A line this process wrote is valid by construction; an old one of a damaged file must prove it.
        const seq = this.damaged ? (parseRecordLine(text)?.seq ?? null) : (headerSeq(text) ?? parseRecordLine(text)?.seq ?? null);
        if (seq === null || seq <= afterSeq) continue;
        if (seq > untilSeq) return out;
        out.push({ seq, text });
        bytes += text.length;
        if (bytes >= maxBytes) return out;
      }
    }
    return out;
  }
}
