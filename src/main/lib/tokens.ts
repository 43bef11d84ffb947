/** Secrets compared in constant time, so a wrong token's timing does not say how much of it was right. */
import { timingSafeEqual } from 'node:crypto';

export function tokensEqual(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
