import { describe, expect, it } from 'vitest';
import type { JournalRecord } from '../../../src/shared/journal';
import { TOOL_OUTPUT_MAX, rawOutputText } from '../../../src/shared/tool-output';
import { buildTranscript, type TranscriptItem } from '../../../src/shared/transcript';

// The transcript fold's reading of messages, tool output and stderr (issue 14's transcript items).
let seq = 0;
const rec = (dir: JournalRecord['dir'], msg: unknown): JournalRecord => ({ v: 1, seq: ++seq, ts: seq, dir, msg });
const update = (u: Record<string, unknown>) => rec('in', { jsonrpc: '2.0', method: 'session/update', params: { sessionId: 's', update: u } });
const prompt = (id: string, text: string) => rec('out', { jsonrpc: '2.0', id, method: 'session/prompt', params: { sessionId: 's', prompt: [{ type: 'text', text }] } });
const respond = (id: string, result: unknown) => rec('in', { jsonrpc: '2.0', id, result });
const say = (text: string, messageId?: string) => update({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text }, ...(messageId ? { messageId } : {}) });
const tool = (items: TranscriptItem[]) => items.find((i): i is Extract<TranscriptItem, { type: 'tool' }> => i.type === 'tool');

describe('transcript: messages', () => {
  it('keeps the newlines of a prompt and of an agent message', () => {
    seq = 0;
    const t = buildTranscript([prompt('p', 'line one\nline two\n\nafter a blank'), say('first\n'), say('second')]);
    expect(t.items[0]).toMatchObject({ type: 'user', text: 'line one\nline two\n\nafter a blank' });
    expect(t.items[1]).toMatchObject({ type: 'agent', text: 'first\nsecond' });
  });

  it('two agent messages are two blocks: a new messageId starts one', () => {
    seq = 0;
    const t = buildTranscript([prompt('p', 'go'), say('Hel', 'a'), say('lo.', 'a'), say('Next ', 'b'), say('one.', 'b')]);
    expect(t.items.filter((i) => i.type === 'agent').map((i) => ('text' in i ? i.text : ''))).toEqual(['Hello.', 'Next one.']);
  });

  it('anything from the agent between chunks (a tool update, a turn end) ends the message before it', () => {
    seq = 0;
    const t = buildTranscript([
      prompt('p', 'go'),
      update({ sessionUpdate: 'tool_call', toolCallId: 't', title: 'ls', kind: 'execute', status: 'in_progress' }),
      say('Running it.'),
      update({ sessionUpdate: 'tool_call_update', toolCallId: 't', status: 'completed' }),
      say('It passed.'),
      respond('p', { stopReason: 'end_turn' }),
      prompt('q', 'again'),
      say('Again.'),
    ]);
    expect(t.items.filter((i) => i.type === 'agent').map((i) => ('text' in i ? i.text : ''))).toEqual(['Running it.', 'It passed.', 'Again.']);
  });
});

describe('transcript: tool output', () => {
  it("shows a Codex command's streamed terminal output and its exit, whichever _meta key the adapter uses", () => {
    seq = 0;
    const t = buildTranscript([
      prompt('p', 'test'),
      update({ sessionUpdate: 'tool_call', toolCallId: 'c1', title: 'npm test', kind: 'execute', status: 'in_progress', content: [{ type: 'terminal', terminalId: 'c1' }] }),
      update({ sessionUpdate: 'tool_call_update', toolCallId: 'c1', _meta: { terminal_output_delta: { terminal_id: 'c1', data: 'PASS a.test\n' } } }),
      update({ sessionUpdate: 'tool_call_update', toolCallId: 'c1', _meta: { terminal_output: { terminal_id: 'c1', data: 'FAIL b.test\n' } } }),
      update({ sessionUpdate: 'tool_call_update', toolCallId: 'c1', status: 'failed', _meta: { terminal_exit: { terminal_id: 'c1', exit_code: 1, signal: null } } }),
    ]);
    expect(tool(t.items)).toMatchObject({ status: 'failed', output: 'PASS a.test\nFAIL b.test\n', exit: { code: 1, signal: null }, content: [] });
  });

  it('shows rawOutput and the error in it', () => {
    seq = 0;
    const t = buildTranscript([
      prompt('p', 'x'),
      update({ sessionUpdate: 'tool_call', toolCallId: 'r', title: 'Read', kind: 'read', status: 'in_progress' }),
      update({ sessionUpdate: 'tool_call_update', toolCallId: 'r', status: 'failed', rawOutput: { output: '', error: 'ENOENT: no such file' } }),
    ]);
    expect(tool(t.items)).toMatchObject({ status: 'failed', error: 'ENOENT: no such file' });
    expect(rawOutputText({ formatted_output: 'ok\n', stderr: 'warn', exit_code: 0 })).toEqual({ output: 'ok\n', error: 'warn' });
    expect(rawOutputText('plain')).toEqual({ output: 'plain', error: null });
    expect(rawOutputText({ exit_code: 3 }).output).toContain('"exit_code": 3');
  });

  it('keeps only the tail of a very long output, saying it was cut', () => {
    seq = 0;
    const chunk = 'y\n'.repeat(10_000);
    const records = [prompt('p', 'yes'), update({ sessionUpdate: 'tool_call', toolCallId: 'y', title: 'yes', status: 'in_progress' })];
    for (let i = 0; i < 10; i++) records.push(update({ sessionUpdate: 'tool_call_update', toolCallId: 'y', _meta: { terminal_output_delta: { terminal_id: 'y', data: chunk } } }));
    records.push(update({ sessionUpdate: 'tool_call_update', toolCallId: 'y', _meta: { terminal_output_delta: { terminal_id: 'y', data: 'END' } } }));
    const out = tool(buildTranscript(records).items)?.output ?? '';
    expect(out.length).toBeLessThanOrEqual(TOOL_OUTPUT_MAX);
    expect(out.startsWith('… (earlier output cut)')).toBe(true);
    expect(out.endsWith('END')).toBe(true);
  });
});

describe('transcript: the agent log', () => {
  it("keeps an exit's stderr on the exit only (its note counts the lines); the lines are the Agent log pane's, never a transcript item", () => {
    seq = 0;
    const t = buildTranscript([
      prompt('p', 'go'),
      rec('host', { exit: { code: 2, signal: null }, stderrTail: ['warning: odd', 'Error: boom'], cause: 'exited' }),
      rec('host', { exit: { code: 0, signal: null }, stderrTail: [], cause: 'stopped' }),
    ]);
    expect(t.items.filter((i) => i.type === 'exit').map((i) => (i.type === 'exit' ? i.stderrTail : []))).toEqual([['warning: odd', 'Error: boom'], []]);
    expect(JSON.stringify(t.items.filter((i) => i.type !== 'exit'))).not.toContain('Error: boom');
  });
});
