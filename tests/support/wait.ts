/** The one polling helper for tests: wait for a positive signal, and fail loudly (naming it) when it never comes. */

/**
 * Calls `fn` until `pred` holds for its value and returns that value; checked first, so a
 * condition already met costs no wait. On timeout it throws naming `what` and the last value.
 */
export async function waitUntil<T>(fn: () => T | Promise<T>, pred: (v: T) => boolean, ms = 15_000, what = 'condition', stepMs = 50): Promise<T> {
  const end = Date.now() + ms;
  let last: T = await fn();
  while (!pred(last)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)?.slice(-1200)}`);
    await new Promise((r) => setTimeout(r, stepMs));
    last = await fn();
  }
  return last;
}

/** Waits until `cond()` is true; throws naming `what` after `ms`. */
export async function until(cond: () => boolean, what: string, ms = 10_000, stepMs = 10): Promise<void> {
  await waitUntil(cond, (v) => v, ms, what, stepMs);
}

/**
 * A session that takes a prompt now: idle, and no prompt of its own still on its way to the agent (ADR 0033).
 * Right after `sessions.create` with a prompt the state reads idle for a moment before that first prompt is
 * journaled; a prompt sent then is refused, as a person's Send is while the card says Working.
 */
export const readyForPrompt = (s: { state: string; promptSent?: boolean } | null | undefined): boolean => !!s && s.state === 'idle' && s.promptSent !== true;
