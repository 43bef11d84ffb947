import { describe, expect, it } from 'vitest';
import { createRouter } from '../../../src/main/api/router';
import { testContract, testHandlers } from '../../support/test-contract';

const router = createRouter(testContract, testHandlers, { onBug: () => {} });
const ctx = { via: 'test' };

describe('router', () => {
  it('answers a valid call', async () => {
    expect(await router.call('math.add', { a: 2, b: 3 }, ctx)).toEqual({ ok: true, value: { sum: 5 } });
  });

  it('rejects invalid input naming the field', async () => {
    const r = await router.call('math.add', { a: 'two', b: 3 }, ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('invalid_input');
      expect(r.error.message).toBe('The a is not valid: expected a number.');
    }
  });

  it('rejects unknown keys (strict inputs)', async () => {
    const r = await router.call('math.add', { a: 1, b: 2, c: 3 }, ctx);
    expect(r.ok ? null : r.error.code).toBe('invalid_input');
  });

  it('answers unknown procedures, including prototype names', async () => {
    for (const name of ['math.nope', 'nope.add', 'math', '', 'math.constructor', '__proto__.toString', 'math.hasOwnProperty']) {
      const r = await router.call(name, {}, ctx);
      expect(r.ok ? null : r.error.code, name).toBe('unknown_procedure');
    }
  });

  it('passes expected failures through as data', async () => {
    expect(await router.call('math.divide', { a: 1, b: 0 }, ctx)).toEqual({
      ok: false,
      error: { code: 'division_by_zero', message: 'Cannot divide by zero.' },
    });
  });

  it('turns a thrown error into {code, message} without a stack trace', async () => {
    const r = await router.call('math.boom', {}, ctx);
    expect(r).toEqual({ ok: false, error: { code: 'internal', message: 'kaboom' } });
    expect(JSON.stringify(r)).not.toContain('secret');
  });

  it('strips fields the output schema does not declare', async () => {
    const r = await router.call('math.leak', {}, ctx);
    expect(r).toEqual({ ok: true, value: { name: 'visible' } });
    expect(JSON.stringify(r)).not.toContain('hunter2');
  });
});
