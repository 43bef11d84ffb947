/** One way for a command to ask main again for a moment: a fact may still be on its way to a just-attached main. */
import type { Result } from '../shared/result';

const EVERY_MS = 100;

/** Asks, then again every 100 ms, until the answer is an error, `settled` accepts it, or `ms` has passed (the last answer is returned). */
export async function askUntil<T>(ask: () => Promise<Result<T>>, settled: (v: T) => boolean, ms: number): Promise<Result<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const r = await ask();
    if (!r.ok || settled(r.value) || Date.now() >= end) return r;
    await new Promise((res) => setTimeout(res, EVERY_MS));
  }
}
