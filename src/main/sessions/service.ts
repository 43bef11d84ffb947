import type { ArchivedFilter, SessionSummary } from '../../shared/contracts/sessions';
import type { JournalRecord } from '../../shared/journal';
import { ok, type Result } from '../../shared/result';
import { createHibernation } from './hibernate';
import { createLifecycle } from './lifecycle';
import { createRecoveryApi } from './recovery-api';
import type { AgentLogTail } from './host-port';
import { createRegistry, type SessionsServiceDeps } from './registry';

export type { SessionsServiceDeps } from './registry';
export type { OpenedHow } from './start';

/**
 * The sessions domain: the registry of attached sessions (registry.ts), how a
 * session's agent is started (start.ts) and its life driven (lifecycle.ts),
 * and what recovery asks of it (recovery-api.ts), behind one object.
 */
export function createSessionsService(deps: SessionsServiceDeps) {
  const reg = createRegistry(deps);
  const { found, current } = reg;
  const hibernation = createHibernation(reg, deps.hibernation ?? (() => ({ afterMs: null, orchestrators: false })));
  reg.watch(hibernation);
  return {
    list(projectId?: string, archived: ArchivedFilter = 'hide'): SessionSummary[] {
      const all = reg.summaries(deps.sessions.list(projectId));
      return archived === 'include' ? all : all.filter((s) => !!s.archived === (archived === 'only'));
    },

    get: current,

    /** A prompt sent to its agent is not journaled yet: its turn is starting (the summary's `promptSent`). */
    promptSent: (id: string): boolean => reg.live.get(id)?.promptInFlight() === true,

    records(id: string, afterSeq: number, limit: number, beforeSeq?: number): Result<{ records: JournalRecord[]; lastSeq: number }> {
      const s = found(id);
      if (!s.ok) return s;
      const records = beforeSeq === undefined ? deps.events.list(id, afterSeq, limit) : deps.events.listBefore(id, afterSeq, beforeSeq, limit);
      return ok({ records, lastSeq: s.value.lastAppliedSeq });
    },

    /** The newest stderr of its agent, read where its host keeps it: live or not, before or after a restart of Baton. */
    async agentLog(id: string, maxBytes: number): Promise<Result<AgentLogTail>> {
      const s = found(id);
      if (!s.ok) return s;
      return deps.host.readAgentLog(id, deps.dataDir, maxBytes);
    },

    acknowledgeDivergence(id: string): Result<SessionSummary> {
      const s = found(id);
      if (!s.ok) return s;
      if (deps.divergences.acknowledge(id) > 0) reg.changed(id);
      return current(id);
    },

    ...createLifecycle(reg, hibernation),

    /** The hibernation settings changed: idle sessions' timers start again under them. */
    hibernationSettingsChanged: () => hibernation.retime(),
    /** Hibernates an idle session now, whatever its idle time; false if it cannot (busy, asking, not running). */
    hibernateNow: (id: string) => hibernation.now(id),
    ...createRecoveryApi(reg),

    /** The one transition path (commit, then broadcast); used by reconciliation. */
    transition: reg.transition,
    isLive: reg.isLive,
    isUp: reg.isUp,
    /** The requests waiting on a person (none for a session not attached). */
    pendingRequests: reg.pending,
    shutdown: reg.shutdown,
  };
}

export type SessionsService = ReturnType<typeof createSessionsService>;
