import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JournalRecord } from '../../../src/shared/journal';
import { createHostPort } from '../../../src/main/runtime/host-port';
import { AGENT, ensureHostBuilt, HOST_SCRIPT, msgOf, waitUntil, World } from './helpers';

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
    connected.value.link.attach(0, (r) => records.push(r));
    connected.value.link.send({ jsonrpc: '2.0', id: 'i1', method: 'initialize', params: { protocolVersion: 1, clientCapabilities: {} } });
    await waitUntil(() => records.some((r) => r.dir === 'in' && msgOf(r).id === 'i1'), 5000, 'the initialize answer');

    await connected.value.link.stop(500);
    await waitUntil(() => closed, 5000, 'onClose after stop');
    const fromDisk = port.readJournal(id, w.dataDir);
    expect(fromDisk.diagnostics).toEqual([]);
    expect(fromDisk.records.slice(0, records.length)).toEqual(records);
    expect(fromDisk.records.at(-1)?.msg).toMatchObject({ cause: 'stopped' });
    expect(await port.connect(id, w.dataDir, info)).toMatchObject({ ok: false, error: { code: 'host_gone' } });
  });
});
