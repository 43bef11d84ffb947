const NEWLINE = 0x0a;
const CR = 0x0d;
export const PREVIEW_BYTES = 200;

/**
 * Splits a byte stream into newline-terminated lines without ever holding
 * more than `maxBytes` of one line: a longer line is dropped as it streams
 * and reported once, with its size and first bytes, when its newline comes.
 * `onLine` gets a view of the stream's memory, valid during the call only:
 * every caller decodes it at once and keeps nothing of it.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  private discarding = false;
  private discarded = 0;
  private preview: Buffer = Buffer.alloc(0);

  constructor(
    private readonly maxBytes: number,
    private readonly onLine: (line: Buffer) => void,
    private readonly onOversized: (bytes: number, preview: Buffer) => void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(NEWLINE, start);
      const end = nl === -1 ? chunk.length : nl;
      if (nl !== -1 && this.size === 0 && !this.discarding && end - start <= this.maxBytes) {
        // A whole line inside this chunk (the common case): handed over as a view, without a copy.
        this.onLine(end > start && chunk[end - 1] === CR ? chunk.subarray(start, end - 1) : chunk.subarray(start, end));
        start = nl + 1;
        continue;
      }
      this.take(chunk.subarray(start, end));
      if (nl === -1) return;
      this.finishLine();
      start = nl + 1;
    }
  }

  /** The stream ended: a last line without its newline still counts. */
  end(): void {
    if (this.size > 0 || this.discarding) this.finishLine();
  }

  private take(seg: Buffer): void {
    if (seg.length === 0) return;
    if (this.discarding) {
      this.discarded += seg.length;
      return;
    }
    if (this.size + seg.length > this.maxBytes) {
      this.discarding = true;
      this.discarded = this.size + seg.length;
      this.preview = Buffer.concat([...this.parts, seg.subarray(0, PREVIEW_BYTES)]).subarray(0, PREVIEW_BYTES);
      this.parts = [];
      this.size = 0;
      return;
    }
    // Copied: the chunk's memory may be reused by the stream after this call.
    this.parts.push(Buffer.from(seg));
    this.size += seg.length;
  }

  private finishLine(): void {
    if (this.discarding) {
      const bytes = this.discarded;
      const preview = this.preview;
      this.discarding = false;
      this.discarded = 0;
      this.preview = Buffer.alloc(0);
      this.onOversized(bytes, preview);
      return;
    }
    let line = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    if (line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, line.length - 1);
    this.onLine(line);
  }
}

/** A short, printable prefix of some bytes, for diagnostics a person reads. */
export function previewOf(bytes: Buffer | string, max = PREVIEW_BYTES): string {
  const text = typeof bytes === 'string' ? bytes.slice(0, max) : bytes.subarray(0, max).toString('utf8');
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '\uFFFD');
}
