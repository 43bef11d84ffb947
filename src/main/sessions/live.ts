import type { RequestPermissionRequest, RequestPermissionResponse } from '@agentclientprotocol/sdk';
import { asRpc, isObject, type JournalRecord } from '../../shared/journal';
import type { SessionState, Trigger } from '../../shared/session-state';
import { createAcpLink, type AcpLink } from './acp-link';
import type { HostLink } from './host-port';
import type { Projector } from './projection';
import type { SessionRecord, SessionsRepository } from './repository';
import { exitReason, signalOf, type RecordSignal } from './triggers';
import type { TurnsRepository } from './turns-repository';

export interface LiveDeps {
  sessionId: string;
  link: HostLink;
  projector: Projector;
  sessions: SessionsRepository;
  turns: TurnsRepository;
  /** Called after each committed batch: broadcast records, then session changes. */
  onApplied: (records: JournalRecord[], changed: boolean) => void;
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
}

export interface PendingPermission {
  resolve: (r: RequestPermissionResponse) => void;
  params: RequestPermissionRequest;
}

/**
 * One attached session: host records in, projected and committed, then given
 * to the ACP SDK and broadcast. State changes follow from the records
 * themselves, so a live session and a reattached one obey the same rules.
 */
export class LiveSession {
  readonly acp: AcpLink;
  readonly permissions = new Map<string, PendingPermission>();
  private queue: JournalRecord[] = [];
  private scheduled = false;
  private exited = false;
  /** The agent exited on its own (crash, OOM, killed) while the session was running; the host is closing. */
  private agentGone = false;
  /** Set on detach: records still in flight belong to whichever process attaches next. */
  private detached = false;

  constructor(private readonly deps: LiveDeps) {
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
          this.permissions.set(requestKey, { resolve, params });
          signal.addEventListener('abort', () => this.permissions.delete(requestKey), { once: true });
        }),
    });
    deps.link.onClose(() => this.onClose());
  }

  attach(fromSeq: number): void {
    this.deps.link.attach(fromSeq, (r) => this.enqueue(r));
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
    return true;
  }

  cancelPermissions(): void {
    for (const key of [...this.permissions.keys()]) this.answer(key, null);
  }

  detach(): void {
    this.detached = true;
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
    // Batching per tick: one transaction for a burst of updates instead of one per line.
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    if (this.detached) return;
    const batch = this.queue.splice(0);
    if (batch.length === 0) return;
    const { deps } = this;
    const result = deps.projector.apply(deps.sessionId, batch);
    deps.debugPoint('after_projection_commit');
    let changed = false;
    const turnEnds = new Set(result.turnEnds);
    for (const r of result.applied) {
      const signal = signalOf(r);
      // A request Baton answers itself never waits on a person: no "needs you" in between.
      const auto = signal?.kind === 'permission_requested' && !!this.deps.autoAnswer?.(asRpc(r.msg)?.params);
      if (signal && !auto && !(signal.kind === 'exit' && this.fromEarlierHost(r))) changed = this.onSignal(signal, turnEnds.has(r.seq)) || changed;
      if (r.dir === 'in') this.acp.deliver(r.msg);
    }
    deps.debugPoint('before_broadcast');
    if (result.applied.length > 0 || changed) deps.onApplied(result.applied, changed);
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

  /** `endedTurn`: the record is a response that the projection matched to an open turn and ended it. */
  private onSignal(s: RecordSignal, endedTurn: boolean): boolean {
    const { sessions, sessionId, turns } = this.deps;
    const state = sessions.get(sessionId)?.state;
    if (!state) return false;
    switch (s.kind) {
      case 'prompt_sent':
        return state === 'idle' && this.move('busy', 'prompt_sent');
      case 'permission_requested':
        return state === 'busy' && this.move('waiting_input', 'permission_requested');
      case 'permission_answered':
        return state === 'waiting_input' && this.move('busy', 'permission_answered');
      case 'response': {
        // Only the response that ended an open turn: any other (initialize's, an older link's) says nothing of this turn.
        if (!endedTurn) return false;
        // Only a prompt the agent has received keeps the session busy. A turn still `dispatching` is not one:
        // its prompt is not in the journal, and after a crash between checkpoint and send it never will be.
        if (turns.open(sessionId).some((t) => t.status === 'running')) return false;
        return (state === 'busy' || state === 'waiting_input') && this.move('idle', 'turn_ended', s.error);
      }
      case 'exit': {
        if (state === 'idle' || state === 'busy' || state === 'waiting_input') {
          // Not asked for: the recovery table decides, as for a lost host, once the host has closed (onClose):
          // idle stays idle and resumes on the next prompt; an open turn is interrupted, with Continue.
          this.agentGone = true;
          return false;
        }
        this.exited = true;
        for (const t of turns.open(sessionId)) turns.finish(t.id, 'failed', 'The agent exited during the turn.');
        // Stopped as asked, or a start that never completed (failed, with Retry).
        const to: SessionState = state === 'stopping' ? 'stopped' : 'failed';
        const moved = this.move(to, 'process_exited', to === 'failed' ? exitReason(s) : null);
        setImmediate(() => this.deps.onExit(false));
        return moved;
      }
    }
  }

  /** Moves only when the table allows it from the current state; a stale signal is not an error. */
  private move(to: SessionState, trigger: Trigger, detail: string | null = null): boolean {
    try {
      this.deps.sessions.transition(this.deps.sessionId, to, trigger, detail);
      return true;
    } catch (e) {
      console.warn(`[baton] session ${this.deps.sessionId}: ${(e as Error).message}`);
      return false;
    }
  }

  private onClose(): void {
    this.acp.close();
    this.cancelPermissionsSilently();
    if (!this.exited && !this.detached) setImmediate(() => this.deps.onExit(this.agentGone));
  }

  /** The agent exited on its own and the host is closing: a prompt now would go nowhere. */
  get agentExited(): boolean {
    return this.agentGone;
  }

  private cancelPermissionsSilently(): void {
    this.permissions.clear();
  }

  current(): SessionRecord | null {
    return this.deps.sessions.get(this.deps.sessionId);
  }
}
