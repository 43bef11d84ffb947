import { describe, expect, it } from 'vitest';
import { chooseToken, MIN_TOKEN_LENGTH } from '../../../src/main/launch/token';

const LONG = 'k'.repeat(MIN_TOKEN_LENGTH);

describe('the launch token', () => {
  it('is null (a fresh random one) when neither --token nor BATON_TOKEN is given; an empty BATON_TOKEN counts as unset', () => {
    expect(chooseToken(undefined, undefined)).toEqual({ ok: true, value: null });
    expect(chooseToken(undefined, '')).toEqual({ ok: true, value: null });
  });

  it('takes --token first, then BATON_TOKEN', () => {
    expect(chooseToken(LONG, `${LONG}-env`)).toEqual({ ok: true, value: LONG });
    expect(chooseToken(undefined, `${LONG}-env`)).toEqual({ ok: true, value: `${LONG}-env` });
  });

  it('refuses one shorter than 32 characters, saying where it came from and what to do', () => {
    const short = chooseToken('k'.repeat(31), undefined);
    expect(short).toMatchObject({ ok: false, error: { code: 'token_too_short' } });
    if (!short.ok) {
      expect(short.error.message).toContain('the token from --token is 31 characters long; it must be at least 32');
      expect(short.error.message).toContain('BATON_TOKEN');
    }
    const env = chooseToken(undefined, 'secret');
    expect(env).toMatchObject({ ok: false, error: { message: expect.stringContaining('the token from BATON_TOKEN is 6 characters long') } });
    // An explicitly empty --token is a given token, and too short.
    expect(chooseToken('', undefined).ok).toBe(false);
  });

  it('counts characters, not UTF-16 units', () => {
    expect(chooseToken('🔑'.repeat(31), undefined).ok).toBe(false);
    expect(chooseToken('🔑'.repeat(32), undefined).ok).toBe(true);
  });
});
