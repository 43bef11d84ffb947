import { existsSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readJournal } from '../../../src/main/host/journal-read';
import type { ExitMessage, JournalRecord } from '../../../src/main/host/protocol';
import { listProcesses } from '../../../src/main/host/proc';
import { alive, ensureHostBuilt, expectContiguous, groupMembers, msgOf, Peer, waitUntil, World } from './helpers';

let w: World;
beforeAll(() => ensureHostBuilt(), 180_000);
afterEach(() => w?.cleanup());

const exitOf = (records: JournalRecord[]): ExitMessage | undefined =>
  records.map((r) => msgOf(r)).find((m) => typeof m.exit === 'object') as ExitMessage | undefined;

describe('session host: how sessions end', () => {
  it('journals a crash with its exit code and last stderr lines, reaps what the agent left running, and goes away', async () => {
    w = new World();
    const id = 'crash-1';
    const info = await w.launch(id, {
      prompts: [
        {
          steps: [
            { type: 'text', text: 'about to crash' },
            { type: 'spawn_tool', id: 'orphan', command: 'sleep', args: ['300'] },
            { type: 'stderr', text: 'warning: something odd' },
            { type: 'crash', code: 7, stderr: ['Error: scripted failure', '    at step 4'] },
          ],
        },
      ],
    });
    const conn = await w.connect(info);
    const peer = new Peer(conn);
    await peer.attach(0);
    const sessionId = await peer.open(w.cwd);
    peer.conn.send({ jsonrpc: '2.0', id: 'p1', method: 'session/prompt', params: { sessionId, prompt: [{ type: 'text', text: 'x' }] } });

    expect(await conn.closed).toBe('exited');
    const exit = exitOf(peer.records);
    expect(exit).toMatchObject({ exit: { code: 7, signal: null }, cause: 'exited' });
    expect(exit?.stderrTail.slice(-3)).toEqual(['warning: something odd', 'Error: scripted failure', '    at step 4']);
    // The tool lost its parent when the agent died; the host still found it (by its environment tag) and reaped it.
    const orphan = w.children()[0]?.pid as number;
    expect(orphan).toBeGreaterThan(0);
    expect(exit?.reaped).toContain(orphan);
    await waitUntil(() => !alive(orphan) && !alive(info.pid), 5000, 'the orphan and the host are gone');
    expect(existsSync(info.socket)).toBe(false);
    expect(w.agentProcesses()).toEqual([]);

    const disk = readJournal(w.journal(id));
    expectContiguous(disk.records);
    expect(disk.records.at(-1)?.msg).toEqual(exit);
  });

  it('Stop reaps the agent and every descendant, in every process group, then the host', async () => {
    w = new World();
    const id = 'stop-1';
    const info = await w.launch(id, {
      prompts: [
        {
          steps: [
            { type: 'spawn_tool', id: 'plain', command: 'sleep', args: ['300'] },
            // A tool that ignores SIGTERM (the disposition is inherited by its sleeps), and forks: only SIGKILL ends it.
            { type: 'spawn_tool', id: 'stubborn', command: 'sh', args: ['-c', "trap '' TERM; sleep 300 & sleep 301 & wait"] },
            // A tool that leaves an orphan behind with no environment: no ppid link, no tag; only its process group finds it.
            { type: 'spawn_tool', id: 'orphaning', command: 'env', args: ['-i', '/bin/sh', '-c', '(/bin/sleep 303 &); /bin/sleep 302'] },
            { type: 'hang', ignoreCancel: true },
          ],
        },
      ],
    });
    const conn = await w.connect(info);
    const peer = new Peer(conn);
    await peer.attach(0);
    const sessionId = await peer.open(w.cwd);
    peer.conn.send({ jsonrpc: '2.0', id: 'p1', method: 'session/prompt', params: { sessionId, prompt: [{ type: 'text', text: 'x' }] } });
    await waitUntil(() => w.children().length === 3, 5000, 'the tools started');
    const tools = w.children().map((c) => c.pid);
    await waitUntil(() => groupMembers(tools).length >= 6, 5000, 'the tools forked');
    const tree = [info.agentPid as number, ...groupMembers(tools)];
    // The agent's group and one per tool, as claude-agent-acp does with shell commands.
    expect(new Set([info.agentPid, ...tools]).size).toBe(4);
    const orphan = listProcesses().find((p) => p.pgid === tools[2] && p.ppid !== tools[2] && p.pid !== tools[2]);
    expect(orphan, 'the orphaned sleep, reparented away from its tool').toBeDefined();
    expect(tree.every(alive)).toBe(true);

    const started = Date.now();
    const result = await conn.stop(500);
    expect(result.timedOut).toBe(false);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.exit).toMatchObject({ cause: 'stopped' });
    for (const pid of tree) expect(result.exit?.reaped).toContain(pid);

    await waitUntil(() => !alive(info.pid), 5000, 'the host exits');
    expect(tree.filter(alive)).toEqual([]);
    expect(groupMembers([info.agentPid as number, ...tools])).toEqual([]);
    expect(w.agentProcesses()).toEqual([]);
    const records = readJournal(w.journal(id)).records;
    expect(records.some((r) => (msgOf(r).stop as { graceMs?: number } | undefined)?.graceMs === 500)).toBe(true);
    expect(records.at(-1)?.msg).toMatchObject({ cause: 'stopped' });
  });

  it('SIGKILL of the host closes the connection, and it is then reported gone', async () => {
    w = new World();
    const id = 'kill-host-1';
    const info = await w.launch(id, {});
    const conn = await w.connect(info);
    process.kill(info.pid, 'SIGKILL');
    expect(await conn.closed).toBe('lost');
    const again = await (await import('../../../src/main/runtime/connection')).connectHost(w.sessionDir(id));
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.error.code).toBe('host_gone');
    // Its agent reads EOF on stdin and ends; nothing is left behind.
    await waitUntil(() => w.agentProcesses().length === 0, 5000, 'the agent follows its host');
  });

  it('names the command and the reason when the agent cannot be started', async () => {
    w = new World();
    const { launchHost } = await import('../../../src/main/runtime/launch');
    const base = { dataDir: w.dataDir, args: [], env: { PATH: '/usr/bin:/bin' }, hostScript: (await import('./helpers')).HOST_SCRIPT };
    const missing = await launchHost({ ...base, sessionId: 'nf-1', cwd: w.cwd, command: 'no-such-agent-xyz' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'spawn_failed', message: expect.stringMatching(/"no-such-agent-xyz".*not found on PATH/) } });
    const noCwd = await launchHost({ ...base, sessionId: 'nf-2', cwd: `${w.cwd}/gone`, command: 'sh' });
    expect(noCwd).toMatchObject({ ok: false, error: { code: 'spawn_failed', message: expect.stringMatching(/"sh".*working directory .*gone does not exist/) } });
    // The failure is in the journal too, for whoever looks later.
    const rec = readJournal(w.journal('nf-1')).records.at(-1);
    expect(rec?.msg).toMatchObject({ cause: 'spawn_failed', exit: { code: null, signal: null } });
  });

  it('refuses to start a second host for a session whose host is alive', async () => {
    w = new World();
    await w.launch('one-1', {});
    await expect(w.launch('one-1', {})).rejects.toThrow(/host_running/);
  });
});
