import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core, type CoreOptions } from '../../src/main/app/core';
import type { BatonProcedure, Contract } from '../../src/shared/contracts';
import type { SessionSummary } from '../../src/shared/contracts/sessions';
import type { InputOf, OutputOf } from '../../src/shared/contract';
import type { Result } from '../../src/shared/result';

export { git, makeRepo } from './git';

/** A real core (real SQLite file, real git) in a temp data dir, called through the real router. */
export interface Harness {
  core: Core;
  dataDir: string;
  events: { name: string; payload: unknown }[];
  call<N extends BatonProcedure>(name: N, input: InputOf<Contract, N>): Promise<Result<OutputOf<Contract, N>>>;
  /** Like call, but fails the test on an error result. */
  must<N extends BatonProcedure>(name: N, input: InputOf<Contract, N>): Promise<OutputOf<Contract, N>>;
  tempDir(label?: string): string;
  /**
   * Another core on the same data dir (a restarted main); `opts` overrides
   * createCore's. Kept track of: cleanup stops its sessions and closes it,
   * unless the test closed it already.
   */
  reopen(opts?: Partial<CoreOptions>): { core: Core; call: Caller };
  /** Closes every reopened core (stopping its sessions), then this one, and removes the temp dirs. */
  cleanup(): Promise<void>;
}

/** Anything that can call the contract, failing on an error result: an in-process core or a child app process. */
export type Caller = <T>(name: string, input: unknown) => Promise<T>;

export const callerOf =
  (core: Core): Caller =>
  async <T>(name: string, input: unknown): Promise<T> => {
    const r = await core.router.call(name, input, { via: 'test' });
    if (!r.ok) throw new Error(`${name}: ${r.error.code}: ${r.error.message}`);
    return r.value as T;
  };

/** Teardown: stops every session the caller lists, so no host outlives the test; errors (an app already gone) are ignored. */
export async function stopAllSessions(call: Caller): Promise<void> {
  const list = await call<SessionSummary[]>('sessions.list', {}).catch((): SessionSummary[] => []);
  for (const s of list) await call('sessions.stop', { id: s.id }).catch(() => undefined);
}

export function createHarness(): Harness {
  const dirs: string[] = [];
  const tempDir = (label = 'baton-test-') => {
    const d = realpathSync(mkdtempSync(join(tmpdir(), label)));
    dirs.push(d);
    return d;
  };
  const dataDir = tempDir('baton-data-');
  const core = createCore({ dataDir, mode: 'browser', version: 'test' });
  // Closed by the test itself (a simulated crash or restart): its sessions are no longer cleanup's to stop.
  let closed = false;
  const closeCore = core.close.bind(core);
  core.close = async (closeOpts) => {
    closed = true;
    await closeCore(closeOpts);
  };
  const events: { name: string; payload: unknown }[] = [];
  core.hub.listen((name, payload) => events.push({ name, payload }));
  const call = (name: string, input: unknown) => core.router.call(name, input, { via: 'test' });
  const reopened = new Set<Core>();
  return {
    core,
    dataDir,
    events,
    call: call as Harness['call'],
    must: (async (name: string, input: unknown) => {
      const r = await call(name, input);
      if (!r.ok) throw new Error(`${name} failed: ${r.error.code}: ${r.error.message}`);
      return r.value;
    }) as Harness['must'],
    tempDir,
    reopen(opts = {}) {
      const other = createCore({ dataDir, mode: 'browser', version: 'test', ...opts });
      // A core the test closes itself is no longer cleanup's to stop.
      const close = other.close.bind(other);
      other.close = async (closeOpts) => {
        reopened.delete(other);
        await close(closeOpts);
      };
      reopened.add(other);
      return { core: other, call: callerOf(other) };
    },
    async cleanup() {
      for (const c of [...reopened].reverse()) {
        await stopAllSessions(callerOf(c));
        await c.close();
      }
      // Hosts outlive a closed main by design: each test's own are stopped here, or they run on after the suite.
      if (!closed) {
        await stopAllSessions(callerOf(core));
        await core.close();
      }
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}
