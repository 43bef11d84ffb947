import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionState } from '../../../src/shared/session-state';
import type { JournalRecord } from '../../../src/shared/journal';

/**
 * The test's own reading of a journal and of design.md's recovery table.
 * Deliberately written apart from the app's reader, transcript fold and
 * decideRecovery: an oracle that reused them would agree with their bugs.
 */

export interface DiskJournal {
  records: JournalRecord[];
  /** Bytes after the last newline: a record torn by a crash mid-write. */
  torn: string | null;
}

const journalFile = (dataDir: string, id: string): string => join(dataDir, 'sessions', id, 'journal.jsonl');

/** Every complete line must be a record with the next seq: the host never writes anything else. */
export function readDiskJournal(dataDir: string, id: string): DiskJournal {
  let text = '';
  try {
    text = readFileSync(journalFile(dataDir, id), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const lines = text.split('\n');
  const tail = lines.pop() ?? '';
  const records = lines.map((line, i) => {
    const r = JSON.parse(line) as JournalRecord;
    if (r.v !== 1 || r.seq !== i + 1 || !['in', 'out', 'host'].includes(r.dir)) throw new Error(`journal of ${id}: line ${i + 1} is not record ${i + 1}: ${line.slice(0, 200)}`);
    return r;
  });
  return { records, torn: tail === '' ? null : tail };
}

export interface ToolFacts {
  id: string;
  /** The seq of the call's first update: the same id in another agent conversation is another call. */
  firstSeq: number;
  title: string;
  status: string;
  content: string[];
}

export interface JournalFacts {
  /** A prompt went out and neither its response, an exit, nor an interrupted marker came after it. */
  turnOpen: boolean;
  /** The exit of the agent the latest host ran, if that host journaled one. */
  exit: { code: number | null; signal: string | null } | null;
  /** The tool whose `completed` status came last, as the journal has it. */
  lastCompleted: ToolFacts | null;
  tools: Map<string, ToolFacts>;
  /** Index of the last prompt sent and of the last interrupted marker (-1 if none). */
  lastPromptAt: number;
  lastMarkerAt: number;
  /** Prompts whose response came back with a stop reason. */
  turnsEnded: number;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : null);
const texts = (content: unknown): string[] =>
  Array.isArray(content) ? content.map((c) => obj(obj(c)?.content)?.text).filter((t): t is string => typeof t === 'string' && t.length > 0) : [];

export function journalFacts(records: readonly JournalRecord[]): JournalFacts {
  const prompts = new Set<string>();
  const loads = new Set<string>();
  const tools = new Map<string, ToolFacts>();
  let exit: JournalFacts['exit'] = null;
  let lastCompleted: string | null = null;
  let lastPromptAt = -1;
  let lastMarkerAt = -1;
  let turnsEnded = 0;
  records.forEach((r, i) => {
    const m = obj(r.msg);
    if (!m) return;
    const id = m.id === undefined || m.id === null ? null : `${typeof m.id}:${String(m.id)}`;
    if (r.dir === 'host') {
      // A journal outlives its hosts: an exit is the session's state only until the next host starts.
      if (obj(m.started)) exit = null;
      const e = obj(m.exit);
      if (e) exit = { code: typeof e.code === 'number' ? e.code : null, signal: typeof e.signal === 'string' ? e.signal : null };
      if (e || m.marker === 'interrupted') {
        prompts.clear();
        loads.clear();
        for (const t of tools.values()) if (t.status === 'pending' || t.status === 'in_progress') t.status = 'interrupted';
      }
      if (m.marker === 'interrupted') lastMarkerAt = i;
      return;
    }
    if (r.dir === 'out' && id && m.method === 'session/prompt') {
      prompts.add(id);
      lastPromptAt = i;
    } else if (r.dir === 'out' && id && m.method === 'session/load') loads.add(id);
    else if (r.dir === 'in' && id && m.method === undefined) {
      if (prompts.delete(id) && obj(m.result)) turnsEnded++;
      loads.delete(id);
    } else if (r.dir === 'in' && m.method === 'session/update' && loads.size === 0) {
      const u = obj(obj(m.params)?.update);
      if (!u || (u.sessionUpdate !== 'tool_call' && u.sessionUpdate !== 'tool_call_update') || typeof u.toolCallId !== 'string') return;
      // ACP: a tool call id is unique within its session; a Retry's new conversation may use the same ids again.
      const key = `${String(obj(m.params)?.sessionId)}/${u.toolCallId}`;
      const t = tools.get(key) ?? { id: u.toolCallId, firstSeq: r.seq, title: '', status: 'pending', content: [] };
      tools.set(key, t);
      if (typeof u.title === 'string') t.title = u.title;
      if (Array.isArray(u.content)) t.content = texts(u.content);
      if (typeof u.status === 'string') {
        t.status = u.status;
        if (u.status === 'completed') lastCompleted = key;
      }
    }
  });
  return { turnOpen: prompts.size > 0, exit, lastCompleted: lastCompleted ? (tools.get(lastCompleted) ?? null) : null, tools, lastPromptAt, lastMarkerAt, turnsEnded };
}

/**
 * What design.md's recovery table says a session becomes: one state, "reattached" (it goes on running), or
 * "resent": idle with a prompt checkpointed in the database but never journaled (main died between the two),
 * which goes out after the reconcile, the agent started again for it (persist, then act, even across a crash).
 */
export type Expected = { kind: 'state'; state: SessionState; marker: boolean } | { kind: 'reattached' } | { kind: 'resent'; prompt: string };

/** `checkpointed`: the prompt of a turn the database holds as dispatching (never sent), if there is one. */
export function expectedAfterRecovery(dbState: SessionState, hostAlive: boolean, f: JournalFacts, checkpointed: string | null = null): Expected {
  const after = recoveredState(dbState, hostAlive, f);
  if (checkpointed !== null && after.kind === 'state' && after.state === 'idle') return { kind: 'resent', prompt: checkpointed };
  return after;
}

function recoveredState(dbState: SessionState, hostAlive: boolean, f: JournalFacts): Expected {
  const state = (s: SessionState, marker = false): Expected => ({ kind: 'state', state: s, marker });
  if (dbState === 'stopped' || dbState === 'retired' || dbState === 'failed' || dbState === 'interrupted') return state(dbState);
  // Spawn never completed: failed, Retry offered.
  if (dbState === 'pending' || dbState === 'starting') return state('failed');
  if (dbState === 'stopping') return hostAlive ? { kind: 'reattached' } : state('stopped');
  if (hostAlive) return { kind: 'reattached' };
  // The agent exited on its own: like a lost host, idle stays idle (resumed on the next prompt), an open turn is interrupted.
  if (f.exit) return f.turnOpen || dbState !== 'idle' ? state('interrupted', true) : state('idle');
  return f.turnOpen ? state('interrupted', true) : state('idle');
}
