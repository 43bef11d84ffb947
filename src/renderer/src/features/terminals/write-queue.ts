/** Feeds xterm.js one write at a time, gathering a flood into a few large writes a second, so it is parsed in large pieces and painted less often. */

/**
 * The most text one write carries. xterm.js parses a write without yielding and paints between writes; a piece this
 * size is parsed in a few tens of ms, so a keystroke still answers during a flood.
 */
export const MAX_WRITE_CHARS = 1 << 20;
/**
 * After a large write, the next one waits until this long after it began, gathering what arrives meanwhile: a flood
 * is painted about 20 times a second instead of every frame (each paint of the DOM renderer costs a few ms of
 * style, layout and raster, which at 60 a second was a third of the page's CPU per flood).
 */
export const GATHER_MS = 50;
/** A write under this is interactive (an echo, a prompt): what follows it goes out as soon as it is parsed. */
export const INTERACTIVE_CHARS = 4096;
/**
 * The most text kept waiting for the terminal: twice the host's scrollback ring (1 MiB). Past it the queue drops its
 * backlog and says so, and the pane reads the scrollback again, as tmux redraws a client that cannot keep up: what
 * the person sees is what a reload would show (the ring's latest MiB), without parsing megabytes that scroll away.
 * Output the terminal keeps up with never comes near it; memory stays bounded under `yes` or a runaway log.
 */
export const MAX_BACKLOG_CHARS = 2 * (1 << 20);
/** Output keeps arriving faster than xterm parses it when, after each write for this long, this much more already waits. */
export const FLOOD_MS = 100;
export const FLOOD_CHARS = 256 * 1024;

export interface WriteQueue {
  /** Text for the terminal: written at once when the terminal is idle (an echo is not delayed), else joined into a later write. */
  push(data: string): void;
  /** Drops what was not handed to the terminal yet (a reset follows: it would be shown twice). */
  clear(): void;
  /** Stops writing: the terminal is gone. */
  close(): void;
}

export interface WriteQueueOptions {
  maxChars?: number;
  gatherMs?: number;
  maxBacklogChars?: number;
  floodMs?: number;
  /** The backlog passed its bound and was dropped: the caller shows the latest output another way (the scrollback). */
  onOverflow?: () => void;
}

/** `write(data, done)`: the terminal's write, `done` called once it has parsed `data` (xterm.js's write callback). */
export function createWriteQueue(write: (data: string, done: () => void) => void, opts: WriteQueueOptions = {}): WriteQueue {
  const maxChars = opts.maxChars ?? MAX_WRITE_CHARS;
  const gatherMs = opts.gatherMs ?? GATHER_MS;
  const maxBacklog = opts.maxBacklogChars ?? MAX_BACKLOG_CHARS;
  const floodMs = opts.floodMs ?? FLOOD_MS;
  /** Since when every write has found a flood's worth more waiting when it was parsed; null when the terminal keeps up. */
  let behindSince: number | null = null;
  let parts: string[] = [];
  let queued = 0;
  /** A write handed to the terminal and not parsed yet, or a gathering window open. */
  let busy = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;
  // A write's callback may come after a clear and a new push, which started its own write: only the latest one goes on.
  let generation = 0;

  const next = (): void => {
    timer = null;
    if (closed || parts.length === 0) {
      busy = false;
      return;
    }
    let n = 0;
    let size = 0;
    do size += (parts[n++] as string).length;
    while (n < parts.length && size + (parts[n] as string).length <= maxChars);
    const data = n === 1 ? (parts[0] as string) : parts.slice(0, n).join('');
    parts = parts.slice(n);
    queued -= size;
    busy = true;
    const mine = generation;
    const began = performance.now();
    write(data, () => {
      if (mine !== generation || closed) return;
      const now = performance.now();
      if (queued < FLOOD_CHARS) behindSince = null;
      else if (behindSince === null) behindSince = began;
      else if (now - behindSince >= floodMs) {
        // A flood the terminal cannot keep up with: caught up from the scrollback rather than parsed to the end.
        behindSince = null;
        queue.clear();
        opts.onOverflow?.();
        return;
      }
      const wait = gatherMs - (now - began);
      // Small (an echo) or already a full piece waiting (the terminal is the slow part): no reason to wait.
      if (size < INTERACTIVE_CHARS || queued >= maxChars || wait <= 0) next();
      else timer = setTimeout(next, wait);
    });
  };

  const queue: WriteQueue = {
    push(data) {
      if (closed || data.length === 0) return;
      parts.push(data);
      queued += data.length;
      if (queued > maxBacklog) {
        queue.clear();
        opts.onOverflow?.();
        return;
      }
      if (!busy) next();
      else if (timer !== null && queued >= maxChars) {
        clearTimeout(timer);
        next();
      }
    },
    clear() {
      behindSince = null;
      parts = [];
      queued = 0;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      // What xterm is parsing now stays its own; the next push starts a write without waiting for it.
      generation += 1;
      busy = false;
    },
    close() {
      closed = true;
      parts = [];
      queued = 0;
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
  return queue;
}
