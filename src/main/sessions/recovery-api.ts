import { asRpc, idKey, isObject, isRequest, type JournalRecord } from '../../shared/journal';
import { send } from './dispatch';
import type { HostLink } from './host-port';
import type { Registry } from './registry';
import type { SessionRecord } from './repository';
import { start } from './start';

/** Agent→client requests in the journal that no response answered, among the newest host run's records. */
export function unansweredRequests(all: readonly JournalRecord[]): JournalRecord[] {
  // Only the current agent process's lines: every process numbers its requests from 0, so an
  // earlier process's answer to its request 0 says nothing about this one's request 0.
  const start = all.findLastIndex((r) => r.dir === 'host' && isObject(r.msg) && isObject(r.msg.started));
  const records = start >= 0 ? all.slice(start) : all;
  const answered = new Set(records.filter((r) => r.dir === 'out').map((r) => idKey(asRpc(r.msg)?.id)));
  return records.filter((r) => {
    const m = asRpc(r.msg);
    return r.dir === 'in' && m !== null && isRequest(m) && !answered.has(idKey(m.id));
  });
}

/** What reconciliation (src/main/recovery) asks of the sessions service after a restart or a lost host. */
export function createRecoveryApi(reg: Registry) {
  const { deps, live } = reg;
  return {
    /** Reattaches to a live host after a restart: catch up from the last applied seq, re-offer unanswered requests. */
    reattach(s: SessionRecord, link: HostLink): void {
      deps.sessions.setUnreachable(s.id, null);
      const l = reg.attachLive(s, link);
      // Only the current agent process's lines can hold its unanswered requests: read from its start record on.
      const from = deps.events.lastStartedSeq(s.id);
      l.redeliver(unansweredRequests(deps.events.list(s.id, from === null ? 0 : from - 1)));
      l.attach(s.lastAppliedSeq);
      // Its idle time (for hibernation) counts from now.
      reg.changed(s.id);
    },

    /**
     * A prompt checkpointed but never journaled (Baton or its host died in
     * between) goes out now, under its own turn: persist, then act, even
     * across a crash. The agent is started again first if its host is gone.
     */
    async resendCheckpointed(id: string): Promise<boolean> {
      const turn = deps.turns.open(id).find((t) => t.status === 'dispatching' && t.requestId === null);
      const s0 = deps.sessions.get(id);
      if (!turn || !s0 || s0.state !== 'idle') return false;
      if (!live.has(id) && !(await start(reg, id, 'resume_requested', null, s0.agentSessionId))) return false;
      const l0 = live.get(id);
      // A host found running may hold the prompt in its journal, not yet streamed here: projected, it is running or ended.
      if (l0 && !(await l0.caughtUp())) return false;
      const s = deps.sessions.get(id);
      const l = live.get(id);
      const still = deps.turns.open(id).find((t) => t.id === turn.id && t.status === 'dispatching' && t.requestId === null);
      if (!still || !s || !l || !s.agentSessionId || s.state !== 'idle' || l.promptInFlight()) return false;
      send(l, s.agentSessionId, turn.id, turn.prompt);
      return true;
    },

    /**
     * Its host could not be reached (`reason`), or was reached again (null): a fact beside the state, which
     * stays as it was; the board shows Disconnected (host unreachable) meanwhile (ADR 0018).
     */
    markUnreachable(id: string, reason: string | null): void {
      if (deps.sessions.setUnreachable(id, reason)) reg.changed(id);
    },

    /** Sessions whose host could not be reached when last asked, for a link that has come back. */
    unreachable: (): SessionRecord[] => deps.sessions.listUnreachable(),

    /** A turn that was open when its host died will never end by itself. */
    interruptTurns(id: string): void {
      for (const t of deps.turns.open(id)) deps.turns.finish(t.id, 'interrupted', 'The session host stopped during the turn.');
    },
  };
}
