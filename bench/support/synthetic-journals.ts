import { mulberry32 } from '../../tests/support/random';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JournalRecord } from '../../src/shared/journal';
import type { SessionState } from '../../src/shared/session-state';

/**
 * How a synthetic session's journal ends, what the database believed when
 * Baton stopped, and what the recovery table (design.md) must make of it with
 * the host gone. The expectation is written here, from how the journal was
 * generated, so the bench never checks reconcile against its own reading.
 */
export const ENDINGS = {
  ended: { db: 'idle', expected: 'idle', open: false, exit: null },
  ended_db_busy: { db: 'busy', expected: 'idle', open: false, exit: null },
  mid_turn: { db: 'busy', expected: 'interrupted', open: 'tool', exit: null },
  permission: { db: 'waiting_input', expected: 'interrupted', open: 'permission', exit: null },
  mid_turn_db_idle: { db: 'idle', expected: 'interrupted', open: 'text', exit: null },
  // An agent that exited on its own while idle keeps its conversation: idle, resumed on the next prompt (issue 11).
  exit_clean_idle: { db: 'idle', expected: 'idle', open: false, exit: { code: 0, signal: null } },
  exit_crash_mid_turn: { db: 'busy', expected: 'interrupted', open: 'tool', exit: { code: null, signal: 'SIGSEGV' } },
  exit_failed_idle: { db: 'idle', expected: 'idle', open: false, exit: { code: 1, signal: null } },
  // Main died before projecting the prompt (the database says idle), then the agent died mid-turn: interrupted.
  exit_mid_turn_db_idle: { db: 'idle', expected: 'interrupted', open: 'tool', exit: { code: 137, signal: null } },
} as const satisfies Record<string, { db: SessionState; expected: SessionState; open: false | 'tool' | 'permission' | 'text'; exit: { code: number | null; signal: string | null } | null }>;

export type Ending = keyof typeof ENDINGS;

export interface SyntheticJournal {
  /** Every line as the host would have written it (without newlines). */
  lines: string[];
  /** The turn rows main would have checkpointed, one per prompt, in order. */
  turns: { id: string; prompt: string }[];
}

/** A small deterministic PRNG (mulberry32): the same seed always writes the same journals. */
export const rng = (seed: number): (() => number) => mulberry32(seed);

const WORDS = 'the a parser test file function returns value error module import build fix refactor branch commit diff type check lint run query index table row column cache session host journal line'.split(' ');

/**
 * A realistic ACP conversation of about `target` lines: initialize and
 * session/new, then turns of session/prompt → agent_thought/message chunks,
 * tool_call and tool_call_update (pending → in_progress → completed, with
 * content), the odd plan and permission request → response, ended by the
 * prompt's response; the last turn ends as `ending` says.
 */
export function syntheticJournal(opts: { target: number; ending: Ending; seed: number; epoch?: string; startTs?: number }): SyntheticJournal {
  const rand = rng(opts.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const words = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(' ');
  const epoch = opts.epoch ?? 'a1b2c3d4';
  const agentSession = `agent-${opts.seed}`;
  const lines: string[] = [];
  const turns: SyntheticJournal['turns'] = [];
  let ts = opts.startTs ?? 1_764_000_000_000;
  let n = 0;
  let agentReq = 0;
  const push = (dir: JournalRecord['dir'], msg: unknown) => {
    ts += 1 + Math.floor(rand() * 40);
    lines.push(`{"v":1,"seq":${lines.length + 1},"ts":${ts},"dir":"${dir}","msg":${JSON.stringify(msg)}}`);
  };
  const update = (u: Record<string, unknown>) => push('in', { jsonrpc: '2.0', method: 'session/update', params: { sessionId: agentSession, update: u } });
  const request = (method: string, params: unknown) => {
    const id = `${epoch}:n${n++}`;
    push('out', { jsonrpc: '2.0', id, method, params });
    return id;
  };

  push('host', { started: { pid: 4242, protocol: 1, journal: 1, command: 'claude-agent-acp', args: [], cwd: '/work/repo' } });
  const init = request('initialize', { protocolVersion: 1, clientCapabilities: { fs: { readTextFile: false, writeTextFile: false }, terminal: false }, clientInfo: { name: 'baton', title: 'Baton', version: '0.1.0' } });
  push('in', { jsonrpc: '2.0', id: init, result: { protocolVersion: 1, agentCapabilities: { loadSession: true }, authMethods: [] } });
  const created = request('session/new', { cwd: '/work/repo', mcpServers: [] });
  push('in', { jsonrpc: '2.0', id: created, result: { sessionId: agentSession } });

  const ending = ENDINGS[opts.ending];
  let tool = 0;
  for (;;) {
    const last = lines.length > opts.target - 400;
    const turnId = randomUUID();
    const text = `Please ${words(8)}`;
    turns.push({ id: turnId, prompt: text });
    const promptId = request('session/prompt', { sessionId: agentSession, prompt: [{ type: 'text', text }], _meta: { batonTurnId: turnId } });
    const budget = last ? Math.max(20, opts.target - lines.length - 2) : 80 + Math.floor(rand() * 320);
    const end = lines.length + budget;
    for (let i = 0; i < 3; i++) update({ sessionUpdate: 'agent_thought_chunk', content: { type: 'text', text: words(6) } });
    if (rand() < 0.3) update({ sessionUpdate: 'plan', entries: [{ content: words(5), status: 'pending', priority: 'high' }, { content: words(4), status: 'pending', priority: 'medium' }] });
    while (lines.length < end - 8) {
      const chunks = 3 + Math.floor(rand() * 15);
      for (let i = 0; i < chunks; i++) update({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: `${words(3)} ` } });
      const id = `call_${++tool}`;
      update({ sessionUpdate: 'tool_call', toolCallId: id, title: `Read src/${pick(WORDS)}.ts`, kind: pick(['read', 'edit', 'execute', 'search']), status: 'pending', locations: [{ path: `src/${pick(WORDS)}.ts` }] });
      if (rand() < 0.05) {
        const reqId = agentReq++;
        push('in', { jsonrpc: '2.0', id: reqId, method: 'session/request_permission', params: { sessionId: agentSession, toolCall: { toolCallId: id, title: 'Run npm test' }, options: [{ optionId: 'allow', name: 'Allow', kind: 'allow_once' }, { optionId: 'reject', name: 'Reject', kind: 'reject_once' }] } });
        push('out', { jsonrpc: '2.0', id: reqId, result: { outcome: { outcome: 'selected', optionId: 'allow' } } });
      }
      update({ sessionUpdate: 'tool_call_update', toolCallId: id, status: 'in_progress' });
      update({ sessionUpdate: 'tool_call_update', toolCallId: id, status: 'completed', content: [{ type: 'content', content: { type: 'text', text: words(20 + Math.floor(rand() * 60)) } }] });
    }
    if (!last) {
      push('in', { jsonrpc: '2.0', id: promptId, result: { stopReason: 'end_turn' } });
      continue;
    }
    // The last turn: closed, or left open the way the ending says.
    if (ending.open === 'tool') {
      update({ sessionUpdate: 'tool_call', toolCallId: 'call_open', title: 'Run the test suite', kind: 'execute', status: 'pending' });
      update({ sessionUpdate: 'tool_call_update', toolCallId: 'call_open', status: 'in_progress' });
    } else if (ending.open === 'permission') {
      update({ sessionUpdate: 'tool_call', toolCallId: 'call_open', title: 'Delete build/', kind: 'delete', status: 'pending' });
      push('in', { jsonrpc: '2.0', id: agentReq, method: 'session/request_permission', params: { sessionId: agentSession, toolCall: { toolCallId: 'call_open', title: 'Delete build/' }, options: [{ optionId: 'allow', name: 'Allow', kind: 'allow_once' }] } });
    } else if (ending.open === 'text') {
      update({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: 'Now I will ' } });
    } else {
      push('in', { jsonrpc: '2.0', id: promptId, result: { stopReason: 'end_turn' } });
    }
    if (ending.exit) push('host', { exit: ending.exit, stderrTail: ending.exit.code === 0 ? [] : ['panic: something broke'], cause: 'exited', reaped: [] });
    return { lines, turns };
  }
}

/** Writes the journal where the host would have: `<dataDir>/sessions/<id>/journal.jsonl`. */
export function writeJournal(dataDir: string, sessionId: string, lines: readonly string[]): string {
  const dir = join(dataDir, 'sessions', sessionId);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'journal.jsonl');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}
