import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decideRecovery } from '../../../src/main/recovery/decide';
import { descendantsOf, isPidAlive } from '../../../src/main/host/proc';
import type { JournalRecord } from '../../../src/shared/journal';
import { AGENT, ensureHostBuilt, expectContiguous, msgOf, textOf } from '../host/helpers';
import { until } from '../../support/wait';
import type { SshHostPort } from '../../../src/main/runtime/ssh/host-port';
import { LinkPeer, RemoteWorld, turnOpen } from './helpers';

let rw: RemoteWorld | null = null;
beforeAll(() => ensureHostBuilt(), 180_000);
afterEach(async () => {
  await rw?.cleanup();
  rw = null;
});

const slowTurn = (n: number, ms: number) => ({
  capabilities: { loadSession: true, resume: true },
  prompts: [{ match: 'slow', steps: [...Array.from({ length: n }, (_, i) => [{ type: 'text', text: `chunk ${i}` }, { type: 'delay', ms }]).flat(), { type: 'text', text: 'done' }] }],
  default: { steps: [{ type: 'text', text: 'ok' }] },
});

async function openSession(peer: LinkPeer, cwd: string): Promise<string> {
  const init = peer.send('initialize', { protocolVersion: 1, clientCapabilities: {} });
  await until(() => peer.response(init) !== undefined, 'initialize answered', 15_000);
  const s = peer.send('session/new', { cwd, mcpServers: [] });
  await until(() => peer.response(s) !== undefined, 'session/new answered', 15_000);
  return String((msgOf(peer.response(s) as JournalRecord).result as { sessionId: string }).sessionId);
}

type Port = ReturnType<RemoteWorld['port']>;

/** Launches the scripted agent's host on the remote (failing with its words) and records its pid for the clean-up. */
async function launchOn(world: RemoteWorld, port: Port, id: string, env: Record<string, string>) {
  const launched = await port.launch({ sessionId: id, dataDir: world.w.dataDir, cwd: world.w.cwd, command: process.execPath, args: [AGENT], env });
  if (!launched.ok) throw new Error(launched.error.message);
  world.w.hostPids.add(launched.value.pid);
  return launched.value;
}

/** Connects to a launched host, replays its journal from the start into a peer, and opens an agent session through it. */
async function connectAndOpen(world: RemoteWorld, port: Port, id: string, launched: Awaited<ReturnType<typeof launchOn>>) {
  const c = await port.connect(id, world.w.dataDir, launched);
  if (!c.ok) throw new Error(c.error.message);
  const peer = new LinkPeer(c.value.link);
  peer.attach(0);
  const sid = await openSession(peer, world.w.cwd);
  return { link: c.value.link, peer, sid };
}

const seqs = (rs: JournalRecord[]) => rs.map((r) => r.seq);

/** The remote journal read through the port (the helper's `journal` verb), as recovery reads it. */
async function journalOf(port: SshHostPort, id: string): Promise<{ records: JournalRecord[]; diagnostics: string[] }> {
  const r = await port.readJournal(id, '');
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('a session host on an SSH destination, through the same HostPort', () => {
  it('runs the scripted agent on the remote: detached there, its journal in the remote home, a turn over a forwarded socket', async () => {
    rw = await RemoteWorld.start();
    const port = rw.port();
    const id = 'remote-1';
    const launched = await launchOn(rw, port, id, rw.w.agentEnv(slowTurn(3, 5), id));
    // It runs from the copied bundle, with nothing of ours as its parent: the ssh command that started it is gone.
    const cmdline = readFileSync(`/proc/${launched.pid}/cmdline`, 'utf8');
    expect(cmdline).toContain(`${rw.install.bundleDir}/host.js`);
    expect(descendantsOf(process.pid).map((p) => p.pid)).not.toContain(launched.pid);
    expect(launched.socket.startsWith(rw.install.dataDir) || launched.socket.startsWith('/tmp')).toBe(true);

    const { peer, sid } = await connectAndOpen(rw, port, id, launched);
    const p = peer.send('session/prompt', { sessionId: sid, prompt: [{ type: 'text', text: 'slow' }] });
    await until(() => peer.response(p) !== undefined, 'the turn to finish', 15_000);
    expect(msgOf(peer.response(p) as JournalRecord).result).toEqual({ stopReason: 'end_turn' });
    expect(peer.records.map(textOf).filter(Boolean)).toEqual(['chunk 0', 'chunk 1', 'chunk 2', 'done']);

    // The journal stays where the host runs, and reads back the same through the port.
    const remote = await journalOf(port, id);
    expect(remote.diagnostics).toEqual([]);
    expect(remote.records.slice(0, peer.records.length)).toEqual(peer.records);
    expect(rw.journalOnDisk(id).slice(0, peer.records.length)).toEqual(peer.records);
  });

  it('the link drops mid-turn: Disconnected, the agent goes on there, reconnect catches up with every event exactly once', async () => {
    rw = await RemoteWorld.start();
    const port = rw.port();
    const id = 'remote-drop';
    const launched = await launchOn(rw, port, id, rw.w.agentEnv(slowTurn(40, 40), id));
    const { peer, sid } = await connectAndOpen(rw, port, id, launched);
    const p = peer.send('session/prompt', { sessionId: sid, prompt: [{ type: 'text', text: 'slow' }] });
    await until(() => peer.records.filter((r) => textOf(r)?.startsWith('chunk')).length >= 5, 'the turn under way', 15_000);

    await rw.sshd.down();
    await until(() => rw?.link.state.state === 'disconnected', 'the link to show disconnected');
    await until(() => peer.closed, 'the host link to close');
    const before = peer.records.length;
    const lastSeen = peer.records.at(-1)?.seq ?? 0;
    // Unreachable is its own answer, not "host gone".
    expect(await port.connect(id, rw.w.dataDir, launched)).toMatchObject({ ok: false, error: { code: 'unreachable' } });
    // The agent keeps running and journaling over there while the link is down.
    await until(() => (rw?.journalOnDisk(id).at(-1)?.seq ?? 0) > lastSeen + 3, 'the remote journal to grow during the outage');
    expect(isPidAlive(launched.pid)).toBe(true);

    await rw.sshd.up();
    await until(() => rw?.link.state.state === 'connected', 'the link to reconnect with backoff', 20_000);
    const again = await port.connect(id, rw.w.dataDir, launched);
    if (!again.ok) throw new Error(again.error.message);
    const records = [...peer.records];
    void again.value.link.attach(lastSeen, (r) => records.push(r));
    await until(() => records.some((r) => r.dir === 'in' && msgOf(r).id === p && msgOf(r).method === undefined), 'the turn to finish after the reconnect', 20_000);

    expect(records.length).toBeGreaterThan(before);
    expectContiguous(records);
    expect(new Set(seqs(records)).size).toBe(records.length);
    const texts = records.map(textOf).filter(Boolean);
    expect(texts).toEqual([...Array.from({ length: 40 }, (_, i) => `chunk ${i}`), 'done']);
    expect(rw.journalOnDisk(id).slice(0, records.length)).toEqual(records);
  });

  it('the remote host dies mid-turn: host gone (not unreachable), Interrupted by the journal, Continue relaunches it there', async () => {
    rw = await RemoteWorld.start();
    const port = rw.port();
    const id = 'remote-kill';
    const script = { capabilities: { loadSession: true, resume: true }, prompts: [{ match: 'hang', steps: [{ type: 'text', text: 'working' }, { type: 'hang' }] }], default: { steps: [{ type: 'text', text: 'continued' }] } };
    const env = rw.w.agentEnv(script, id);
    const launched = await launchOn(rw, port, id, env);
    const { peer, sid } = await connectAndOpen(rw, port, id, launched);
    peer.send('session/prompt', { sessionId: sid, prompt: [{ type: 'text', text: 'hang' }] });
    await until(() => peer.records.some((r) => textOf(r) === 'working'), 'the turn under way', 15_000);

    const probe = await port.probe(id);
    const agentPid = probe.ok ? probe.value.host?.agentPid : null;
    for (const pid of [launched.pid, agentPid]) if (pid) process.kill(pid, 'SIGKILL');
    await until(() => peer.closed, 'the host link to close');
    await until(() => !isPidAlive(launched.pid), 'the remote host to be gone');

    expect(rw.link.state.state).toBe('connected');
    expect(await port.probe(id)).toMatchObject({ ok: true, value: { liveness: { alive: false } } });
    expect(await port.connect(id, rw.w.dataDir, launched)).toMatchObject({ ok: false, error: { code: 'host_gone' } });
    const journal = await journalOf(port, id);
    expect(journal.diagnostics).toEqual([]);
    const action = decideRecovery({ state: 'busy', hostAlive: false, journal: { turnOpen: turnOpen(journal.records), pendingPermission: false, exit: null, turnOpenAtExit: false } });
    expect(action).toMatchObject({ kind: 'move', to: 'interrupted', marker: 'interrupted' });
    const marker = await port.appendHostRecord(id, { marker: 'interrupted', text: 'The session host was gone while a turn was open.' });
    if (!marker.ok) throw new Error(marker.error.message);
    expect(marker.value.seq).toBe((journal.records.at(-1)?.seq ?? 0) + 1);

    // Continue: a new host on the remote resumes the same journal and the agent's own session.
    const relaunched = await launchOn(rw, port, id, env);
    const c2 = await port.connect(id, rw.w.dataDir, relaunched);
    if (!c2.ok) throw new Error(c2.error.message);
    const peer2 = new LinkPeer(c2.value.link);
    peer2.attach(marker.value.seq);
    const init = peer2.send('initialize', { protocolVersion: 1, clientCapabilities: {} });
    await until(() => peer2.response(init) !== undefined, 'initialize answered', 15_000);
    const resumed = peer2.send('session/resume', { sessionId: sid, cwd: rw.w.cwd, mcpServers: [] });
    await until(() => peer2.response(resumed) !== undefined, 'session/resume answered', 15_000);
    expect(msgOf(peer2.response(resumed) as JournalRecord).error).toBeUndefined();
    const p2 = peer2.send('session/prompt', { sessionId: sid, prompt: [{ type: 'text', text: 'Continue' }] });
    await until(() => peer2.response(p2) !== undefined, 'the continued turn to finish', 15_000);
    expect(peer2.records.map(textOf)).toContain('continued');

    const all = rw.journalOnDisk(id);
    expectContiguous(all);
    expect(all.filter((r) => r.dir === 'host' && (msgOf(r).started as { pid?: number } | undefined)?.pid !== undefined).length).toBe(2);
    expect(all.some((r) => msgOf(r).marker === 'interrupted')).toBe(true);
  });

  it('also reaches the host through the stdio bridge (remote.js bridge), for servers that refuse streamlocal forwarding', async () => {
    rw = await RemoteWorld.start();
    const port = rw.port({ via: 'bridge' });
    const id = 'remote-bridge';
    const launched = await launchOn(rw, port, id, rw.w.agentEnv(slowTurn(2, 5), id));
    expect(await port.connect(id, rw.w.dataDir, { ...launched, nonce: 'someone-else' })).toMatchObject({ ok: false, error: { code: 'host_gone' } });
    const { link, peer, sid } = await connectAndOpen(rw, port, id, launched);
    const p = peer.send('session/prompt', { sessionId: sid, prompt: [{ type: 'text', text: 'slow' }] });
    await until(() => peer.response(p) !== undefined, 'the turn to finish', 15_000);
    expectContiguous(peer.records);
    expect(rw.journalOnDisk(id).slice(0, peer.records.length)).toEqual(peer.records);
    await link.stop(1000);
    await until(() => peer.closed, 'the host to end after stop');
    expect((await journalOf(port, id)).records.at(-1)?.msg).toMatchObject({ cause: 'stopped' });
  });
});
