import { describe, expect, it } from 'vitest';
import { createLimiter } from '../../../src/main/lib/limiter';

/** A job that runs until its gate is opened, counting how many run at once. */
function gatedJobs(run: ReturnType<typeof createLimiter>, n: number) {
  let now = 0;
  let most = 0;
  const started: number[] = [];
  const gates: (() => void)[] = [];
  const done = Array.from({ length: n }, (_, i) =>
    run(async () => {
      now++;
      most = Math.max(most, now);
      started.push(i);
      await new Promise<void>((resolve) => (gates[i] = resolve));
      now--;
      return i;
    }),
  );
  return { done, started, gates, most: () => most };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('createLimiter', () => {
  it('runs at most `limit` jobs at once, the others in the order they came, and every result gets back', async () => {
    const run = createLimiter(2);
    const jobs = gatedJobs(run, 6);
    await settle();
    expect(jobs.started).toEqual([0, 1]);
    jobs.gates[1]?.();
    await settle();
    expect(jobs.started).toEqual([0, 1, 2]);
    // A job that arrives while a slot is being handed over waits its turn too.
    jobs.gates[0]?.();
    const late = run(async () => 'late');
    await settle();
    expect(jobs.started).toEqual([0, 1, 2, 3]);
    for (let i = 2; i < 6; i++) {
      jobs.gates[i]?.();
      await settle();
    }
    expect(await Promise.all(jobs.done)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await late).toBe('late');
    expect(jobs.most()).toBe(2);
  });

  it('a job that throws frees its slot', async () => {
    const run = createLimiter(1);
    await expect(run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await run(async () => 'next')).toBe('next');
  });
});
