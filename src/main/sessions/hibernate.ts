import { waitUntilAsync } from '../lib/wait';
import type { Registry } from './registry';

/** When idle agents hibernate; read afresh each time (a setting changed applies at once). */
export interface HibernationSettings {
  /** Idle this long, the agent and its host are stopped; null: never. */
  afterMs: number | null;
  /** Orchestrators too (off by default). */
  orchestrators: boolean;
}

/** How long a stopped host may take to end after its exit record: it only drains, unlocks and leaves. */
const HOST_END_MS = 15_000;

/**
 * Idle agents hibernate: after the configured idle time Baton stops the
 * agent and its host cleanly (the host journals the exit with cause
 * `stopped`, which is the stored fact the board reads: an idle session whose
 * newest line is such an exit is hibernated), and the next prompt resumes the
 * conversation (start.ts: session/resume, else session/load, else a primed
 * new session). One unref'd timer per idle session, armed and cleared on
 * the session's own changes: nothing polls processes, nothing keeps Baton
 * alive at shutdown.
 */
export function createHibernation(reg: Registry, settings: () => HibernationSettings) {
  const { deps, live } = reg;
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Hibernations in flight: a prompt waits for one to finish, then resumes the agent. */
  const inFlight = new Map<string, Promise<void>>();

  /** Never while a turn, a permission or a start is open; never an orchestrator unless opted in. */
  function eligible(id: string, cfg: HibernationSettings): boolean {
    const s = deps.sessions.get(id);
    const l = live.get(id);
    if (!s || !l || !s.host || cfg.afterMs === null || inFlight.has(id) || reg.isStarting(id)) return false;
    if (s.role === 'orchestrator' && !cfg.orchestrators) return false;
    return s.state === 'idle' && !l.agentExited && l.permissions.size === 0 && deps.turns.open(id).length === 0;
  }

  function clear(id: string): void {
    const t = timers.get(id);
    if (t) clearTimeout(t);
    timers.delete(id);
  }

  /** Called on every change of a session: arms its timer when it has just become eligible, clears it when it no longer is. */
  function consider(id: string): void {
    const cfg = settings();
    if (!eligible(id, cfg)) return clear(id);
    if (timers.has(id) || cfg.afterMs === null) return;
    const t = setTimeout(() => {
      timers.delete(id);
      if (eligible(id, settings())) reg.track(hibernate(id));
    }, cfg.afterMs);
    t.unref();
    timers.set(id, t);
  }

  function hibernate(id: string): Promise<void> {
    const s = deps.sessions.get(id);
    const l = live.get(id);
    const host = s?.host;
    if (!s || !l || !host) return Promise.resolve();
    const run = (async () => {
      // Everything up to the stop request runs in this tick: no prompt can slip in between the check and the stop.
      deps.debugPoint('before_hibernate_stop');
      await l.stopHost(reg.stopGraceMs);
      deps.debugPoint('after_hibernate_stop');
      // Its agent is gone and it journaled the exit; the process itself ends a moment later (the positive signal).
      await waitUntilAsync(async () => (await deps.host.liveness(id, deps.dataDir, host)) !== 'alive', HOST_END_MS, 50);
      if (live.get(id) === l) live.delete(id);
    })().finally(() => {
      inFlight.delete(id);
      reg.changed(id);
    });
    inFlight.set(id, run);
    return run;
  }

  return {
    consider,
    /** A prompt during a hibernation waits for it: then the agent is started again and resumed. */
    settled: (id: string): Promise<void> => inFlight.get(id) ?? Promise.resolve(),
    /** Its host is being stopped on purpose: its exit is no loss for recovery to look at. */
    isHibernating: (id: string): boolean => inFlight.has(id),
    /** The settings changed: every live session's timer starts again under them. */
    retime(): void {
      for (const id of [...timers.keys()]) clear(id);
      for (const id of live.keys()) consider(id);
    },
    /** Now, whatever the idle time (tests, and a future "Hibernate now"); false if the session cannot hibernate. */
    now(id: string): boolean {
      if (!eligible(id, { ...settings(), afterMs: 0, orchestrators: true })) return false;
      clear(id);
      reg.track(hibernate(id));
      return true;
    },
    close(): void {
      for (const id of [...timers.keys()]) clear(id);
    },
  };
}

export type Hibernation = ReturnType<typeof createHibernation>;
