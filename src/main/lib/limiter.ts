/** At most `limit` async jobs at once, the rest queued in order (git reads for twenty cards must not start twenty gits). */
export function createLimiter(limit: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async function run<T>(fn: () => Promise<T>): Promise<T> {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await fn();
    } finally {
      // The slot goes straight to the next waiting job: a job arriving in between cannot take it as well.
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
