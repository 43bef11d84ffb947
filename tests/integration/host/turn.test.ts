import { readFileSync, statSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { lastValidSeq, readJournal } from '../../../src/main/host/journal-read';
import type { JournalRecord } from '../../../src/main/host/protocol';
import { ensureHostBuilt, expectContiguous, msgOf, Peer, textOf, updateOf, World } from './helpers';

let w: World;
beforeAll(() => ensureHostBuilt(), 180_000);
afterEach(() => w?.cleanup());

describe('session host: a turn through the journal', () => {
  it('journals every line in both directions, with contiguous seq, before forwarding it', async () => {
    w = new World();
    const id = 'turn-1';
    const script = {
      prompts: [
        {
          steps: [
            { type: 'thought', text: 'thinking' },
            { type: 'plan', entries: [{ content: 'look', priority: 'high', status: 'pending' }] },
            { type: 'tool_call', id: 'call-1', title: 'Read README', kind: 'read' },
            { type: 'tool_update', id: 'call-1', content: 'partial output, no status' },
            { type: 'tool_update', id: 'call-1', status: 'completed' },
            { type: 'ext_notification', method: '_baton/test', params: { n: 1 } },
            { type: 'journal_check' },
            { type: 'text', text: 'done' },
            { type: 'end_turn' },
            { type: 'text', text: 'late update' },
          ],
        },
      ],
    };
    const info = await w.launch(id, script);
    const journal = w.journal(id);
    // Checked as each record arrives: it must already be on disk, whole, when main first sees it.
    const notYetOnDisk: number[] = [];
    const peer = new Peer(await w.connect(info), (r) => {
      if (lastValidSeq(journal) < r.seq) notYetOnDisk.push(r.seq);
    });
    await peer.attach(0);
    const sessionId = await peer.open(w.cwd);
    const res = await peer.request('session/prompt', { sessionId, prompt: [{ type: 'text', text: 'go' }] });
    expect(res.result).toEqual({ stopReason: 'end_turn' });
    await peer.waitFor((r) => textOf(r) === 'late update', 5000, 'the update sent after the response');

    expect(notYetOnDisk).toEqual([]);
    // The agent read the journal when the prompt reached it: the request was already there.
    expect(peer.records.some((r) => textOf(r) === 'journaled-before-forwarded: true')).toBe(true);

    const disk = readJournal(journal);
    expect(disk.diagnostics).toEqual([]);
    expectContiguous(disk.records);
    expect(peer.records).toEqual(disk.records.slice(0, peer.records.length));
    expectContiguous(peer.records);

    const out = disk.records.filter((r) => r.dir === 'out').map((r) => msgOf(r).method);
    expect(out).toEqual(['initialize', 'session/new', 'session/prompt']);
    const kinds = disk.records.map((r) => updateOf(r)?.sessionUpdate).filter(Boolean);
    expect(kinds).toEqual(['agent_thought_chunk', 'plan', 'tool_call', 'tool_call_update', 'tool_call_update', 'agent_message_chunk', 'agent_message_chunk', 'agent_message_chunk']);
    const noStatus = disk.records.map(updateOf).find((u) => u?.sessionUpdate === 'tool_call_update');
    expect(noStatus && 'status' in noStatus).toBe(false);
    expect(disk.records.some((r) => msgOf(r).method === '_baton/test')).toBe(true);
    const responseSeq = disk.records.find((r) => r.dir === 'in' && msgOf(r).id === res.id)?.seq ?? 0;
    const lateSeq = disk.records.find((r) => textOf(r) === 'late update')?.seq ?? 0;
    expect(lateSeq).toBeGreaterThan(responseSeq);

    const first = disk.records[0] as JournalRecord;
    expect(first).toMatchObject({ v: 1, seq: 1, dir: 'host', msg: { started: { pid: info.pid } } });
    // Every line on disk is one record, exactly as main received it.
    const lines = readFileSync(journal, 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(disk.records);
  });

  it('journals garbage and oversized agent output as diagnostics and carries on', async () => {
    w = new World();
    const id = 'noise-1';
    const info = await w.launch(id, {
      prompts: [
        {
          steps: [
            { type: 'garbage', text: 'Debugger attached.' },
            { type: 'oversized', bytes: 9 * 1024 * 1024 },
            { type: 'text', text: 'still here' },
          ],
        },
      ],
    });
    const peer = new Peer(await w.connect(info));
    await peer.attach(0);
    const sessionId = await peer.open(w.cwd);
    const res = await peer.request('session/prompt', { sessionId, prompt: [{ type: 'text', text: 'x' }] }, 20_000);
    expect(res.result).toEqual({ stopReason: 'end_turn' });

    const diags = peer.records.filter((r) => r.dir === 'host' && typeof msgOf(r).diagnostic === 'string').map((r) => msgOf(r));
    expect(diags).toEqual([
      expect.objectContaining({ kind: 'non_json', preview: 'Debugger attached.' }),
      expect.objectContaining({ kind: 'oversized', bytes: 9 * 1024 * 1024, preview: expect.stringMatching(/^\{"jsonrpc":"2.0","method":"_baton\/oversized"/) }),
    ]);
    expect(peer.records.some((r) => textOf(r) === 'still here')).toBe(true);
    expect(peer.records.some((r) => msgOf(r).method === '_baton/oversized')).toBe(false);
    expect(statSync(w.journal(id)).size).toBeLessThan(1024 * 1024);
    expectContiguous(peer.records);
  });

  it('refuses a send that is not one JSON object, journals why, and forwards nothing', async () => {
    w = new World();
    const info = await w.launch('bad-send', {});
    const conn = await w.connect(info);
    const peer = new Peer(conn);
    const errors: string[] = [];
    conn.onHostError((e) => errors.push(e.code));
    await peer.attach(0);
    conn.send('this is not json');
    conn.send('[1,2,3]');
    await peer.waitFor((r) => msgOf(r).kind === 'bad_send' && String(msgOf(r).preview) === '[1,2,3]', 5000, 'second bad_send');
    expect(errors).toEqual(['bad_send', 'bad_send']);
    // Still a working session: pretty-printed JSON goes to the agent as one line.
    conn.send(JSON.stringify({ jsonrpc: '2.0', id: 'pretty', method: 'initialize', params: { protocolVersion: 1, clientCapabilities: {} } }, null, 2));
    const answer = await peer.waitFor((r) => r.dir === 'in' && msgOf(r).id === 'pretty', 5000, 'initialize answer');
    expect(msgOf(answer).result).toBeDefined();
    expect(peer.records.filter((r) => r.dir === 'out')).toHaveLength(1);
  });
});
