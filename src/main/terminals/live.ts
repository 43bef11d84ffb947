/**
 * The terminals main is attached to right now: one host link each, a mirror
 * of its recent output (what `scrollback` answers while it runs), and the
 * batching of output chunks into `terminals.output` events.
 */
import type { TerminalOutput } from '../../shared/contracts/terminals';
import type { TerminalExitFact, TerminalLink } from './host-port';

/** What main keeps of a running terminal's stream, as the host's ring does. */
const MIRROR_BYTES = 1 << 20;
/**
 * Output after a quiet spell goes out at once (a keystroke's echo is not delayed); what follows within this
 * window is gathered into one event at its end, so a flood makes a few events a frame, not one per read.
 */
const BATCH_MS = 8;
const BATCH_BYTES = 256 * 1024;
/** A window that has carried less than this is interactive (echoes, prompts): its output goes out at once too. */
const INTERACTIVE_BYTES = 4096;

interface Chunk {
  at: number;
  end: number;
  data: string;
}

interface Live {
  link: TerminalLink;
  chunks: Chunk[];
  bytes: number;
  pending: Chunk[];
  timer: ReturnType<typeof setTimeout> | null;
  /** Bytes seen in the current window. */
  windowBytes: number;
  /** Set when main lets go on purpose (detach, shutdown): the close that follows is not news. */
  leaving: boolean;
}

export interface LiveTerminals {
  has(id: string): boolean;
  link(id: string): TerminalLink | null;
  /** Attaches to a connected host, replaying its ring into the mirror; `onEnded` hears how the connection ended. */
  adopt(id: string, link: TerminalLink, onEnded: (exit: TerminalExitFact | null) => void): Promise<void>;
  scrollback(id: string): { start: number; end: number; data: string } | null;
  /** Lets go of one host without stopping it. */
  detach(id: string): void;
  detachAll(): void;
}

export function createLiveTerminals(emitOutput: (o: TerminalOutput) => void): LiveTerminals {
  const live = new Map<string, Live>();

  const flush = (id: string, l: Live): void => {
    const p = l.pending;
    if (p.length === 0) return;
    l.pending = [];
    emitOutput({ terminalId: id, at: (p[0] as Chunk).at, end: (p[p.length - 1] as Chunk).end, data: p.map((c) => c.data).join('') });
  };

  const onOutput = (id: string, l: Live, c: Chunk): void => {
    l.chunks.push(c);
    l.bytes += c.end - c.at;
    while (l.bytes > MIRROR_BYTES && l.chunks.length > 1) {
      const old = l.chunks.shift() as Chunk;
      l.bytes -= old.end - old.at;
    }
    l.pending.push(c);
    l.windowBytes += c.end - c.at;
    if (l.timer === null) {
      flush(id, l);
      openWindow(id, l);
    } else if (l.windowBytes < INTERACTIVE_BYTES || c.end - (l.pending[0] as Chunk).at >= BATCH_BYTES) flush(id, l);
  };

  /** While chunks keep coming, windows follow each other; the first quiet window closes it. */
  const openWindow = (id: string, l: Live): void => {
    l.windowBytes = 0;
    l.timer = setTimeout(() => {
      l.timer = null;
      if (l.pending.length === 0) return;
      flush(id, l);
      openWindow(id, l);
    }, BATCH_MS);
  };

  return {
    has: (id) => live.has(id),
    link: (id) => live.get(id)?.link ?? null,

    async adopt(id, link, onEnded) {
      const l: Live = { link, chunks: [], bytes: 0, pending: [], timer: null, windowBytes: 0, leaving: false };
      live.set(id, l);
      link.onClose((exit) => {
        if (l.timer) clearTimeout(l.timer);
        l.timer = null;
        flush(id, l);
        if (live.get(id) === l) live.delete(id);
        if (!l.leaving) onEnded(exit);
      });
      await link.attach(0, (at, end, data) => onOutput(id, l, { at, end, data }));
    },

    scrollback(id) {
      const l = live.get(id);
      if (!l) return null;
      const first = l.chunks[0];
      const last = l.chunks[l.chunks.length - 1];
      return { start: first?.at ?? 0, end: last?.end ?? 0, data: l.chunks.map((c) => c.data).join('') };
    },

    detach(id) {
      const l = live.get(id);
      if (!l) return;
      l.leaving = true;
      if (l.timer) clearTimeout(l.timer);
      l.timer = null;
      flush(id, l);
      live.delete(id);
      l.link.detach();
    },

    detachAll() {
      for (const id of [...live.keys()]) this.detach(id);
    },
  };
}
