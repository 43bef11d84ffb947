import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/main/host/config';
import { HOST_DEBUG_POINTS, isHostDebugPoint } from '../../../src/main/host/debug-point';
import { DEBUG_POINTS } from '../../../src/main/recovery/debug-points';

const base = { v: 1, sessionId: 's-1', dataDir: '/d', cwd: '/c', command: 'agent', args: [], env: {}, socketPath: '/d/s.sock', launchId: 'l' };

describe('host crash points in the host config', () => {
  it('are the journal-side points of the app-wide list', () => {
    expect(DEBUG_POINTS).toEqual(expect.arrayContaining([...HOST_DEBUG_POINTS]));
    expect(isHostDebugPoint('mid_journal_write:13')).toBe(true);
    expect(isHostDebugPoint('after_projection_commit')).toBe(false);
  });

  it('are accepted by name or name:N, and a misspelt one is refused rather than silently injecting nothing', () => {
    expect(parseConfig({ ...base, debugPoint: 'after_journal_append:13' })).toMatchObject({ debugPoint: 'after_journal_append:13' });
    expect(parseConfig(base)).not.toHaveProperty('debugPoint');
    expect(parseConfig({ ...base, debugPoint: 'mid_journal_wirte' })).toMatch(/debugPoint/);
    expect(parseConfig({ ...base, debugPoint: 'before_broadcast' })).toMatch(/debugPoint/);
    expect(parseConfig({ ...base, debugPoint: 7 })).toMatch(/debugPoint/);
  });
});
