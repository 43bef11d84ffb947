import { describe, expect, it } from 'vitest';
import { minutesText, parseMinutes } from '../../src/renderer/src/features/settings/hibernate-setting';

describe('the hibernation minutes field of the settings dialog', () => {
  it('shows the stored seconds as minutes, the default when none was saved', () => {
    expect(minutesText({})).toBe('5');
    expect(minutesText({ hibernateAfterSeconds: 0 })).toBe('0');
    expect(minutesText({ hibernateAfterSeconds: 600 })).toBe('10');
    expect(minutesText({ hibernateAfterSeconds: 1 })).toBe('0.02');
  });

  it.each([
    ['10', 600],
    [' 0 ', 0],
    ['1.5', 90],
    ['10080', 604_800],
  ])('%j minutes saves %d seconds', (text, seconds) => {
    expect(parseMinutes(text)).toEqual({ ok: true, seconds });
  });

  it.each(['', 'ten', '-1', '10081', 'Infinity'])('%j is refused with what to type instead', (text) => {
    const r = parseMinutes(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/from 0 \(never\) to 10080/);
  });
});
