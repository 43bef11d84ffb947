import { AUTO_ANSWER_META_KEY, isAutoAnswerReason, type AutoAnswerReason } from './baton-tools';
import { asRpc, idKey, isNotification, isObject, isRequest, isResponse, type JournalRecord } from './journal';
import { appendOutput, rawOutputText, terminalMeta } from './tool-output';

export type ToolStatus = 'pending' | 'in_progress' | 'completed' | 'failed' | 'interrupted';

export type TranscriptItem =
  | { type: 'user'; seq: number; text: string }
  | { type: 'agent'; seq: number; text: string }
  | { type: 'thought'; seq: number; text: string }
  | {
      type: 'tool';
      seq: number;
      toolCallId: string;
      title: string;
      kind: string;
      status: ToolStatus;
      content: string[];
      locations: string[];
      /** What its command printed, streamed as terminal output (Codex's `_meta`); its tail. */
      output: string;
      /** How its command ended, when the agent said (`_meta.terminal_exit`). */
      exit: { code: number | null; signal: string | null } | null;
      /** Its `rawOutput` in words, and the error in it, when the agent sent one. */
      rawOutput: string | null;
      error: string | null;
    }
  | { type: 'plan'; seq: number; entries: { content: string; status: string; priority?: string }[] }
  | {
      type: 'permission';
      seq: number;
      requestKey: string;
      title: string;
      toolCallId: string | null;
      options: { optionId: string; name: string; kind: string }[];
      /** `automatic`: Baton answered by itself (its own tools), not a person. */
      outcome: { kind: 'selected'; optionId: string; name: string; automatic?: AutoAnswerReason } | { kind: 'cancelled' } | null;
    }
  | { type: 'turn_end'; seq: number; stopReason: string }
  | { type: 'error'; seq: number; text: string }
  | { type: 'diagnostic'; seq: number; text: string }
  | { type: 'exit'; seq: number; code: number | null; signal: string | null; stderrTail: string[] }
  | { type: 'marker'; seq: number; marker: string; text: string };

export interface Transcript {
  items: TranscriptItem[];
  /** A turn is open: a prompt was sent and no response (stop reason) has come back. */
  turnOpen: boolean;
  /** An agent→client request (permission) waits for an answer. */
  pendingPermission: boolean;
  lastSeq: number;
}

/** What the agent last said: the text of its newest `n` messages, oldest first. */
export function lastAgentMessages(from: Transcript | readonly TranscriptItem[], n: number): string[] {
  if (n <= 0) return [];
  const items = 'items' in from ? from.items : from;
  const said: string[] = [];
  for (const i of items) if (i.type === 'agent') said.push(i.text);
  return said.slice(-n);
}

const text = (v: unknown): string => {
  if (typeof v === 'string') return v;
  if (isObject(v) && typeof v.text === 'string') return v.text;
  return '';
};

function contentToStrings(content: unknown): string[] {
  if (!Array.isArray(content)) return [];
  const out: string[] = [];
  for (const c of content) {
    if (!isObject(c)) continue;
    if (c.type === 'content') out.push(text(c.content));
    else if (c.type === 'diff') out.push(`diff ${String(c.path ?? '')}`);
    // A terminal's id says nothing to people; its output comes in `_meta` (tool-output.ts) when it comes at all.
    else if (c.type === 'terminal') continue;
    else out.push(text(c));
  }
  return out.filter((s) => s.length > 0);
}

const promptText = (prompt: unknown): string => (Array.isArray(prompt) ? prompt.map(text).filter(Boolean).join('\n') : '');

/**
 * Folds journal records into what the session view shows. Pure: the same
 * records always give the same transcript, so main, tests and the renderer agree.
 */
export function buildTranscript(records: readonly JournalRecord[]): Transcript {
  const items: TranscriptItem[] = [];
  const tools = new Map<string, Extract<TranscriptItem, { type: 'tool' }>>();
  const permissions = new Map<string, Extract<TranscriptItem, { type: 'permission' }>>();
  const prompts = new Set<string>();
  const loads = new Set<string>();
  /** Tools known only from a permission request, not shown yet (by toolKey). */
  const askedOnly = new Set<string>();
  let turnOpen = false;
  let lastSeq = 0;

  /**
   * Chunks join the message before them only while that message goes on: the
   * same kind, the same `messageId` (when the agent sends one), and nothing
   * else from the agent in between (a tool update, a turn's end). Otherwise
   * two messages would read as one run-on paragraph.
   */
  type OpenMessage = { item: Extract<TranscriptItem, { type: 'agent' | 'thought' }>; messageId: string | null };
  let open: OpenMessage | null = null;
  const appendChunk = (type: 'agent' | 'thought', seq: number, chunk: string, messageId: string | null) => {
    if (open && open.item.type === type && open.messageId === messageId && items.at(-1) === open.item) {
      open.item.text += chunk;
      return;
    }
    const item = { type, seq, text: chunk };
    items.push(item);
    open = { item, messageId };
  };

  for (const r of records) {
    lastSeq = Math.max(lastSeq, r.seq);
    const chunkBefore: OpenMessage | null = open;
    open = null;
    if (r.dir === 'host') {
      foldHost(r, items, tools, askedOnly);
      // An exit or an interruption ends every open request: their answers can never come.
      if (isObject(r.msg) && (isObject(r.msg.exit) || r.msg.marker === 'interrupted')) {
        turnOpen = false;
        prompts.clear();
        loads.clear();
      }
      continue;
    }
    const m = asRpc(r.msg);
    if (!m) continue;
    if (r.dir === 'out' && isRequest(m)) {
      if (m.method === 'session/prompt') {
        prompts.add(idKey(m.id));
        turnOpen = true;
        items.push({ type: 'user', seq: r.seq, text: promptText(isObject(m.params) ? m.params.prompt : undefined) });
      } else if (m.method === 'session/load') loads.add(idKey(m.id));
      continue;
    }
    if (r.dir === 'out' && isResponse(m)) {
      const p = permissions.get(idKey(m.id));
      if (p) {
        const outcome = isObject(m.result) && isObject(m.result.outcome) ? m.result.outcome : null;
        if (outcome?.outcome === 'selected' && typeof outcome.optionId === 'string') {
          const name = p.options.find((o) => o.optionId === outcome.optionId)?.name ?? outcome.optionId;
          const auto = isObject(m.result) && isObject(m.result._meta) ? m.result._meta[AUTO_ANSWER_META_KEY] : undefined;
          p.outcome = { kind: 'selected', optionId: outcome.optionId, name, ...(isAutoAnswerReason(auto) ? { automatic: auto } : {}) };
        } else p.outcome = { kind: 'cancelled' };
      }
      continue;
    }
    if (r.dir !== 'in') continue;
    if (isResponse(m)) {
      const key = idKey(m.id);
      if (prompts.delete(key)) {
        turnOpen = prompts.size > 0;
        // The turn ended with nothing more said of them: whether they ran is unknown, so they are not shown as open.
        if (!turnOpen) {
          for (const id of askedOnly) tools.delete(id);
          askedOnly.clear();
        }
        if (m.error) items.push({ type: 'error', seq: r.seq, text: m.error.message });
        const stopReason = isObject(m.result) && typeof m.result.stopReason === 'string' ? m.result.stopReason : m.error ? 'error' : 'end_turn';
        items.push({ type: 'turn_end', seq: r.seq, stopReason });
      } else if (loads.delete(key) && m.error) {
        items.push({ type: 'diagnostic', seq: r.seq, text: `The agent could not load the previous conversation: ${m.error.message}` });
      }
      continue;
    }
    if (isRequest(m) && m.method === 'session/request_permission' && isObject(m.params)) {
      const tc = isObject(m.params.toolCall) ? m.params.toolCall : {};
      const options = Array.isArray(m.params.options)
        ? m.params.options.filter(isObject).map((o) => ({ optionId: String(o.optionId ?? ''), name: String(o.name ?? o.optionId ?? ''), kind: String(o.kind ?? '') }))
        : [];
      const item: Extract<TranscriptItem, { type: 'permission' }> = {
        type: 'permission',
        seq: r.seq,
        requestKey: idKey(m.id),
        title: typeof tc.title === 'string' ? tc.title : 'The agent asks for permission',
        toolCallId: typeof tc.toolCallId === 'string' ? tc.toolCallId : null,
        options,
        outcome: null,
      };
      // Some agents (Gemini CLI) name a tool only here: it is a tool call all the same, and can be left open. It is
      // shown once something more is known of it (an update, or an interruption), not beside its own permission.
      const askedKey = item.toolCallId === null ? null : toolKey(typeof m.params.sessionId === 'string' ? m.params.sessionId : '', item.toolCallId);
      if (item.toolCallId !== null && askedKey !== null && !tools.has(askedKey)) {
        const tool = Object.assign(newTool(r.seq, item.toolCallId), {
          title: typeof tc.title === 'string' ? tc.title : item.toolCallId,
          kind: typeof tc.kind === 'string' ? tc.kind : 'other',
          content: contentToStrings(tc.content),
          locations: Array.isArray(tc.locations) ? tc.locations.filter(isObject).map((l) => String(l.path ?? '')) : [],
        });
        tools.set(askedKey, tool);
        askedOnly.add(askedKey);
      }
      permissions.set(item.requestKey, item);
      items.push(item);
      continue;
    }
    // Updates that arrive while a session/load is pending are the agent replaying history we already hold.
    if (isNotification(m) && m.method === 'session/update' && loads.size === 0 && isObject(m.params) && isObject(m.params.update)) {
      const u = m.params.update;
      // Only a chunk may continue the message before it.
      if (u.sessionUpdate === 'agent_message_chunk' || u.sessionUpdate === 'agent_thought_chunk') open = chunkBefore;
      const agentSessionId = typeof m.params.sessionId === 'string' ? m.params.sessionId : '';
      const askedKey = typeof u.toolCallId === 'string' ? toolKey(agentSessionId, u.toolCallId) : null;
      if (askedKey !== null && askedOnly.delete(askedKey)) {
        const asked = tools.get(askedKey);
        // Shown from here on, where it is first more than a request: items stay in seq order.
        if (asked) items.push(Object.assign(asked, { seq: r.seq }));
      }
      foldUpdate(r.seq, agentSessionId, u, items, tools, appendChunk);
    }
    // Extension notifications (`_vendor/...`) and anything unknown are ignored on purpose.
  }

  const pendingPermission = [...permissions.values()].some((p) => p.outcome === null);
  if (!turnOpen) for (const p of permissions.values()) if (p.outcome === null) p.outcome = { kind: 'cancelled' };
  // The agent's stderr is not the conversation: the Agent log pane reads it from its host (sessions.agentLog, ADR 0025).
  return { items, turnOpen, pendingPermission: turnOpen && pendingPermission, lastSeq };
}

/**
 * A tool call is known by its id within one agent conversation (ACP session)
 * only: a Retry, or a Continue that could not resume, opens a new
 * conversation whose ids may repeat the earlier ones. Keyed by id alone, the
 * new call's updates (and the interrupted marker that closes it) would be
 * folded into the old, finished one.
 */
const toolKey = (agentSessionId: string, toolCallId: string): string => `${agentSessionId}\u0000${toolCallId}`;

const newTool = (seq: number, toolCallId: string): Extract<TranscriptItem, { type: 'tool' }> => ({
  type: 'tool',
  seq,
  toolCallId,
  title: '',
  kind: 'other',
  status: 'pending',
  content: [],
  locations: [],
  output: '',
  exit: null,
  rawOutput: null,
  error: null,
});

function foldUpdate(
  seq: number,
  agentSessionId: string,
  u: Record<string, unknown>,
  items: TranscriptItem[],
  tools: Map<string, Extract<TranscriptItem, { type: 'tool' }>>,
  appendChunk: (type: 'agent' | 'thought', seq: number, chunk: string, messageId: string | null) => void,
): void {
  const messageId = typeof u.messageId === 'string' ? u.messageId : null;
  switch (u.sessionUpdate) {
    case 'agent_message_chunk':
      appendChunk('agent', seq, text(u.content), messageId);
      return;
    case 'agent_thought_chunk':
      appendChunk('thought', seq, text(u.content), messageId);
      return;
    case 'user_message_chunk':
      return; // Our own prompt is already shown from the request we sent.
    case 'tool_call':
    case 'tool_call_update': {
      const id = typeof u.toolCallId === 'string' ? u.toolCallId : '';
      const key = toolKey(agentSessionId, id);
      let tool = tools.get(key);
      if (!tool) {
        tool = newTool(seq, id);
        tools.set(key, tool);
        items.push(tool);
      }
      if (typeof u.title === 'string') tool.title = u.title;
      if (typeof u.kind === 'string') tool.kind = u.kind;
      // An update may carry no status (content or _meta only): the previous status stands.
      if (typeof u.status === 'string') tool.status = u.status as ToolStatus;
      if (Array.isArray(u.content)) tool.content = contentToStrings(u.content);
      if (Array.isArray(u.locations)) tool.locations = u.locations.filter(isObject).map((l) => String(l.path ?? ''));
      if ('rawOutput' in u) Object.assign(tool, rawOutputText(u.rawOutput));
      const term = terminalMeta(u._meta);
      if (term.chunk) tool.output = appendOutput(tool.output, term.chunk);
      if (term.exit) tool.exit = term.exit;
      return;
    }
    case 'plan':
      items.push({
        type: 'plan',
        seq,
        entries: Array.isArray(u.entries)
          ? u.entries.filter(isObject).map((e) => ({ content: String(e.content ?? ''), status: String(e.status ?? ''), ...(typeof e.priority === 'string' ? { priority: e.priority } : {}) }))
          : [],
      });
      return;
    default:
      return;
  }
}

function foldHost(r: JournalRecord, items: TranscriptItem[], tools: Map<string, Extract<TranscriptItem, { type: 'tool' }>>, askedOnly: Set<string>): void {
  const msg = r.msg;
  if (!isObject(msg)) return;
  if (isObject(msg.exit)) {
    // No tool of an agent that has exited is still running.
    interruptOpenTools(r.seq, items, tools, askedOnly);
    const e = msg.exit;
    items.push({
      type: 'exit',
      seq: r.seq,
      code: typeof e.code === 'number' ? e.code : null,
      signal: typeof e.signal === 'string' ? e.signal : null,
      stderrTail: Array.isArray(msg.stderrTail) ? msg.stderrTail.map(String) : [],
    });
    return;
  }
  if (typeof msg.marker === 'string') {
    if (msg.marker === 'interrupted') interruptOpenTools(r.seq, items, tools, askedOnly);
    items.push({ type: 'marker', seq: r.seq, marker: msg.marker, text: typeof msg.text === 'string' ? msg.text : msg.marker });
    return;
  }
  if (typeof msg.diagnostic === 'string') items.push({ type: 'diagnostic', seq: r.seq, text: msg.diagnostic });
}

/** Open tools are shown interrupted, those known only from a permission request included (they are shown now). */
function interruptOpenTools(seq: number, items: TranscriptItem[], tools: Map<string, Extract<TranscriptItem, { type: 'tool' }>>, askedOnly: Set<string>): void {
  for (const t of tools.values()) if (t.status === 'pending' || t.status === 'in_progress') t.status = 'interrupted';
  for (const id of askedOnly) {
    const t = tools.get(id);
    if (t) items.push(Object.assign(t, { seq }));
  }
  askedOnly.clear();
}
