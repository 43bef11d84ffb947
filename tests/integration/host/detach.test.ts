import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readJournal } from '../../../src/main/host/journal-read';
import { sessionDir, socketPathFor } from '../../../src/main/host/paths';
import type { HostConfig, JournalRecord } from '../../../src/main/host/protocol';
import { readHostFile } from '../../../src/main/host/liveness';
import { alive, ensureHostBuilt, expectContiguous, hostCommand, msgOf, Peer, root, textOf, updateOf, waitUntil, World } from './helpers';

let w: World;
beforeAll(() => ensureHostBuilt(), 180_000);
afterEach(() => w?.cleanup());

const FAKE_MAIN = join(root, 'tests/integration/host/fixtures/fake-main.mjs');
const pgidOf = (pid: number): number => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[2]);

describe('session host: main goes away and comes back', () => {
  it('survives SIGKILL of main mid-turn, holds a permission request, and delivers it with no gap or repeat on reattach', async () => {
    w = new World();
    const id = 'detach-1';
    const dir = sessionDir(w.dataDir, id);
    const config: HostConfig = {
      v: 1,
      sessionId: id,
      dataDir: w.dataDir,
      cwd: w.cwd,
      command: process.execPath,
      args: [join(root, 'tests/fixtures/scripted-agent/agent.mjs')],
      env: w.agentEnv(
        {
          prompts: [
            {
              steps: [
                { type: 'text', text: 'started' },
                { type: 'delay', ms: 400 },
                { type: 'tool_call', id: 'edit-1', title: 'Edit file', kind: 'edit', status: 'pending' },
                { type: 'permission', toolCallId: 'edit-1', title: 'Edit file' },
                { type: 'tool_update', id: 'edit-1', status: 'completed', content: 'edited' },
                { type: 'text', text: 'finished' },
              ],
            },
          ],
        },
        id,
      ),
      socketPath: socketPathFor(dir, id),
      launchId: 'fake-main-launch',
      fsyncIntervalMs: 100,
    };
    const configPath = join(w.base, 'host-config.json');
    writeFileSync(configPath, JSON.stringify(config), { mode: 0o600 });

    // main in a process group of its own, so the whole group can be killed as a crash would.
    const main = spawn(process.execPath, [FAKE_MAIN, configPath, ...hostCommand()], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
    w.extraPids.add(main.pid as number);
    let out = '';
    main.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await waitUntil(() => out.includes('\n') || main.exitCode !== null, 10_000, 'fake main ready');
    const [word, hostPidText, , seenText] = out.trim().split(' ');
    expect(word).toBe('ready');
    const hostPid = Number(hostPidText);
    const seenByOldMain = Number(seenText);
    w.hostPids.add(hostPid);
    expect(pgidOf(hostPid)).not.toBe(pgidOf(main.pid as number));

    const mainGone = new Promise((r) => main.once('exit', r));
    process.kill(-(main.pid as number), 'SIGKILL');
    await mainGone;

    // Nobody is connected: the agent goes on, and the host goes on journaling it.
    const journal = w.journal(id);
    const isPermission = (r: JournalRecord) => r.dir === 'in' && msgOf(r).method === 'session/request_permission';
    await waitUntil(() => readJournal(journal).records.some(isPermission), 10_000, 'the permission request is journaled while detached');
    const info = readHostFile(dir);
    expect(info?.pid).toBe(hostPid);
    expect(alive(hostPid)).toBe(true);
    expect(alive(info?.agentPid ?? -1)).toBe(true);

    const conn = await w.connect(dir);
    expect(conn.hello.lastSeq).toBeGreaterThan(seenByOldMain);
    const peer = new Peer(conn);
    const caughtUpTo = await peer.attach(seenByOldMain);
    expect(caughtUpTo).toBe(conn.hello.lastSeq);
    expectContiguous(peer.records, seenByOldMain + 1);
    const ask = peer.records.find(isPermission) as JournalRecord;
    expect(ask).toBeDefined();

    peer.respond(msgOf(ask).id, { outcome: { outcome: 'selected', optionId: 'allow' } });
    const done = await peer.waitFor((r) => r.dir === 'in' && msgOf(r).id === 'm3', 10_000, 'the prompt response');
    expect(msgOf(done).result).toEqual({ stopReason: 'end_turn' });
    // Held, not answered: the turn ended only after the answer, which only the new main gave (read from the journal, no sleep).
    const answered = peer.records.find((r) => r.dir === 'out' && msgOf(r).id === msgOf(ask).id) as JournalRecord;
    expect(answered).toBeDefined();
    expect(done.seq).toBeGreaterThan(answered.seq);
    expect(answered.seq).toBeGreaterThan(conn.hello.lastSeq);
    expect(peer.records.some((r) => textOf(r) === 'finished')).toBe(true);
    const statuses = peer.records.map(updateOf).filter((u) => u?.toolCallId === 'edit-1').map((u) => u?.status);
    // pending → completed with no in_progress between, as real agents do.
    expect(statuses).toEqual(['pending', 'completed']);
    expect(w.permissions()).toEqual([expect.objectContaining({ toolCallId: 'edit-1', outcome: { outcome: 'selected', optionId: 'allow' } })]);

    // What the old main saw plus what the new one got is the journal: nothing missing, nothing twice.
    const disk = readJournal(journal);
    expectContiguous(disk.records);
    expect(disk.records.slice(seenByOldMain)).toEqual(peer.records);
  });

  it('catches up from the file past the in-memory window, in order, and an attach can restart the stream', async () => {
    w = new World();
    const id = 'catchup-1';
    const info = await w.launch(id, { prompts: [{ steps: [{ type: 'burst', count: 6000, text: 'tick' }, { type: 'text', text: 'end' }] }] });
    const first = new Peer(await w.connect(info));
    await first.attach(0);
    const sessionId = await first.open(w.cwd);
    first.conn.send({ jsonrpc: '2.0', id: 'p1', method: 'session/prompt', params: { sessionId, prompt: [{ type: 'text', text: 'go' }] } });
    await first.waitFor((r) => r.dir === 'out' && msgOf(r).id === 'p1', 5000, 'the prompt journaled');
    first.conn.close();
    await first.conn.closed;

    const journal = w.journal(id);
    await waitUntil(() => readJournal(journal).records.some((r) => msgOf(r).id === 'p1' && r.dir === 'in'), 20_000, 'the turn finished while detached');
    const disk = readJournal(journal).records;
    expect(disk.length).toBeGreaterThan(6000);

    const conn = await w.connect(info);
    const seen: JournalRecord[] = [];
    const upTo = await conn.attach(50, (r) => seen.push(r));
    expect(upTo).toBe(disk.length);
    expect(seen).toEqual(disk.slice(50));

    const again: JournalRecord[] = [];
    await conn.attach(0, (r) => again.push(r));
    expect(again).toEqual(disk);

    // Restarting while a stream is in full flow (it has delivered its first record): nothing of the old stream leaks into the new one.
    const abandoned: JournalRecord[] = [];
    await new Promise<void>((flowing) => {
      void conn.attach(3000, (r) => {
        abandoned.push(r);
        flowing();
      });
    });
    const restarted: JournalRecord[] = [];
    await conn.attach(10, (r) => restarted.push(r));
    expect(restarted).toEqual(disk.slice(10));

    // Main claiming more than the journal holds is told so, and streamed from the journal's real end.
    const errors: string[] = [];
    conn.onHostError((e) => errors.push(e.code));
    expect(await conn.attach(disk.length + 5, () => undefined)).toBe(disk.length);
    expect(errors).toEqual(['ahead']);
  });

  it('a new main connection replaces the old one', async () => {
    w = new World();
    const info = await w.launch('replace-1', {});
    const a = await w.connect(info);
    const b = await w.connect(info);
    expect(await a.closed).toBe('replaced');
    const peer = new Peer(b);
    await peer.attach(0);
    const init = await peer.request('initialize', { protocolVersion: 1, clientCapabilities: {} });
    expect(init.result).toBeDefined();
  });
});
