import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { lastValidSeq, readJournal } from '../../../src/main/host/journal-read';
import { processStartTime } from '../../../src/main/host/proc';
import type { HostFile } from '../../../src/main/host/protocol';
import { connectHost } from '../../../src/main/runtime/connection';
import { appendHostRecord } from '../../../src/main/runtime/journal';
import { processLiveness } from '../../../src/main/host/liveness';
import { alive, ensureHostBuilt, expectContiguous, msgOf, Peer, waitUntil, World } from './helpers';

let w: World;
beforeAll(() => ensureHostBuilt(), 180_000);
afterEach(() => w?.cleanup());

function unrelatedProcess(): number {
  const p = spawn('sleep', ['60'], { stdio: 'ignore' });
  w.extraPids.add(p.pid as number);
  return p.pid as number;
}

const line = (seq: number, msg: unknown, dir = 'in') => `${JSON.stringify({ v: 1, seq, ts: 1000 + seq, dir, msg })}\n`;

describe('session host: liveness and recovery from disk', () => {
  it('tells a live host from a stale host.json, a reused pid, and a wrong nonce', async () => {
    w = new World();
    const info = await w.launch('live-1', {});
    const good = await connectHost(info);
    expect(good.ok).toBe(true);
    if (good.ok) good.value.close();

    const other = unrelatedProcess();
    const otherStart = processStartTime(other) as string;
    expect(otherStart).toBeTruthy();

    // The pid now belongs to another process: its start time gives it away.
    const reused: HostFile = { ...info, pid: other };
    expect(processLiveness(reused)).toMatchObject({ alive: false, reason: expect.stringMatching(/belongs to another process/) });
    expect(await connectHost(reused)).toMatchObject({ ok: false, error: { code: 'host_gone' } });

    // Even with the right start time for that pid, the socket's hello names the real host.
    const forged: HostFile = { ...info, pid: other, startTime: otherStart };
    expect(processLiveness(forged)).toEqual({ alive: true });
    expect(await connectHost(forged)).toMatchObject({ ok: false, error: { code: 'host_gone', message: expect.stringMatching(/another host/) } });

    expect(await connectHost({ ...info, nonce: 'not-the-nonce' })).toMatchObject({ ok: false, error: { code: 'host_gone' } });

    // A stale host.json left by a host that is long gone, whose pid a live process has since taken.
    const staleDir = w.sessionDir('stale-1');
    mkdirSync(staleDir, { recursive: true });
    writeFileSync(join(staleDir, 'host.json'), JSON.stringify({ ...info, sessionId: 'stale-1', pid: other, startTime: otherStart, socket: join(staleDir, 'host.sock') }));
    expect(await connectHost(staleDir)).toMatchObject({ ok: false, error: { code: 'host_gone', message: expect.stringMatching(/ENOENT/) } });
    expect(await connectHost(w.sessionDir('never-existed'))).toMatchObject({ ok: false, error: { code: 'host_gone' } });
    expect(alive(info.pid)).toBe(true);
  });

  it('reads a journal with a torn last line: the line is skipped with a diagnostic, never a crash', () => {
    w = new World();
    const dir = w.sessionDir('torn-read');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'journal.jsonl');
    writeFileSync(path, line(1, { started: {} }, 'host') + line(2, { jsonrpc: '2.0', id: 1, result: {} }) + 'garbage in the middle\n' + line(3, { jsonrpc: '2.0', method: 'x' }));
    appendFileSync(path, '{"v":1,"seq":4,"ts":1004,"dir":"in","msg":{"jsonrpc":"2.0","met');
    const r = readJournal(path);
    expect(r.records.map((x) => x.seq)).toEqual([1, 2, 3]);
    expect(r.diagnostics.map((d) => [d.kind, d.line])).toEqual([
      ['invalid', 3],
      ['torn', 5],
    ]);
    expect(r.diagnostics[1]?.preview).toMatch(/^\{"v":1,"seq":4/);
    expect(lastValidSeq(path)).toBe(3);
    expect(readJournal(path, 2).records.map((x) => x.seq)).toEqual([3]);
    expect(readJournal(join(dir, 'missing.jsonl'))).toEqual({ records: [], diagnostics: [], lastSeq: 0 });
  });

  it('a host restarted on a journal torn by a crash continues seq after the last valid line and says what it cut', async () => {
    w = new World();
    const id = 'torn-resume';
    const first = await w.launch(id, {});
    const peer = new Peer(await w.connect(first));
    await peer.attach(0);
    await peer.open(w.cwd);
    process.kill(first.pid, 'SIGKILL');
    await peer.conn.closed;
    await waitUntil(() => w.agentProcesses().length === 0, 5000, 'the old agent is gone');

    const path = w.journal(id);
    const before = readJournal(path);
    const lastGood = before.lastSeq;
    // As if the crash had hit mid-write: the last record loses its end, newline included.
    truncateSync(path, statSync(path).size - 15);
    expect(lastValidSeq(path)).toBe(lastGood - 1);
    const torn = readFileSync(path, 'utf8').split('\n').at(-1) as string;

    const second = await w.launch(id, {});
    const again = new Peer(await w.connect(second));
    await again.attach(0);
    expectContiguous(again.records);
    const diag = again.records[lastGood - 1];
    expect(diag?.seq).toBe(lastGood);
    expect(diag?.dir).toBe('host');
    expect(msgOf(diag as never)).toMatchObject({ kind: 'torn_journal', bytes: Buffer.byteLength(torn) });
    expect(msgOf(again.records[lastGood] as never)).toMatchObject({ started: { pid: second.pid } });
    expect(readFileSync(join(w.sessionDir(id), 'journal.torn'), 'utf8')).toBe(`${torn}\n`);
    expect(readJournal(path).diagnostics).toEqual([]);

    // And it is a working session again.
    const sessionId = await again.open(w.cwd);
    expect(sessionId).toMatch(/^scripted-/);
    expectContiguous(readJournal(path).records);
  });

  it('main can append a marker to the journal of a gone host, under its lock, never beside a live one', async () => {
    w = new World();
    const id = 'marker-1';
    const info = await w.launch(id, {});
    expect(appendHostRecord(w.dataDir, id, { marker: 'interrupted' })).toMatchObject({ ok: false, error: { code: 'host_running' } });
    process.kill(info.pid, 'SIGKILL');
    await waitUntil(() => !alive(info.pid), 5000, 'the host is gone');
    const path = w.journal(id);
    appendFileSync(path, '{"v":1,"seq":99,"ts":1,"dir":"in","ms');
    const last = readJournal(path).lastSeq;
    const r = appendHostRecord(w.dataDir, id, { marker: 'interrupted', text: 'The host died during a turn.' });
    expect(r).toMatchObject({ ok: true, value: { seq: last + 2, dir: 'host', msg: { marker: 'interrupted' } } });
    const after = readJournal(path);
    expect(after.diagnostics).toEqual([]);
    expectContiguous(after.records);
    expect(msgOf(after.records.at(-2) as never)).toMatchObject({ kind: 'torn_journal' });
    expect(appendHostRecord(w.dataDir, 'no-such-session', { marker: 'x' })).toMatchObject({ ok: false, error: { code: 'no_journal' } });
  });
});
