import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JournalRecord } from '../../../src/shared/journal';
import { createHostPort } from '../../../src/main/runtime/host-port';
import { readHostFile } from '../../../src/main/host/liveness';
import { AGENT, alive, ensureHostBuilt, HOST_SCRIPT, msgOf, waitUntil, World } from './helpers';

let w: World;
beforeAll(() => ensureHostBuilt(), 180_000);
afterEach(() => w?.cleanup());

describe("the sessions domain's HostPort over real hosts", () => {
  it('launches, connects with the identity it was given, streams records, stops, and reads the journal back', async () => {
    w = new World();
    const port = createHostPort({ hostScript: HOST_SCRIPT });
    const id = 'port-1';
    const launched = await port.launch({ sessionId: id, dataDir: w.dataDir, cwd: w.cwd, command: process.execPath, args: [AGENT], env: w.agentEnv({}, id) });
    if (!launched.ok) throw new Error(launched.error.message);
    const info = launched.value;
    w.hostPids.add(info.pid);
    expect(Object.keys(info).sort()).toEqual(['nonce', 'pid', 'socket', 'startTime']);

    expect(await port.connect(id, w.dataDir, { ...info, nonce: 'someone-else' })).toMatchObject({ ok: false, error: { code: 'host_gone' } });
    const connected = await port.connect(id, w.dataDir, info);
    if (!connected.ok) throw new Error(connected.error.message);
    const records: JournalRecord[] = [];
    let closed = false;
    connected.value.link.onClose(() => (closed = true));
    void connected.value.link.attach(0, (r) => records.push(r));
    connected.value.link.send({ jsonrpc: '2.0', id: 'i1', method: 'initialize', params: { protocolVersion: 1, clientCapabilities: {} } });
    await waitUntil(() => records.some((r) => r.dir === 'in' && msgOf(r).id === 'i1'), 5000, 'the initialize answer');

    await connected.value.link.stop(500);
    await waitUntil(() => closed, 5000, 'onClose after stop');
    // The host closed its listening socket before saying goodbye: no reconnect can succeed now, even while it exits.
    const read = await port.readJournal(id, w.dataDir);
    if (!read.ok) throw new Error(read.error.message);
    const fromDisk = read.value;
    expect(fromDisk.diagnostics).toEqual([]);
    expect(fromDisk.records.slice(0, records.length)).toEqual(records);
    expect(fromDisk.records.at(-1)?.msg).toMatchObject({ cause: 'stopped' });
    expect(await port.connect(id, w.dataDir, info)).toMatchObject({ ok: false, error: { code: 'host_gone' } });
  });

  it('a stopping host takes no new connection, while the one that asked still sees the exit', async () => {
    w = new World();
    const port = createHostPort({ hostScript: HOST_SCRIPT });
    const id = 'port-stopping';
    // An agent that ignores SIGTERM: the host stays stopping for the whole grace period, then SIGKILLs it.
    const stubborn = "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000); console.log(JSON.stringify({ jsonrpc: '2.0', method: 'ready' }));";
    const launched = await port.launch({ sessionId: id, dataDir: w.dataDir, cwd: w.cwd, command: process.execPath, args: ['-e', stubborn], env: w.agentEnv({}, id) });
    if (!launched.ok) throw new Error(launched.error.message);
    const info = launched.value;
    w.hostPids.add(info.pid);
    const connected = await port.connect(id, w.dataDir, info);
    if (!connected.ok) throw new Error(connected.error.message);
    const records: JournalRecord[] = [];
    void connected.value.link.attach(0, (r) => records.push(r));
    // Its SIGTERM handler is in place once it says so.
    await waitUntil(() => records.some((r) => r.dir === 'in' && msgOf(r).method === 'ready'), 10_000, 'the agent to be ready');
    const stopped = connected.value.link.stop(60_000);
    // Positive barrier: the stop is journaled, which the host does before it closes its listening socket.
    await waitUntil(() => records.some((r) => r.dir === 'host' && msgOf(r).stop !== undefined), 10_000, 'the stop record');
    expect(alive(info.pid)).toBe(true);
    expect(await port.connect(id, w.dataDir, info)).toMatchObject({ ok: false, error: { code: 'host_gone', message: expect.stringMatching(/refused|ENOENT|ECONNREFUSED/) } });
    expect(alive(info.pid)).toBe(true);
    // The connection that asked still gets the exit: end the wait by killing the stubborn agent.
    const agentPid = readHostFile(w.sessionDir(id))?.agentPid;
    if (agentPid) process.kill(agentPid, 'SIGKILL');
    await stopped;
    await waitUntil(() => records.some((r) => r.dir === 'host' && msgOf(r).exit !== undefined), 10_000, 'the exit record');
  });
});
