/** Timers for main's polling loops; the session host keeps its own (it imports nothing from the app). */

export const sleep = (ms: number): Promise<void> => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Polls `pred` every `stepMs` until it holds (true) or `ms` have passed
 * (false). It is checked first, so a condition already met costs no wait.
 */
export async function waitUntil(pred: () => boolean, ms: number, stepMs = 50): Promise<boolean> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() >= end) return false;
    await sleep(stepMs);
  }
  return true;
}

/** waitUntil for a condition that needs a round trip to know (a host on another machine): each check awaited before the next. */
export async function waitUntilAsync(pred: () => Promise<boolean>, ms: number, stepMs = 50): Promise<boolean> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() >= end) return false;
    await sleep(stepMs);
  }
  return true;
}
