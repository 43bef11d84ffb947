import type { PendingRequest, SessionSummary } from '../../shared/contracts/sessions';
import type { JournalRecord } from '../../shared/journal';
import { fail, ok, type Result } from '../../shared/result';
import { LIVE_STATES, type SessionState, type TransitionRefusal, type Trigger } from '../../shared/session-state';
import type { ProjectsRepository } from '../projects/repository';
import { waitUntilAsync } from '../lib/wait';
import type { DivergencesRepository } from './divergences-repository';
import type { WorktreesRepository } from '../worktrees/repository';
import type { WorktreesService } from '../worktrees/service';
import type { EventsRepository } from './events-repository';
import type { HostLink, HostPort } from './host-port';
import type { AgentLogLine } from '../host/protocol';
import type { RequestPermissionResponse } from '@agentclientprotocol/sdk';
import { effectivePolicy } from '../../shared/approval';
import { autoAnswer } from './auto-answer';
import type { HibernationSettings } from './hibernate';
import { createBroadcastCoalescer } from './coalesce';
import { createIngestBatcher } from './ingest';
import { LiveSession, pendingRequestOf } from './live';
import type { Projector } from './projection';
import type { SessionRecord, SessionsRepository } from './repository';
import type { TurnsRepository } from './turns-repository';

export interface SessionsServiceDeps {
  dataDir: string;
  host: HostPort;
  projector: Projector;
  sessions: SessionsRepository;
  events: EventsRepository;
  turns: TurnsRepository;
  divergences: DivergencesRepository;
  projects: ProjectsRepository;
  worktrees: WorktreesRepository;
  worktreesService: WorktreesService;
  emitChanged: (sessionId: string, projectId: string) => void;
  emitRecords: (sessionId: string, records: JournalRecord[]) => void;
  /** New lines of a session's agent log (its stderr), as its host sends them; none by default. */
  emitAgentLog?: (sessionId: string, lines: AgentLogLine[]) => void;
  debugPoint: (name: string) => void;
  /** A live session's host vanished without an exit record: reconcile it now rather than at the next start. */
  onHostLost?: (sessionId: string) => void;
  /**
   * MCP servers an agent session is given (the orchestrator's tools); none by default. Async: on an SSH destination
   * the bridge's token file is written there first (ADR 0018); a failure fails the start with its message.
   */
  mcpServersFor?: (s: SessionRecord) => Promise<Result<{ name: string; command: string; args: string[]; env: { name: string; value: string }[] }[]>>;
  /** The names of those servers, known without preparing them: what Baton answers for itself (its own tools). */
  mcpServerNamesFor?: (s: SessionRecord) => string[];
  initTimeoutMs?: number;
  stopGraceMs?: number;
  /** When idle agents hibernate (the app's settings); never, if absent. */
  hibernation?: () => HibernationSettings;
  /** The person's archive fact (the review domain's table), carried on every summary. */
  archivedOf?: (sessionId: string) => SessionSummary['archived'];
  /** Every archived session's fact at once, for a list of summaries; archivedOf per session without it. */
  archivedAll?: () => ReadonlyMap<string, NonNullable<SessionSummary['archived']>>;
  /** A permission request began or stopped waiting on a person (the inbox follows). */
  onPendingChanged?: (sessionId: string) => void;
}

/** What the registry tells the hibernation timers (hibernate.ts), which are made after it. */
interface ChangeWatcher {
  consider(id: string): void;
  isHibernating(id: string): boolean;
  close(): void;
}

/** How long a host whose agent exited may take to close before recovery looks at it anyway. */
const HOST_CLOSE_MS = 15_000;

/**
 * What every part of the sessions service shares: the attached sessions (one
 * LiveSession per host this process talks to), the background starts, and
 * how a session is looked up, moved and shown.
 */
export function createRegistry(deps: SessionsServiceDeps) {
  const live = new Map<string, LiveSession>();
  const stopGraceMs = deps.stopGraceMs ?? 3000;
  const background = new Set<Promise<unknown>>();
  /** Sessions this process is starting now: theirs to settle, not recovery's (a lost host's reconcile would fail them). */
  const starting = new Set<string>();
  let shuttingDown = false;
  let watcher: ChangeWatcher | null = null;

  const track = (p: Promise<unknown>): void => {
    const t = p.catch((e: unknown) => console.error('[baton] session task failed:', e)).finally(() => background.delete(t));
    background.add(t);
  };

  /** What a summary reads besides the session's row; looked up one by one (`summary`) or for a whole list at once (`summaries`). */
  interface SummaryFacts {
    worktree: { branch: string; path: string } | null;
    divergence: { detail: string; detectedAt: string } | null;
    /** Its newest line is the exit of an agent Baton stopped (asked only of idle sessions not attached: the hibernated ones). */
    endedByStop: boolean;
    archived: SessionSummary['archived'];
  }

  const maybeHibernated = (s: SessionRecord): boolean => s.state === 'idle' && !live.has(s.id);

  function summary(s: SessionRecord): SessionSummary {
    const wt = s.worktreeId ? deps.worktrees.get(s.worktreeId) : null;
    const d = deps.divergences.open(s.id);
    return summaryOf(s, { worktree: wt, divergence: d, endedByStop: maybeHibernated(s) && deps.events.endedByStop(s.id), archived: deps.archivedOf?.(s.id) ?? null });
  }

  /**
   * A list's summaries, their other facts read with a few set-based queries (worktrees, open divergences, archive
   * facts, the hibernated ones' newest lines) rather than four queries a session: 500 sessions were 2,000 statements.
   */
  function summaries(list: readonly SessionRecord[]): SessionSummary[] {
    if (list.length === 0) return [];
    const worktrees = deps.worktrees.getMany(list.flatMap((s) => (s.worktreeId ? [s.worktreeId] : [])));
    const divergences = deps.divergences.openAll();
    const stopped = deps.events.endedByStopOf(list.filter(maybeHibernated).map((s) => s.id));
    const archived = deps.archivedAll?.();
    return list.map((s) =>
      summaryOf(s, {
        worktree: s.worktreeId ? (worktrees.get(s.worktreeId) ?? null) : null,
        divergence: divergences.get(s.id) ?? null,
        endedByStop: stopped.has(s.id),
        archived: archived ? (archived.get(s.id) ?? null) : (deps.archivedOf?.(s.id) ?? null),
      }),
    );
  }

  function summaryOf(s: SessionRecord, f: SummaryFacts): SessionSummary {
    const wt = f.worktree;
    const d = f.divergence;
    return {
      id: s.id,
      projectId: s.projectId,
      role: s.role,
      harness: s.harness,
      title: s.title,
      state: s.state,
      hibernated: maybeHibernated(s) && f.endedByStop,
      disconnected: s.unreachable && LIVE_STATES.includes(s.state) ? s.unreachable : null,
      stateDetail: s.stateDetail,
      branch: wt?.branch ?? null,
      worktreePath: wt?.path ?? s.cwd,
      lastSeq: s.lastAppliedSeq,
      divergence: d ? { detail: d.detail, detectedAt: d.detectedAt } : null,
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
      archived: f.archived,
      agentRunning: live.has(s.id) && live.get(s.id)?.agentExited !== true,
      promptSent: live.get(s.id)?.promptInFlight() === true,
      approvalPolicy: s.approvalPolicy,
    };
  }

  /** The permission requests a person has yet to answer, oldest first (held by the attached session). */
  function pending(id: string): PendingRequest[] {
    const l = live.get(id);
    return l ? [...l.permissions.entries()].map(([requestKey, p]) => pendingRequestOf(requestKey, p)) : [];
  }

  /** The stored session, or `session_not_found`. */
  function found(id: string): Result<SessionRecord> {
    const s = deps.sessions.get(id);
    return s ? ok(s) : fail('session_not_found', `There is no session ${id}.`);
  }

  /** The session as it is stored now, summarized; `session_not_found` if it is not. */
  function current(id: string): Result<SessionSummary> {
    const s = found(id);
    return s.ok ? ok(summary(s.value)) : s;
  }

  const changed = (id: string): void => {
    // Records committed before this change go out before it.
    broadcasts.flush(id);
    const s = deps.sessions.get(id);
    if (s) deps.emitChanged(id, s.projectId);
    if (!shuttingDown) watcher?.consider(id);
  };

  /** Sessions whose records moved their state (or another fact, a divergence) since their last broadcast. */
  const moved = new Set<string>();
  /** Sessions whose pending records recorded a divergence (skipped lines): a fact of the session, not only its seq. */
  const factsMoved = new Set<string>();
  /**
   * A live agent commits records many times a frame: renderers get them once a frame. Its last applied seq moving
   * is not a `sessions.changed` (every UI would read the summary again, 60 times a second per streaming session,
   * and every domain rule would look again at a state that did not move): the records carry their seqs, and a
   * summary read later has the seq. A state move has broadcast itself, after flushing these, already.
   */
  const broadcasts = createBroadcastCoalescer((id, records) => {
    deps.emitRecords(id, records);
    if (factsMoved.delete(id)) changed(id);
  });
  const ingest = createIngestBatcher(deps.projector);

  /**
   * The one path by which a session's state changes: the table is checked,
   * state and transition row are committed together, then the change is
   * broadcast. A refused move (forbidden, or `from` is stale) is data for the
   * caller to decide on; a database failure throws.
   */
  function transition(id: string, to: SessionState, trigger: Trigger, opts: { detail?: string | null; from?: SessionState } = {}): Result<SessionRecord, TransitionRefusal> {
    const r = deps.sessions.transition(id, to, trigger, opts);
    if (r.ok) changed(id);
    return r;
  }

  function attachLive(s: SessionRecord, link: HostLink): LiveSession {
    const l = makeLive(s, link);
    link.onAgentLog((lines) => deps.emitAgentLog?.(s.id, lines));
    live.set(s.id, l);
    return l;
  }

  /** Baton's own answer to a request of this session's agent (its tools, its approval policy as stored now), or null. */
  function autoAnswerFor(s: SessionRecord, params: unknown): RequestPermissionResponse | null {
    const servers = deps.mcpServerNamesFor?.(s) ?? [];
    const policy = effectivePolicy(deps.sessions.get(s.id)?.approvalPolicy, deps.projects.get(s.projectId)?.approvalPolicy);
    return autoAnswer(params, servers, policy, s.cwd);
  }

  /** A policy changed: requests waiting now that it covers are answered as if they had just arrived. Returns how many. */
  function applyPolicy(id: string): number {
    const l = live.get(id);
    const s = deps.sessions.get(id);
    if (!l || !s) return 0;
    let answered = 0;
    for (const [key, p] of [...l.permissions]) {
      const auto = autoAnswerFor(s, p.params);
      if (auto && l.answerWith(key, auto)) answered++;
    }
    return answered;
  }

  function makeLive(s: SessionRecord, link: HostLink): LiveSession {
    const l: LiveSession = new LiveSession({
      sessionId: s.id,
      link,
      ingest,
      sessions: deps.sessions,
      transition: (to, trigger, opts) => {
        const r = transition(s.id, to, trigger, opts);
        if (r.ok) moved.add(s.id);
        return r;
      },
      turns: deps.turns,
      debugPoint: deps.debugPoint,
      autoAnswer: (params) => autoAnswerFor(s, params),
      onPendingChanged: () => deps.onPendingChanged?.(s.id),
      onApplied: (records, holes) => {
        // A divergence recorded for skipped lines is a fact of the session: the change (rules, inbox, UIs) follows these records at once.
        // Marked before add: add may broadcast the records itself, right now, and the change goes out with that broadcast.
        if (holes) factsMoved.add(s.id);
        broadcasts.add(s.id, records);
        // Records that moved the state (a turn's end, say) go out with that move, as one step, not a frame later.
        if (moved.delete(s.id) || holes) broadcasts.flush(s.id);
      },
      onExit: (agentExited) => {
        // After shutdown the database is closed; the next start reconciles this session.
        if (shuttingDown) return;
        // Only this link's own entry: a restarted session has a newer LiveSession under the same id.
        if (live.get(s.id) !== l) return;
        live.delete(s.id);
        changed(s.id);
        // Stopped on purpose while idle: hibernated, nothing lost for recovery to look at.
        if (watcher?.isHibernating(s.id)) return;
        // The host went away (killed, crashed, or closing after its agent exited): the session must not sit busy as a ghost.
        const now = deps.sessions.get(s.id);
        if (!now || !LIVE_STATES.includes(now.state)) return;
        const host = now.host;
        if (!agentExited || !host) {
          deps.onHostLost?.(s.id);
          return;
        }
        // A host whose agent exited closes its socket before its process ends; recovery asked in between would find it
        // alive but unreachable and leave the session as it is. It ends within a few seconds (it only drains and unlocks).
        // Asked where the host runs; a machine that cannot be reached says nothing, and recovery then leaves it Disconnected.
        track(
          waitUntilAsync(async () => (await deps.host.liveness(s.id, deps.dataDir, host)) !== 'alive', HOST_CLOSE_MS, 100).then(() => {
            if (!shuttingDown) deps.onHostLost?.(s.id);
          }),
        );
      },
    });
    return l;
  }

  return {
    deps,
    live,
    /** Read at each start, so a test can shorten it for one agent only (BATON_INIT_TIMEOUT_MS). */
    get initTimeoutMs(): number {
      return deps.initTimeoutMs ?? Number(process.env.BATON_INIT_TIMEOUT_MS ?? 60_000);
    },
    stopGraceMs,
    track,
    summary,
    summaries,
    pending,
    applyPolicy,
    found,
    current,
    changed,
    transition,
    attachLive,

    /** Set once by the service: the hibernation timers follow every change. */
    watch(w: ChangeWatcher): void {
      watcher = w;
    },

    /** Being started by this process now. */
    isStarting: (id: string) => starting.has(id),

    /** Attached, or being started by this process: recovery leaves it alone. */
    isLive: (id: string) => live.has(id) || starting.has(id),

    /** Runs a start with the session marked as this process's to settle. */
    async starting<T>(id: string, run: () => Promise<T>): Promise<T> {
      starting.add(id);
      try {
        return await run();
      } finally {
        starting.delete(id);
      }
    },

    /** Running with its agent initialized and its host attached. */
    isUp(id: string): boolean {
      const s = deps.sessions.get(id);
      return !!s && live.has(id) && (s.state === 'idle' || s.state === 'busy' || s.state === 'waiting_input');
    },

    /** Lets go of every host without stopping it: the agents keep working while Baton is away. */
    async shutdown(): Promise<void> {
      watcher?.close();
      await Promise.allSettled([...background]);
      shuttingDown = true;
      broadcasts.close();
      for (const l of live.values()) l.detach();
      live.clear();
    },
  };
}

export type Registry = ReturnType<typeof createRegistry>;
