/** Events gathered per key and handled once a frame: a live agent's updates arrive far faster than a screen can show them. */

/** About one display frame. A timer, not requestAnimationFrame: a hidden window must still keep its store current. */
export const FRAME_MS = 16;

export interface FrameBatch<V> {
  add(key: string, value: V): void;
  /** Handles what is pending now (nothing is lost when the window disconnects the store). */
  flush(): void;
  cancel(): void;
}

/** `run` gets every key added since the last frame, each with its values in the order they came. */
export function frameBatch<V>(run: (pending: Map<string, V[]>) => void, ms = FRAME_MS): FrameBatch<V> {
  let pending = new Map<string, V[]>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
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
      timer ??= setTimeout(flush, ms);
    },
    flush,
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
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
