import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHarness, type Harness } from '../../support/core-harness';

/** A call that reaches main while it shuts down (a browser tab, a `baton` command, a test's teardown). */
describe('a call while the core is closing or closed', () => {
  let h: Harness | null = null;
  afterEach(async () => {
    vi.restoreAllMocks();
    await h?.cleanup();
    h = null;
  });

  it('is refused with store_unavailable and what to do, never run against the closed database or logged as a bug', async () => {
    h = createHarness();
    await h.must('projects.list', {});
    const bugs = vi.spyOn(console, 'error');
    const closing = h.core.close();
    // Refused from the moment close begins, not only once the database has gone.
    const during = await h.call('sessions.list', {});
    await closing;
    const after = await h.call('projects.list', {});
    for (const r of [during, after]) {
      expect(r).toMatchObject({ ok: false, error: { code: 'store_unavailable' } });
      if (!r.ok) expect(r.error.message).toBe('Baton is shutting down; try again once it has started again.');
    }
    expect(bugs).not.toHaveBeenCalled();
  });
});
