/** One seeded generator for the suites that replay a plan from a seed (soak, property, fuzz) and for the benches' synthetic data. */

/** mulberry32: small, fast and the same sequence for the same seed on every machine. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Rng {
  next(): number;
  int(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(xs: readonly T[]): T;
  bytes(n: number): Buffer;
}

export function seededRandom(seed: number): Rng {
  const next = mulberry32(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)] as T,
    bytes: (n) => Buffer.from(Array.from({ length: n }, () => int(0, 255))),
  };
}

/**
 * The seed for a fuzz, property or soak run: fixed in `npm test`, so the suite passes or fails the same way
 * every time; `<VAR>=<n>` replays one, `<VAR>=random` explores a fresh one (printed, so a failure can be replayed).
 */
export function chosenSeed(variable: string, fixed: number): number {
  const v = process.env[variable];
  if (v === 'random') return Math.floor(Math.random() * 2 ** 31);
  return v ? Number(v) : fixed;
}
