import { describe, expect, it } from 'vitest';
import type { JournalRecord } from '../../../src/shared/journal';
import { buildTranscript } from '../../../src/shared/transcript';

let seq = 0;
const rec = (dir: JournalRecord['dir'], msg: unknown): JournalRecord => ({ v: 1, seq: ++seq, ts: seq, dir, msg });
const update = (u: Record<string, unknown>) => rec('in', { jsonrpc: '2.0', method: 'session/update', params: { sessionId: 's', update: u } });
const prompt = (id: string, text: string) => rec('out', { jsonrpc: '2.0', id, method: 'session/prompt', params: { sessionId: 's', prompt: [{ type: 'text', text }] } });
const respond = (id: string, result: unknown) => rec('in', { jsonrpc: '2.0', id, result });

describe('buildTranscript', () => {
  it('merges chunks, folds tool updates without status, and keeps updates that arrive after the prompt response', () => {
    seq = 0;
    const t = buildTranscript([
      prompt('m1:1', 'Fix the bug'),
      update({ sessionUpdate: 'agent_thought_chunk', content: { type: 'text', text: 'Thinking' } }),
      update({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: 'Look' } }),
      update({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: 'ing now.' } }),
      update({ sessionUpdate: 'tool_call', toolCallId: 't1', title: 'Read file', kind: 'read', status: 'pending' }),
      update({ sessionUpdate: 'tool_call_update', toolCallId: 't1', content: [{ type: 'content', content: { type: 'text', text: 'file body' } }], _meta: { x: 1 } }),
      update({ sessionUpdate: 'tool_call_update', toolCallId: 't1', status: 'completed' }),
      rec('in', { jsonrpc: '2.0', method: '_vendor/telemetry', params: { anything: true } }),
      respond('m1:1', { stopReason: 'end_turn' }),
      update({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: 'Late words.' } }),
    ]);
    expect(t.items.map((i) => i.type)).toEqual(['user', 'thought', 'agent', 'tool', 'turn_end', 'agent']);
    expect(t.items[2]).toMatchObject({ text: 'Looking now.' });
    expect(t.items[3]).toMatchObject({ toolCallId: 't1', status: 'completed', content: ['file body'], kind: 'read' });
    expect(t.items.at(-1)).toMatchObject({ text: 'Late words.' });
    expect(t.turnOpen).toBe(false);
  });

  it('tracks a pending permission request and its outcome', () => {
    seq = 0;
    const ask = rec('in', {
      jsonrpc: '2.0',
      id: 7,
      method: 'session/request_permission',
      params: { sessionId: 's', toolCall: { toolCallId: 't2', title: 'Run rm -rf build' }, options: [{ optionId: 'allow', name: 'Allow once', kind: 'allow_once' }, { optionId: 'deny', name: 'Reject', kind: 'reject_once' }] },
    });
    const open = buildTranscript([prompt('m1:2', 'go'), ask]);
    expect(open.turnOpen).toBe(true);
    expect(open.pendingPermission).toBe(true);
    const answered = buildTranscript([prompt('m1:2', 'go'), ask, rec('out', { jsonrpc: '2.0', id: 7, result: { outcome: { outcome: 'selected', optionId: 'allow' } } })]);
    expect(answered.pendingPermission).toBe(false);
    expect(answered.items.find((i) => i.type === 'permission')).toMatchObject({ outcome: { kind: 'selected', name: 'Allow once' } });
  });

  it('a tool named only in a permission request (Gemini CLI) is a tool call, shown interrupted when the agent exits or the turn is cut off', () => {
    seq = 0;
    const ask = rec('in', { jsonrpc: '2.0', id: 3, method: 'session/request_permission', params: { sessionId: 's', toolCall: { toolCallId: 'g1', title: 'Shell: npm test', kind: 'execute' }, options: [] } });
    // While it is asked, the permission says it all: no second card for the same tool.
    const open = buildTranscript([prompt('m:2', 'go'), ask]);
    expect(open.items.map((i) => i.type)).toEqual(['user', 'permission']);
    for (const cut of [{ exit: { code: 9, signal: null } }, { marker: 'interrupted', text: 'gone' }]) {
      const t = buildTranscript([prompt('m:2', 'go'), ask, rec('host', cut)]);
      expect(t.items.filter((i) => i.type === 'tool')).toEqual([expect.objectContaining({ toolCallId: 'g1', title: 'Shell: npm test', kind: 'execute', status: 'interrupted' })]);
    }
    // A turn that ended normally leaves nothing open to interrupt later.
    const ended = buildTranscript([prompt('m:2', 'go'), ask, respond('m:2', { stopReason: 'end_turn' }), rec('host', { exit: { code: 0, signal: null } })]);
    expect(ended.items.some((i) => i.type === 'tool')).toBe(false);
    // Announced later by tool_call after all: one tool, updated, not two.
    const both = buildTranscript([prompt('m:2', 'go'), ask, update({ sessionUpdate: 'tool_call', toolCallId: 'g1', title: 'npm test', status: 'in_progress' })]);
    expect(both.items.filter((i) => i.type === 'tool')).toEqual([expect.objectContaining({ toolCallId: 'g1', title: 'npm test', status: 'in_progress' })]);
  });

  it('hides history replayed during session/load, and says when a load failed', () => {
    seq = 0;
    const t = buildTranscript([
      prompt('a:1', 'first'),
      update({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: 'original' } }),
      respond('a:1', { stopReason: 'end_turn' }),
      rec('out', { jsonrpc: '2.0', id: 'b:1', method: 'session/load', params: { sessionId: 's' } }),
      update({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: 'original' } }),
      update({ sessionUpdate: 'tool_call', toolCallId: 'old', title: 'replayed', status: 'completed' }),
      rec('in', { jsonrpc: '2.0', id: 'b:1', error: { code: -32000, message: 'no such session' } }),
    ]);
    expect(t.items.filter((i) => i.type === 'agent')).toHaveLength(1);
    expect(t.items.some((i) => i.type === 'tool')).toBe(false);
    expect(t.items.at(-1)).toMatchObject({ type: 'diagnostic' });
  });

  it('an interrupted marker marks open tool calls interrupted; the completed one stays completed', () => {
    seq = 0;
    const t = buildTranscript([
      prompt('a:1', 'go'),
      update({ sessionUpdate: 'tool_call', toolCallId: 'done', title: 'ok', status: 'completed' }),
      update({ sessionUpdate: 'tool_call', toolCallId: 'open', title: 'running', status: 'in_progress' }),
      rec('host', { marker: 'interrupted', text: 'The session host died mid-turn.' }),
    ]);
    expect(t.items.find((i) => i.type === 'tool' && i.toolCallId === 'done')).toMatchObject({ status: 'completed' });
    expect(t.items.find((i) => i.type === 'tool' && i.toolCallId === 'open')).toMatchObject({ status: 'interrupted' });
  });

  it('a turn cut off by an interruption or an exit stays closed once the next turn ends', () => {
    for (const cut of [{ marker: 'interrupted', text: 'gone' }, { exit: { code: null, signal: 'SIGKILL' } }]) {
      seq = 0;
      const before = [prompt('a:1', 'go'), rec('host', cut)];
      expect(buildTranscript(before).turnOpen).toBe(false);
      const next = buildTranscript([...before, prompt('b:1', 'continue'), respond('b:1', { stopReason: 'end_turn' })]);
      expect(next.turnOpen).toBe(false);
      expect(next.items.at(-1)).toMatchObject({ type: 'turn_end', stopReason: 'end_turn' });
    }
  });

  it("tells Baton's own answer from a person's: the answer's _meta says it was automatic", () => {
    seq = 0;
    const ask = (id: string, title: string) =>
      rec('in', { jsonrpc: '2.0', id, method: 'session/request_permission', params: { sessionId: 's', toolCall: { toolCallId: id, title, kind: 'other' }, options: [{ optionId: 'allow', name: 'Allow', kind: 'allow_once' }] } });
    const answer = (id: string, result: unknown) => rec('out', { jsonrpc: '2.0', id, result });
    const t = buildTranscript([
      prompt('m1:1', 'Go'),
      ask('0', 'mcp__baton__list_tasks'),
      answer('0', { outcome: { outcome: 'selected', optionId: 'allow' }, _meta: { batonAutoAnswer: 'baton_tool' } }),
      ask('1', 'Run rm -rf build'),
      answer('1', { outcome: { outcome: 'selected', optionId: 'allow' } }),
      ask('2', 'mcp__baton__claim_next_run'),
      answer('2', { outcome: { outcome: 'selected', optionId: 'allow' }, _meta: { batonAutoAnswer: 'something else' } }),
    ]);
    const outcomes = t.items.flatMap((i) => (i.type === 'permission' ? [i.outcome] : []));
    expect(outcomes).toEqual([
      { kind: 'selected', optionId: 'allow', name: 'Allow', automatic: 'baton_tool' },
      { kind: 'selected', optionId: 'allow', name: 'Allow' },
      { kind: 'selected', optionId: 'allow', name: 'Allow' },
    ]);
  });
});
