import { mkdirSync, writeFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureHostBuilt, Peer, World } from './helpers';

let w: World;
beforeAll(() => ensureHostBuilt(), 180_000);
afterEach(() => w?.cleanup());

const line = (seq: number, msg: unknown, dir = 'host') => JSON.stringify({ v: 1, seq, ts: 1000 + seq, dir, msg });

describe('session host: a journal damaged in the middle', () => {
  it('is reopened for appending, and a reattach streams every valid line past the damaged one, never the damaged one', async () => {
    w = new World();
    const id = 'damaged-1';
    mkdirSync(w.sessionDir(id), { recursive: true });
    // Line 3 looks like a record by its first bytes and its last, but is not one.
    const damaged = '{"v":1,"seq":3,"ts":1003,"dir":"in","msg":{this is not json}}';
    writeFileSync(w.journal(id), `${[line(1, { diagnostic: 'one', kind: 'host_error' }), line(2, { diagnostic: 'two', kind: 'host_error' }), damaged, line(4, { diagnostic: 'four', kind: 'host_error' })].join('\n')}\n`);
    const info = await w.launch(id, {});
    const conn = await w.connect(info);
    const errors: string[] = [];
    conn.onHostError((e) => errors.push(`${e.code}: ${e.message}`));
    const peer = new Peer(conn);
    await peer.attach(0);
    // The session works past the hole: its agent answers.
    await peer.open(w.cwd);
    const seqs = peer.records.map((r) => r.seq);
    expect(seqs.slice(0, 4)).toEqual([1, 2, 4, 5]);
    expect(seqs.slice(3)).toEqual(seqs.slice(3).map((_, i) => 5 + i));
    expect(errors).toEqual([]);
  });
});
