// A core harness made fresh in each test, optionally with the app's control socket, torn down after each test.
import { afterEach, beforeAll } from 'vitest';
import { startAppControl } from '../../src/main/control';
import { buildOnce } from './build';
import { callerOf, createHarness, stopAllSessions, type Caller, type Harness } from './core-harness';

export interface HarnessPerTest {
  /** A new harness (and its caller) for this test; it is cleaned up after the test. */
  fresh(): { h: Harness; call: Caller };
  /** Starts the control socket on the current harness: agents' MCP bridges reach Baton through it, as in the app. */
  startControl(): Promise<void>;
}

/**
 * Registers the build and the tear-down hooks for a file whose tests each make their own harness.
 * After each test: `beforeCleanup` first, then every session stopped, the control socket closed and the harness removed.
 */
export function harnessPerTest(opts: { beforeCleanup?: () => void } = {}): HarnessPerTest {
  let current: { h: Harness; call: Caller } | null = null;
  let control: { close(): Promise<void> } | null = null;
  beforeAll(() => buildOnce(), 180_000);
  afterEach(async () => {
    opts.beforeCleanup?.();
    if (!current) return;
    await stopAllSessions(current.call);
    await control?.close();
    control = null;
    await current.h.cleanup();
    current = null;
  });
  return {
    fresh() {
      const h = createHarness();
      current = { h, call: callerOf(h.core) };
      return current;
    },
    async startControl() {
      if (!current) throw new Error('startControl needs a harness: call fresh() first in this test');
      const { h } = current;
      control = await startAppControl({ dataDir: h.dataDir, router: h.core.router, hub: h.core.hub, ctx: { via: 'test' as const }, version: 'test', onTool: (req) => h.core.callTool(req) });
    },
  };
}
