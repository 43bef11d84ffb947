/** How core.ts runs a domain rule that follows a committed fact: its failure is logged, never thrown back. */

/**
 * Runs a domain rule triggered by a fact already committed. Its failure is
 * logged, never thrown into the code that reported the fact (as a failing
 * hub listener never was), so the broadcast after it still goes out.
 */
export function domainRule(what: string, rule: () => void): void {
  try {
    rule();
  } catch (e) {
    console.error(`[baton] reacting to ${what} failed:`, e);
  }
}
