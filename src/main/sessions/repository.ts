import type { ApprovalPolicy } from '../../shared/approval';
import { err, ok, type Result } from '../../shared/result';
import { canTransition, type SessionState, type Trigger, type TransitionRefusal } from '../../shared/session-state';
import type { Db } from '../store/db';

export interface SessionRecord {
  id: string;
  projectId: string;
  role: 'worker' | 'orchestrator';
  harness: string;
  command: { command: string; args: string[] };
  title: string;
  worktreeId: string | null;
  cwd: string;
  state: SessionState;
  stateDetail: string | null;
  agentSessionId: string | null;
  agentInfo: Record<string, unknown> | null;
  host: { pid: number; startTime: string; nonce: string; socket: string } | null;
  lastAppliedSeq: number;
  /** Its host could not be reached (the link to its machine is down): since when and why; null when it could (ADR 0018). */
  unreachable: { since: string; reason: string } | null;
  /** What the session was created to do; Retry sends it again when no turn ever carried it. */
  initialPrompt: string | null;
  /** The session's own approval policy; null: its project's. */
  approvalPolicy: ApprovalPolicy | null;
  createdAt: string;
  updatedAt: string;
}

interface Row {
  id: string;
  project_id: string;
  role: SessionRecord['role'];
  harness: string;
  command: string;
  title: string;
  worktree_id: string | null;
  cwd: string;
  state: SessionState;
  state_detail: string | null;
  agent_session_id: string | null;
  agent_info: string | null;
  host_pid: number | null;
  host_start_time: string | null;
  host_nonce: string | null;
  host_socket: string | null;
  last_applied_seq: number;
  unreachable_since: string | null;
  unreachable_reason: string | null;
  initial_prompt: string | null;
  approval_policy: ApprovalPolicy | null;
  created_at: string;
  updated_at: string;
}

const toRecord = (r: Row): SessionRecord => ({
  id: r.id,
  projectId: r.project_id,
  role: r.role,
  harness: r.harness,
  command: JSON.parse(r.command) as SessionRecord['command'],
  title: r.title,
  worktreeId: r.worktree_id,
  cwd: r.cwd,
  state: r.state,
  stateDetail: r.state_detail,
  agentSessionId: r.agent_session_id,
  agentInfo: r.agent_info ? (JSON.parse(r.agent_info) as Record<string, unknown>) : null,
  host:
    r.host_pid !== null && r.host_nonce && r.host_socket
      ? { pid: r.host_pid, startTime: r.host_start_time ?? '', nonce: r.host_nonce, socket: r.host_socket }
      : null,
  lastAppliedSeq: r.last_applied_seq,
  unreachable: r.unreachable_since ? { since: r.unreachable_since, reason: r.unreachable_reason ?? '' } : null,
  initialPrompt: r.initial_prompt,
  approvalPolicy: r.approval_policy,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The only module that writes `sessions` and `session_transitions`. */
export function createSessionsRepository(db: Db) {
  const now = () => new Date().toISOString();
  const getStmt = db.prepare<[string], Row>('SELECT * FROM sessions WHERE id = ?');
  // Prepared once: every live tick moves each streaming session's last applied seq.
  const setLastAppliedStmt = db.prepare('UPDATE sessions SET last_applied_seq = ? WHERE id = ?');
  // The projection reads only this, for every session in every live tick: the whole row (and its JSON) is not needed.
  const lastAppliedStmt = db.prepare<[string], number>('SELECT last_applied_seq FROM sessions WHERE id = ?').pluck();
  // Prepared once: every sessions.list and inbox derivation reads them.
  const listOfProject = db.prepare<[string], Row>('SELECT * FROM sessions WHERE project_id = ? ORDER BY created_at, id');
  const listAll = db.prepare<[], Row>('SELECT * FROM sessions ORDER BY created_at, id');
  const setState = db.prepare('UPDATE sessions SET state = ?, state_detail = ?, updated_at = ? WHERE id = ? AND state = ?');
  const addTransition = db.prepare(
    'INSERT INTO session_transitions (session_id, from_state, to_state, trigger, detail, at) VALUES (?, ?, ?, ?, ?, ?)',
  );

  const transition = db.transaction(
    (id: string, to: SessionState, trigger: Trigger, detail: string | null, from: SessionState | undefined): Result<SessionRecord, TransitionRefusal> => {
      const row = getStmt.get(id);
      // Deleted under a signal (its project removed): the signal is about a session that is no more.
      if (!row) return err({ code: 'stale', message: `There is no session ${id} any more.` });
      if (from !== undefined && row.state !== from) return err({ code: 'stale', message: `The session is ${row.state} now, no longer ${from}: ${trigger} does not apply.` });
      if (!canTransition(row.state, to, trigger)) return err({ code: 'illegal_transition', message: `A session cannot go from ${row.state} to ${to} on ${trigger}.` });
      const t = now();
      setState.run(to, detail, t, id, row.state);
      addTransition.run(id, row.state, to, trigger, detail, t);
      return ok(toRecord({ ...row, state: to, state_detail: detail, updated_at: t }));
    },
  );

  return {
    get(id: string): SessionRecord | null {
      const r = getStmt.get(id);
      return r ? toRecord(r) : null;
    },
    /** The last journal seq projected for the session; null when there is no such session. */
    lastApplied(id: string): number | null {
      return lastAppliedStmt.get(id) ?? null;
    },
    list(projectId?: string): SessionRecord[] {
      const rows = projectId ? listOfProject.all(projectId) : listAll.all();
      return rows.map(toRecord);
    },
    listInStates(states: readonly SessionState[]): SessionRecord[] {
      const marks = states.map(() => '?').join(', ');
      return db.prepare<SessionState[], Row>(`SELECT * FROM sessions WHERE state IN (${marks}) ORDER BY created_at, id`).all(...states).map(toRecord);
    },
    insert(s: Pick<SessionRecord, 'id' | 'projectId' | 'role' | 'harness' | 'command' | 'title' | 'worktreeId' | 'cwd'> & { initialPrompt?: string | null }): SessionRecord {
      const t = now();
      db.prepare(
        `INSERT INTO sessions (id, project_id, role, harness, command, title, worktree_id, cwd, state, initial_prompt, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)`,
      ).run(s.id, s.projectId, s.role, s.harness, JSON.stringify(s.command), s.title, s.worktreeId, s.cwd, s.initialPrompt ?? null, t, t);
      const created = getStmt.get(s.id);
      if (!created) throw new Error('insert failed');
      return toRecord(created);
    },
    /**
     * Writes the state and a transition row in one transaction. A move the
     * table forbids, or one decided on a state (`from`) the session has since
     * left, is refused as data with nothing written; a database failure throws.
     * Only the registry's `transition` calls this: it broadcasts after the commit.
     */
    transition(id: string, to: SessionState, trigger: Trigger, opts: { detail?: string | null; from?: SessionState } = {}): Result<SessionRecord, TransitionRefusal> {
      return transition(id, to, trigger, opts.detail ?? null, opts.from);
    },
    setHost(id: string, host: SessionRecord['host']): void {
      db.prepare('UPDATE sessions SET host_pid = ?, host_start_time = ?, host_nonce = ?, host_socket = ?, updated_at = ? WHERE id = ?').run(
        host?.pid ?? null,
        host?.startTime ?? null,
        host?.nonce ?? null,
        host?.socket ?? null,
        now(),
        id,
      );
    },
    /** A person's choice for this session alone; null returns it to its project's policy. */
    setApprovalPolicy(id: string, policy: ApprovalPolicy | null): void {
      // Not updated_at: that is when the state last moved (the inbox's "since"), and a policy is no state.
      db.prepare('UPDATE sessions SET approval_policy = ? WHERE id = ?').run(policy, id);
    },
    /** The host could not be reached (reason) or was reached again (null); returns whether the fact changed. */
    setUnreachable(id: string, reason: string | null): boolean {
      const r = reason === null
        ? db.prepare('UPDATE sessions SET unreachable_since = NULL, unreachable_reason = NULL WHERE id = ? AND unreachable_since IS NOT NULL').run(id)
        : db.prepare('UPDATE sessions SET unreachable_since = ?, unreachable_reason = ? WHERE id = ? AND unreachable_since IS NULL').run(now(), reason, id);
      return r.changes > 0;
    },
    /** Sessions whose host could not be reached, for a link that has come back. */
    listUnreachable(): SessionRecord[] {
      return db.prepare<[], Row>('SELECT * FROM sessions WHERE unreachable_since IS NOT NULL').all().map(toRecord);
    },
    /** Retry resolves the agent's command again: the project's settings may have been fixed since. */
    setCommand(id: string, command: SessionRecord['command']): void {
      db.prepare('UPDATE sessions SET command = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(command), now(), id);
    },
    setAgent(id: string, agentSessionId: string | null, agentInfo: Record<string, unknown> | null): void {
      db.prepare('UPDATE sessions SET agent_session_id = ?, agent_info = ?, updated_at = ? WHERE id = ?').run(
        agentSessionId,
        agentInfo ? JSON.stringify(agentInfo) : null,
        now(),
        id,
      );
    },
    /** Written by the projection, in the same transaction as the events it applied. */
    setLastApplied(id: string, seq: number): void {
      setLastAppliedStmt.run(seq, id);
    },
    transitions(id: string): { from: SessionState; to: SessionState; trigger: Trigger; detail: string | null }[] {
      return db
        .prepare<[string], { from_state: SessionState; to_state: SessionState; trigger: Trigger; detail: string | null }>(
          'SELECT from_state, to_state, trigger, detail FROM session_transitions WHERE session_id = ? ORDER BY id',
        )
        .all(id)
        .map((r) => ({ from: r.from_state, to: r.to_state, trigger: r.trigger, detail: r.detail }));
    },
  };
}

export type SessionsRepository = ReturnType<typeof createSessionsRepository>;
