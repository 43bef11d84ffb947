/** A bench's wait for output it is told about: `until(has)` resolves once `has()` holds, checked at each `wake()`. */
export interface Waiter {
  wake: () => void;
  until: (has: () => boolean) => Promise<void>;
}

/** Resolves each `until` once `has()` holds, checked whenever the caller reports new output through `wake`. */
export function waiter(): Waiter {
  let pending: (() => void) | null = null;
  return {
    wake: () => pending?.(),
    until: (has) =>
      new Promise<void>((resolve) => {
        if (has()) return resolve();
        pending = () => {
          if (!has()) return;
          pending = null;
          resolve();
        };
      }),
  };
}
