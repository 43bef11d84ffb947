/**
 * The terminal's scrollback: a fixed-size ring of the last N bytes of output,
 * kept in memory for replays and mirrored to one file (mode 0600) so it
 * outlives the host. The file is `header + capacity bytes`: the header holds
 * the total ever written, so the ring's edge is `total % capacity`. It never
 * grows past its capacity plus the header.
 */
import { closeSync, fstatSync, openSync, readFileSync, writeSync } from 'node:fs';

const MAGIC = 'BTR1';
export const RING_HEADER_BYTES = 16;

/** What a ring holds: bytes [start, end) of the stream. */
export interface RingSlice {
  start: number;
  end: number;
  data: Buffer;
}

function parseHeader(buf: Buffer): { capacity: number; total: number } | null {
  if (buf.length < RING_HEADER_BYTES || buf.toString('latin1', 0, 4) !== MAGIC) return null;
  const capacity = buf.readUInt32LE(4);
  const total = Number(buf.readBigUInt64LE(8));
  return capacity > 0 && Number.isSafeInteger(total) ? { capacity, total } : null;
}

/** Unwraps a ring's body into stream order. */
function unwrap(body: Buffer, capacity: number, total: number): RingSlice {
  if (total <= capacity) return { start: 0, end: total, data: Buffer.from(body.subarray(0, total)) };
  const edge = total % capacity;
  return { start: total - capacity, end: total, data: Buffer.concat([body.subarray(edge, capacity), body.subarray(0, edge)]) };
}

/** Reads a ring file written by a host (alive or gone); empty when it is missing or not a ring. */
export function readRingFile(path: string): RingSlice {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch {
    return { start: 0, end: 0, data: Buffer.alloc(0) };
  }
  const h = parseHeader(raw);
  if (!h) return { start: 0, end: 0, data: Buffer.alloc(0) };
  const body = Buffer.alloc(h.capacity);
  raw.copy(body, 0, RING_HEADER_BYTES, RING_HEADER_BYTES + h.capacity);
  return unwrap(body, h.capacity, h.total);
}

export class ScrollbackRing {
  private readonly body: Buffer;
  private total: number;
  private readonly header = Buffer.alloc(RING_HEADER_BYTES);

  private constructor(
    private readonly fd: number,
    private readonly capacity: number,
    existing: RingSlice,
  ) {
    this.body = Buffer.alloc(capacity);
    this.total = 0;
    this.header.write(MAGIC, 0, 'latin1');
    this.header.writeUInt32LE(capacity, 4);
    // A restarted terminal goes on from the old stream's end: its history stays above the new shell's output.
    if (existing.end > 0) {
      this.total = existing.start;
      this.append(existing.data);
    } else {
      this.writeHeader();
    }
  }

  /** Opens (creating with 0600) the ring file, keeping what an earlier host of this terminal wrote. */
  static open(path: string, capacity: number): ScrollbackRing {
    const existing = readRingFile(path);
    const fd = openSync(path, 'w', 0o600);
    return new ScrollbackRing(fd, capacity, existing);
  }

  get start(): number {
    return Math.max(0, this.total - this.capacity);
  }

  get end(): number {
    return this.total;
  }

  /** Appends output: into memory, then to the file (body, then the header that makes it count). */
  append(chunk: Buffer): void {
    const keep = chunk.length > this.capacity ? chunk.subarray(chunk.length - this.capacity) : chunk;
    this.total += chunk.length - keep.length;
    let pos = this.total % this.capacity;
    let off = 0;
    while (off < keep.length) {
      const n = Math.min(keep.length - off, this.capacity - pos);
      keep.copy(this.body, pos, off, off + n);
      writeSync(this.fd, keep, off, n, RING_HEADER_BYTES + pos);
      off += n;
      pos = (pos + n) % this.capacity;
    }
    this.total += keep.length;
    this.writeHeader();
  }

  /** Bytes [max(from, start), end), for a replay. */
  since(from: number): RingSlice {
    const all = unwrap(this.body, this.capacity, this.total);
    const at = Math.min(Math.max(from, all.start), all.end);
    return { start: at, end: all.end, data: all.data.subarray(at - all.start) };
  }

  /** The file's size, for tests of its bound. */
  fileSize(): number {
    return fstatSync(this.fd).size;
  }

  close(): void {
    closeSync(this.fd);
  }

  private writeHeader(): void {
    this.header.writeBigUInt64LE(BigInt(this.total), 8);
    writeSync(this.fd, this.header, 0, RING_HEADER_BYTES, 0);
  }
}
