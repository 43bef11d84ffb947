import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ENDINGS, syntheticJournal, type Ending } from '../../bench/support/synthetic-journals';
import { readJournal } from '../../src/main/host/journal-read';
import { JournalCursor, lineHead } from '../../src/main/runtime/journal-lines';
import { readJournalLines, readJournalTail } from '../../src/main/runtime/journal-tail';
import type { JournalRecord } from '../../src/shared/journal';
import { buildTranscript } from '../../src/shared/transcript';

const dir = mkdtempSync(join(tmpdir(), 'baton-tail-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (lines: readonly string[], tail = ''): string => {
  const p = join(dir, `j${n++}.jsonl`);
  writeFileSync(p, lines.map((l) => `${l}\n`).join('') + tail);
  return p;
};
/** The records a cursor gives for (afterSeq, throughSeq]. */
const readJournalRange = (path: string, afterSeq: number, throughSeq: number): JournalRecord[] => {
  const c = JournalCursor.open(path, afterSeq, throughSeq);
  try {
    return c.next(Number.MAX_SAFE_INTEGER);
  } finally {
    c.close();
  }
};
const line = (seq: number, dir: JournalRecord['dir'], msg: unknown) => `{"v":1,"seq":${seq},"ts":${1000 + seq},"dir":"${dir}","msg":${JSON.stringify(msg)}}`;
const host = (seq: number, msg: unknown) => line(seq, 'host', msg);

describe('readJournalTail agrees with the transcript fold, reading only the end', () => {
  const endings = Object.keys(ENDINGS) as Ending[];
  it.each(endings.flatMap((e) => [1, 2, 3].map((seed) => [e, seed] as const)))('%s (seed %i)', (ending, seed) => {
    const j = syntheticJournal({ target: 900, ending, seed });
    const path = file(j.lines);
    const t = buildTranscript(readJournal(path).records);
    const tail = readJournalTail(path);
    expect(tail.lastSeq).toBe(j.lines.length);
    expect(tail.turnOpen).toBe(t.turnOpen);
    expect(tail.pendingPermission).toBe(t.pendingPermission);
    expect(tail.exit).toEqual(ENDINGS[ending].exit);
    // With an exit, whether the agent died with its newest prompt unanswered.
    expect(tail.turnOpenAtExit).toBe(!!ENDINGS[ending].exit && ENDINGS[ending].open !== false);
    // An exit ends every open request, as the fold has it; decideRecovery looks at the state then.
    expect(tail.turnOpen).toBe(ENDINGS[ending].open !== false && !ENDINGS[ending].exit);
    expect(tail.pendingPermission).toBe(ENDINGS[ending].open === 'permission');
  });

  it('an interrupted marker closes the turn; an exit before it is still the run’s exit', () => {
    const j = syntheticJournal({ target: 500, ending: 'exit_crash_mid_turn', seed: 9 });
    const marked = [...j.lines, host(j.lines.length + 1, { marker: 'interrupted', text: 'x' })];
    expect(readJournalTail(file(marked))).toEqual({ lastSeq: marked.length, turnOpen: false, pendingPermission: false, exit: { code: null, signal: 'SIGSEGV' }, turnOpenAtExit: true, interruptedMarker: true });
    const open = syntheticJournal({ target: 500, ending: 'mid_turn', seed: 9 }).lines;
    const interrupted = [...open, host(open.length + 1, { marker: 'interrupted', text: 'x' })];
    expect(readJournalTail(file(interrupted))).toMatchObject({ lastSeq: interrupted.length, turnOpen: false, exit: null, interruptedMarker: true });
    expect(readJournalTail(file(open)).interruptedMarker).toBe(false);
  });

  it('an exit belongs to its host run: a later run without one has no exit', () => {
    const j = syntheticJournal({ target: 400, ending: 'exit_clean_idle', seed: 4 });
    let seq = j.lines.length;
    const next = [...j.lines, host(++seq, { started: { pid: 1 } }), line(++seq, 'out', { jsonrpc: '2.0', id: 'e:n0', method: 'initialize', params: {} }), line(++seq, 'in', { jsonrpc: '2.0', id: 'e:n0', result: {} })];
    expect(readJournalTail(file(next))).toEqual({ lastSeq: seq, turnOpen: false, pendingPermission: false, exit: null, turnOpenAtExit: false, interruptedMarker: false });
    // A host that died right after starting: its started record is the last one.
    expect(readJournalTail(file([...j.lines, host(j.lines.length + 1, { started: { pid: 1 } })])).exit).toBeNull();
  });

  it('an exit after an unanswered prompt says the turn was open when the agent died; only that run counts', () => {
    const out = (seq: number, id: string, method: string) => line(seq, 'out', { jsonrpc: '2.0', id, method, params: {} });
    const res = (seq: number, id: string, result: unknown) => line(seq, 'in', { jsonrpc: '2.0', id, result });
    const exit = (seq: number) => host(seq, { exit: { code: 137, signal: null } });
    const note = (seq: number) => line(seq, 'in', { jsonrpc: '2.0', method: 'session/update', params: {} });
    // The prompt went out, a tool ran, the agent died: open at exit (turnOpen itself counts the exit as the end).
    const died = [host(1, { started: { pid: 1 } }), out(2, 'a:n0', 'initialize'), res(3, 'a:n0', {}), out(4, 'a:n1', 'session/prompt'), note(5), exit(6)];
    expect(readJournalTail(file(died))).toMatchObject({ turnOpen: false, exit: { code: 137 }, turnOpenAtExit: true });
    // Answered, then died while idle.
    const idle = [...died.slice(0, 5), res(5, 'a:n1', { stopReason: 'end_turn' }), note(6), exit(7)];
    expect(readJournalTail(file(idle))).toMatchObject({ exit: { code: 137 }, turnOpenAtExit: false });
    // A prompt that failed (an error, no stop reason) was answered too.
    const failed = [...died.slice(0, 5), line(5, 'in', { jsonrpc: '2.0', id: 'a:n1', error: { code: -1, message: 'x' } }), exit(6)];
    expect(readJournalTail(file(failed))).toMatchObject({ turnOpenAtExit: false });
    // An open prompt of an earlier run is not this run's: this one started, initialized and died with none.
    const later = [...died.slice(0, 4), host(5, { started: { pid: 2 } }), out(6, 'b:n0', 'initialize'), res(7, 'b:n0', {}), exit(8)];
    expect(readJournalTail(file(later))).toMatchObject({ exit: { code: 137 }, turnOpenAtExit: false });
    // A recovery marker after the exit changes nothing about it.
    expect(readJournalTail(file([...died, host(7, { marker: 'interrupted', text: 'x' })]))).toMatchObject({ turnOpenAtExit: true, interruptedMarker: true });
  });

  it('skips a torn last line and invalid lines, as readJournal does; a missing or empty journal is empty', () => {
    const j = syntheticJournal({ target: 300, ending: 'mid_turn', seed: 5 });
    const torn = file(j.lines, `{"v":1,"seq":${j.lines.length + 1},"ts":1,"dir":"in","msg":{"jsonrpc":"2.0","id":"e:n`);
    expect(readJournalTail(torn)).toMatchObject({ lastSeq: j.lines.length, turnOpen: true });
    // A torn line that happens to close the turn must not count: it never reached anyone.
    const answered = syntheticJournal({ target: 300, ending: 'ended', seed: 5 }).lines;
    const tornAnswer = file(answered.slice(0, -1), answered.at(-1)?.slice(0, -1));
    expect(readJournalTail(tornAnswer)).toMatchObject({ lastSeq: answered.length - 1, turnOpen: true });
    const garbage = file([...j.lines, 'not json', '{"v":2,"seq":99999}', '']);
    expect(readJournalTail(garbage)).toMatchObject({ lastSeq: j.lines.length, turnOpen: true });
    expect(readJournalTail(join(dir, 'missing.jsonl'))).toEqual({ lastSeq: 0, turnOpen: false, pendingPermission: false, exit: null, turnOpenAtExit: false, interruptedMarker: false });
    expect(readJournalTail(file([]))).toEqual({ lastSeq: 0, turnOpen: false, pendingPermission: false, exit: null, turnOpenAtExit: false, interruptedMarker: false });
  });

  it('a prompt that failed (an error, no stop reason) is closed too; an unanswered one after it is open', () => {
    const lines = [
      line(1, 'out', { jsonrpc: '2.0', id: 'e:n1', method: 'session/prompt', params: { prompt: [] } }),
      line(2, 'in', { jsonrpc: '2.0', method: 'session/update', params: { update: { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: 'x' } } } }),
      line(3, 'in', { jsonrpc: '2.0', id: 'e:n1', error: { code: -32603, message: 'boom' } }),
    ];
    expect(readJournalTail(file(lines))).toMatchObject({ lastSeq: 3, turnOpen: false });
    const reopened = [...lines, line(4, 'out', { jsonrpc: '2.0', id: 'e:n2', method: 'session/prompt', params: { prompt: [] } })];
    expect(readJournalTail(file(reopened))).toMatchObject({ lastSeq: 4, turnOpen: true, pendingPermission: false });
  });

  it('reads lines longer than its read size', () => {
    const big = 'x'.repeat(300_000);
    const lines = [
      line(1, 'out', { jsonrpc: '2.0', id: 'e:n1', method: 'session/prompt', params: { prompt: [{ type: 'text', text: big }] } }),
      line(2, 'in', { jsonrpc: '2.0', method: 'session/update', params: { update: { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: big } } } }),
      line(3, 'in', { jsonrpc: '2.0', id: 0, method: 'session/request_permission', params: { toolCall: { toolCallId: 't' }, options: [] } }),
    ];
    expect(readJournalTail(file(lines))).toEqual({ lastSeq: 3, turnOpen: true, pendingPermission: true, exit: null, turnOpenAtExit: false, interruptedMarker: false });
  });
});

describe('lineHead', () => {
  it('reads seq and direction from a host-written line, and nothing else', () => {
    expect(lineHead(Buffer.from(line(42, 'out', { a: 1 })))).toEqual({ seq: 42, dir: 'out' });
    expect(lineHead(Buffer.from(host(7, { marker: 'interrupted' })))).toEqual({ seq: 7, dir: 'host' });
    for (const bad of ['', 'not json', '{"v":2,"seq":1,"ts":1,"dir":"in","msg":{}}', '{"v":1,"seq":,"ts":1,"dir":"in","msg":{}}', '{"v":1,"seq":3,"ts":1,"dir":"sideways","msg":{}}', '{"seq":3,"v":1}']) {
      expect(lineHead(Buffer.from(bad))).toBeNull();
    }
  });
});

describe('reading a range of a journal by bisection', () => {
  const j = syntheticJournal({ target: 3000, ending: 'ended', seed: 7 });
  const path = file(j.lines);
  const all = readJournal(path).records;

  it.each([
    [0, 10],
    [0, 3000],
    [1, 2],
    [1499, 1564],
    [2936, 3000],
    [2999, 5000],
    [3000, 3100],
  ])('(%i, %i] is what readJournal holds there', (after, through) => {
    expect(readJournalRange(path, after, through)).toEqual(all.filter((r) => r.seq > after && r.seq <= through));
    // Unparsed, the same lines as on disk.
    expect(readJournalLines(path, after, through)).toEqual(j.lines.slice(after, Math.min(through, j.lines.length)).map((text, i) => ({ seq: after + i + 1, text })));
  });

  it('a cursor returns the rest in batches, ending at throughSeq', () => {
    const c = JournalCursor.open(path, 1234, 2900);
    const got: JournalRecord[] = [];
    for (let b = c.next(100); b.length > 0; b = c.next(100)) {
      expect(b.length).toBeLessThanOrEqual(100);
      got.push(...b);
    }
    c.close();
    expect(got).toEqual(all.filter((r) => r.seq > 1234 && r.seq <= 2900));
  });

  it('seqs out of order (a repeated run of lines) still give readJournal’s records', () => {
    const lines = [...j.lines.slice(0, 2000), ...j.lines.slice(500, 700), ...j.lines.slice(2000)];
    const p = file(lines);
    const expected = readJournal(p).records;
    for (const after of [100, 600, 1800, 2500]) expect(readJournalRange(p, after, 3000)).toEqual(expected.filter((r) => r.seq > after));
  });

  it('a torn tail is never returned; a missing journal has nothing', () => {
    const p = file(j.lines.slice(0, 100));
    appendFileSync(p, j.lines[100]?.slice(0, 40) ?? '');
    expect(readJournalRange(p, 90, 200).map((r) => r.seq)).toEqual([91, 92, 93, 94, 95, 96, 97, 98, 99, 100]);
    expect(readJournalRange(join(dir, 'nope.jsonl'), 0, 10)).toEqual([]);
  });
});
