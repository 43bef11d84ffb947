import type { RequestPermissionRequest, RequestPermissionResponse } from '@agentclientprotocol/sdk';
import type { PendingRequest } from '../../shared/contracts/sessions';
import { asRpc, idKey, isObject, isResponse, type JournalRecord } from '../../shared/journal';
import type { Result } from '../../shared/result';
import type { SessionState, TransitionRefusal, Trigger } from '../../shared/session-state';
import { createAcpLink, type AcpLink } from './acp-link';
import type { HostLink } from './host-port';
import type { IngestBatcher, IngestMember } from './ingest';
import type { ProjectionResult } from './projection';
import type { SessionRecord, SessionsRepository } from './repository';
import { exitReason, signalOf, type RecordSignal } from './triggers';
import type { TurnsRepository } from './turns-repository';

export interface LiveDeps {
  sessionId: string;
  link: HostLink;
  /** Applies this session's records together with every other live session's, one transaction per tick. */
  ingest: IngestBatcher;
  sessions: SessionsRepository;
  /** The registry's one transition path for this session: it commits, then broadcasts the change. */
  transition: (to: SessionState, trigger: Trigger, opts: { detail?: string | null; from: SessionState }) => Result<SessionRecord, TransitionRefusal>;
  turns: TurnsRepository;
  /** Called after each committed batch that applied records: broadcast them. `holes`: it also recorded a divergence (a fact of the session). */
  onApplied: (records: JournalRecord[], holes: boolean) => void;
  /**
   * The link is gone for good. `agentExited`: the host journaled that its
   * agent exited on its own and is closing; recovery settles the session
   * once the host process is gone.
   */
  onExit: (agentExited: boolean) => void;
  /** A named crash point for fault-injection tests. */
  debugPoint: (name: string) => void;
  /** Baton's answer to a permission request it answers itself (its own tools), else null: a person answers. */
  autoAnswer?: (params: unknown) => RequestPermissionResponse | null;
  /** A request began or stopped waiting on a person. */
  onPendingChanged?: () => void;
}

export interface PendingPermission {
  resolve: (r: RequestPermissionResponse) => void;
  params: RequestPermissionRequest;
  /** When it began waiting on a person (ISO time). */
  since: string;
}

/** A held request as the contract shows it: what is asked, and every option the agent offers. */
export function pendingRequestOf(requestKey: string, p: PendingPermission): PendingRequest {
  const tc = p.params.toolCall;
  return {
    requestKey,
    title: tc.title ?? 'The agent asks for permission',
    toolKind: tc.kind ?? 'other',
    toolCallId: tc.toolCallId ?? null,
    options: p.params.options.map((o) => ({ optionId: o.optionId, name: o.name, kind: o.kind })),
    since: p.since,
  };
}

/** How long a prompt or a resend waits for a reattached host's journal to be projected before deciding anyway. */
const CATCH_UP_WAIT_MS = 30_000;

/**
 * One attached session: host records in, projected and committed, then given
 * to the ACP SDK and broadcast. State changes follow from the records
 * themselves, so a live session and a reattached one obey the same rules.
 */
export class LiveSession implements IngestMember {
  readonly acp: AcpLink;
  readonly sessionId: string;
  readonly permissions = new Map<string, PendingPermission>();
  /**
   * Turns whose prompt this link has sent and the agent has not yet been seen to receive: until the host journals
   * the prompt, the session still reads idle, and a second prompt let through then would reach the agent mid-turn.
   * In memory on purpose: after a crash, a checkpointed prompt that never reached the journal is resent by recovery.
   */
  private readonly promptsInFlight = new Set<string>();
  /** attach's catch-up: the seq the host's journal had reached once it had streamed all of it here. */
  private streamed: Promise<number> | null = null;
  private appliedWaiters: Array<() => void> = [];
  private closed = false;
  private queue: JournalRecord[] = [];
  private scheduled = false;
  private exited = false;
  /** The agent exited on its own (crash, OOM, killed) while the session was running; the host is closing. */
  private agentGone = false;
  /** Set on detach: records still in flight belong to whichever process attaches next. */
  private detached = false;

  constructor(private readonly deps: LiveDeps) {
    this.sessionId = deps.sessionId;
    // A namespace of its own: this link's request ids never meet an earlier link's in the journal.
    this.acp = createAcpLink({
      send: (msg) => deps.link.send(msg),
      onPermission: (requestKey, params, signal) =>
        new Promise<RequestPermissionResponse>((resolve) => {
          const auto = deps.autoAnswer?.(params);
          if (auto) {
            resolve(auto);
            return;
          }
          this.permissions.set(requestKey, { resolve, params, since: new Date().toISOString() });
          deps.onPendingChanged?.();
          signal.addEventListener('abort', () => this.permissions.delete(requestKey) && deps.onPendingChanged?.(), { once: true });
        }),
    });
    deps.link.onClose(() => this.onClose());
  }

  attach(fromSeq: number): void {
    this.streamed = this.deps.link.attach(fromSeq, (r) => this.enqueue(r));
  }

  /**
   * Resolves once every record the host had journaled when this link attached is projected (or the link has
   * closed). Until then the database can be behind the journal: a prompt checkpointed by an earlier main may be
   * in the journal already, on its way here, and must not be taken for one that never went out.
   * False when the link closed or was let go first (nothing more will be projected through it).
   */
  async caughtUp(timeoutMs = CATCH_UP_WAIT_MS): Promise<boolean> {
    // Bounded: a host that never says it has caught up, or a record that cannot be projected, must not hold a prompt forever.
    const deadline = Date.now() + timeoutMs;
    const beforeDeadline = <T>(p: Promise<T>): Promise<T | null> =>
      new Promise((resolve) => {
        const timer = setTimeout(() => resolve(null), Math.max(0, deadline - Date.now()));
        void p.then((v) => {
          clearTimeout(timer);
          resolve(v);
        });
      });
    const seq = await beforeDeadline(this.streamed ?? Promise.resolve(0));
    if (seq === null) return false;
    for (;;) {
      if (this.closed || this.detached) return false;
      if ((this.deps.sessions.lastApplied(this.sessionId) ?? seq) >= seq) return true;
      if ((await beforeDeadline(new Promise<true>((resolve) => this.appliedWaiters.push(() => resolve(true))))) === null) return false;
    }
  }

  private wakeAppliedWaiters(): void {
    const waiters = this.appliedWaiters;
    this.appliedWaiters = [];
    for (const w of waiters) w();
  }

  /** Agent→client requests already projected before a restart were never answered: hand them to the SDK again. */
  redeliver(records: readonly JournalRecord[]): void {
    for (const r of records) this.acp.deliver(r.msg);
  }

  answer(requestKey: string, optionId: string | null): boolean {
    const p = this.permissions.get(requestKey);
    if (!p) return false;
    this.permissions.delete(requestKey);
    p.resolve(optionId ? { outcome: { outcome: 'selected', optionId } } : { outcome: { outcome: 'cancelled' } });
    this.deps.onPendingChanged?.();
    return true;
  }

  /** Answers a held request with Baton's own answer (an approval policy now covering it). */
  answerWith(requestKey: string, response: RequestPermissionResponse): boolean {
    const p = this.permissions.get(requestKey);
    if (!p) return false;
    this.permissions.delete(requestKey);
    p.resolve(response);
    this.deps.onPendingChanged?.();
    return true;
  }

  cancelPermissions(): void {
    for (const key of [...this.permissions.keys()]) this.answer(key, null);
  }

  detach(): void {
    this.detached = true;
    this.wakeAppliedWaiters();
    this.queue = [];
    this.acp.close();
    this.deps.link.detach();
  }

  /** Stops the agent and its descendants; the host journals the exit, which moves the state. */
  async stopHost(graceMs: number): Promise<void> {
    await this.deps.link.stop(graceMs);
  }

  async detachAndStop(link: HostLink, graceMs: number): Promise<void> {
    this.acp.close();
    await link.stop(graceMs);
  }

  private enqueue(r: JournalRecord): void {
    if (this.detached) return;
    this.queue.push(r);
    if (this.scheduled) return;
    this.scheduled = true;
    // Batching per tick, across sessions: one transaction for a burst of updates instead of one per line.
    this.deps.ingest.schedule(this);
  }

  /** The batcher takes what is queued, to apply it in this tick's transaction. */
  take(): JournalRecord[] {
    this.scheduled = false;
    if (this.detached) return [];
    return this.queue.splice(0);
  }

  /** This session's part of the tick's transaction has committed: its signals, the SDK, the broadcast. */
  committed(result: ProjectionResult): void {
    const { deps } = this;
    deps.debugPoint('after_projection_commit');
    const turnEnds = new Set(result.turnEnds);
    for (const r of result.applied) {
      const signal = signalOf(r);
      // A request Baton answers itself never waits on a person: no "needs you" in between.
      const auto = signal?.kind === 'permission_requested' && !!this.deps.autoAnswer?.(asRpc(r.msg)?.params);
      if (signal && !auto && !(signal.kind === 'exit' && this.fromEarlierHost(r))) this.onSignal(signal, turnEnds.has(r.seq));
      if (r.dir === 'in') this.acp.deliver(r.msg);
      else if (r.dir === 'out') this.forgetAnswered(r);
    }
    deps.debugPoint('before_broadcast');
    if (result.applied.length > 0) deps.onApplied(result.applied, result.holes.length > 0);
    this.wakeAppliedWaiters();
  }

  /**
   * An exit written by another host than the one attached: a new host's
   * stream starts where the database stopped applying, so it can replay the
   * end of an earlier run (a host stopped by recovery, an orphan stopped
   * before a relaunch). That agent's exit says nothing about this one.
   */
  private fromEarlierHost(r: JournalRecord): boolean {
    const writer = isObject(r.msg) ? r.msg.hostPid : undefined;
    const attached = this.deps.sessions.get(this.deps.sessionId)?.host?.pid;
    return typeof writer === 'number' && attached !== undefined && writer !== attached;
  }

  /**
   * `endedTurn`: the record is a response that the projection matched to an open turn and ended it.
   * Each signal moves the session only from the state it speaks of; in any other it is stale and changes nothing.
   */
  private onSignal(s: RecordSignal, endedTurn: boolean): void {
    const { sessions, sessionId, turns, transition } = this.deps;
    const state = sessions.get(sessionId)?.state;
    if (!state) return;
    switch (s.kind) {
      case 'prompt_sent':
        if (state === 'idle') transition('busy', 'prompt_sent', { from: state });
        return;
      case 'permission_requested':
        if (state === 'busy') transition('waiting_input', 'permission_requested', { from: state });
        return;
      case 'permission_answered':
        if (state === 'waiting_input') transition('busy', 'permission_answered', { from: state });
        return;
      case 'response': {
        // Only the response that ended an open turn; every other one (initialize's, an older link's) says nothing of this turn.
        if (!endedTurn) return;
        // Only a prompt the agent has received keeps the session busy. A turn still `dispatching` is not one:
        // its prompt is not in the journal, and after a crash between checkpoint and send it never will be.
        if (turns.open(sessionId).some((t) => t.status === 'running')) return;
        if (state === 'busy' || state === 'waiting_input') transition('idle', 'turn_ended', { detail: s.error, from: state });
        return;
      }
      case 'exit': {
        if (state === 'idle' || state === 'busy' || state === 'waiting_input') {
          // Not asked for: the recovery table decides, as for a lost host, once the host has closed (onClose):
          // idle stays idle and resumes on the next prompt; an open turn is interrupted, with Continue.
          this.agentGone = true;
          return;
        }
        this.exited = true;
        for (const t of turns.open(sessionId)) turns.finish(t.id, 'failed', 'The agent exited during the turn.');
        // Stopped as asked, or a start that never completed (failed, with Retry). From any other state (already
        // failed at initialize, retiring) the exit is refused by the table and changes nothing: the state stands.
        const to: SessionState = state === 'stopping' ? 'stopped' : 'failed';
        transition(to, 'process_exited', { detail: to === 'failed' ? exitReason(s) : null, from: state });
        setImmediate(() => this.deps.onExit(false));
        return;
      }
    }
  }

  private onClose(): void {
    this.closed = true;
    this.wakeAppliedWaiters();
    this.acp.close();
    this.cancelPermissionsSilently();
    if (!this.exited && !this.detached) setImmediate(() => this.deps.onExit(this.agentGone));
  }

  /** A prompt this link sent is on its way to the agent: its turn still `dispatching`, the prompt not in the journal yet. */
  promptInFlight(): boolean {
    if (this.promptsInFlight.size === 0) return false;
    const dispatching = new Set(this.deps.turns.open(this.sessionId).flatMap((t) => (t.status === 'dispatching' ? [t.id] : [])));
    // Turns that have since started (the prompt journaled), ended or been interrupted are no longer on their way.
    for (const id of this.promptsInFlight) if (!dispatching.has(id)) this.promptsInFlight.delete(id);
    return this.promptsInFlight.size > 0;
  }

  /** Records that the prompt of `turnId` is being sent on this link, until `settled` resolves (answered, or the link closed). */
  sendingPrompt(turnId: string, settled: Promise<unknown>): void {
    this.promptsInFlight.add(turnId);
    void settled.finally(() => this.promptsInFlight.delete(turnId)).catch(() => undefined);
  }

  /** The agent exited on its own and the host is closing: a prompt now would go nowhere. */
  get agentExited(): boolean {
    return this.agentGone;
  }

  /**
   * An answer already journaled (sent by an earlier main, applied only now that the host streams it): the request
   * redelivered at reattach, read from the applied records that stopped short of that answer, waits on nobody.
   * The agent has its answer; the SDK's copy is left unanswered rather than answered twice.
   */
  private forgetAnswered(r: JournalRecord): void {
    const m = asRpc(r.msg);
    if (!m || !isResponse(m)) return;
    if (this.permissions.delete(idKey(m.id))) this.deps.onPendingChanged?.();
  }

  private cancelPermissionsSilently(): void {
    if (this.permissions.size === 0) return;
    this.permissions.clear();
    this.deps.onPendingChanged?.();
  }

  current(): SessionRecord | null {
    return this.deps.sessions.get(this.deps.sessionId);
  }
}
