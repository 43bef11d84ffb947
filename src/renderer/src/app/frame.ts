/** Events gathered per key and handled once a frame: a live agent's updates arrive far faster than a screen can show them. */

/** About one display frame. A timer by default (a hidden window must still keep its store current); see `atFrame`. */
export const FRAME_MS = 16;

export interface FrameBatch<V> {
  add(key: string, value: V): void;
  /** Handles what is pending now (nothing is lost when the window disconnects the store). */
  flush(): void;
  cancel(): void;
}

/**
 * A shown page runs a batch at the start of the next frame, so what it draws is painted in that frame; a
 * timer after a frame's length would land anywhere in it and wait for the next paint (issue 16: a streaming
 * transcript's latency). The timer stays as the fallback: a hidden or occluded window runs no frames.
 */
const nextFrame = (run: () => void): (() => void) | null => {
  if (typeof requestAnimationFrame !== 'function' || typeof document === 'undefined' || document.visibilityState !== 'visible') return null;
  const id = requestAnimationFrame(run);
  return () => cancelAnimationFrame(id);
};

/**
 * `run` gets every key added since the last frame, each with its values in the order they came.
 * `atFrame`: on a shown page, run at the next animation frame (the timer, three frames later, is the fallback).
 */
export function frameBatch<V>(run: (pending: Map<string, V[]>) => void, { ms = FRAME_MS, atFrame = false }: { ms?: number; atFrame?: boolean } = {}): FrameBatch<V> {
  let pending = new Map<string, V[]>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let frame: (() => void) | null = null;
  const stop = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    frame?.();
    frame = null;
  };
  const flush = (): void => {
    stop();
    if (pending.size === 0) return;
    const now = pending;
    pending = new Map();
    run(now);
  };
  return {
    add(key, value) {
      const held = pending.get(key);
      if (held) held.push(value);
      else pending.set(key, [value]);
      if (timer) return;
      frame = atFrame ? nextFrame(flush) : null;
      timer = setTimeout(flush, frame ? ms * 3 : ms);
    },
    flush,
    cancel() {
      stop();
      pending = new Map();
    },
  };
}

/**
 * One read per key at a time: asked again while one runs, it reads once more
 * after it (the newest state is read, nothing is lost), so reads never pile
 * up behind a busy main while agents stream.
 */
export function oneAtATime(read: (key: string) => Promise<void>): (key: string) => void {
  const running = new Set<string>();
  const again = new Set<string>();
  const run = (key: string): void => {
    running.add(key);
    void read(key).finally(() => {
      running.delete(key);
      if (again.delete(key)) run(key);
    });
  };
  return (key) => {
    if (running.has(key)) again.add(key);
    else run(key);
  };
}
