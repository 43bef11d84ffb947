import { describe, expect, it } from 'vitest';
import { describeReasons, type WakeReason } from '../../../src/main/tasks/wakes-repository';

const at = '2026-01-01T00:00:00.000Z';
const ended = (sessionId: string): WakeReason => ({ kind: 'worker_ended', sessionId, title: sessionId, at });

describe('the wake summary counts workers, not turns', () => {
  it('five turns ended by two workers are two workers', () => {
    const reasons = [ended('w1'), ended('w2'), ended('w1'), ended('w2'), ended('w1')];
    expect(describeReasons(reasons)).toBe('2 workers finished their turn');
  });

  it('one worker ending twice is one worker; runs still count one each', () => {
    const reasons: WakeReason[] = [
      { kind: 'enqueued', runId: 'r1', at },
      { kind: 'enqueued', runId: 'r2', at },
      ended('w1'),
      ended('w1'),
    ];
    expect(describeReasons(reasons)).toBe('2 new runs, 1 worker finished its turn');
  });
});
