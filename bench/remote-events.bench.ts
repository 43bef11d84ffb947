/** Event latency through a session host on an SSH destination (loopback sshd, forwarded socket) against a local host, in the same run. */
import { expect, test } from 'vitest';
import { createHostPort } from '../src/main/runtime/host-port';
import type { HostPort } from '../src/main/sessions/host-port';
import type { JournalRecord } from '../src/shared/journal';
import { AGENT, ensureHostBuilt, HOST_SCRIPT, msgOf } from '../tests/integration/host/helpers';
import { LinkPeer, RemoteWorld } from '../tests/integration/remote/helpers';
import { until } from '../tests/support/wait';

const EVENTS = 300;

const p = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? 0;

/**
 * From the host's journal timestamp (taken as it appends, before forwarding) to main's callback: the relay's own
 * cost, local socket or ssh. Host and main share this machine's clock.
 */
async function latencies(port: HostPort, rw: RemoteWorld, id: string): Promise<number[]> {
  const script = { prompts: [{ match: 'go', steps: Array.from({ length: EVENTS }, (_, i) => [{ type: 'text', text: `e${i}` }, { type: 'delay', ms: 3 }]).flat() }] };
  const launched = await port.launch({ sessionId: id, dataDir: rw.w.dataDir, cwd: rw.w.cwd, command: process.execPath, args: [AGENT], env: rw.w.agentEnv(script, id) });
  if (!launched.ok) throw new Error(launched.error.message);
  rw.w.hostPids.add(launched.value.pid);
  const c = await port.connect(id, rw.w.dataDir, launched.value);
  if (!c.ok) throw new Error(c.error.message);
  const peer = new LinkPeer(c.value.link);
  const lat: number[] = [];
  void c.value.link.attach(0, (r: JournalRecord) => {
    peer.records.push(r);
    if (r.dir === 'in' && msgOf(r).method === 'session/update') lat.push(Date.now() - r.ts);
  });
  const init = peer.send('initialize', { protocolVersion: 1, clientCapabilities: {} });
  await until(() => peer.response(init) !== undefined, 'initialize', 15_000);
  const s = peer.send('session/new', { cwd: rw.w.cwd, mcpServers: [] });
  await until(() => peer.response(s) !== undefined, 'session/new', 15_000);
  const sid = String((msgOf(peer.response(s) as JournalRecord).result as { sessionId: string }).sessionId);
  const pr = peer.send('session/prompt', { sessionId: sid, prompt: [{ type: 'text', text: 'go' }] });
  await until(() => peer.response(pr) !== undefined, 'the burst to end', 60_000);
  await c.value.link.stop(1000);
  return lat;
}

test('remote_event_p99_ms against local', async () => {
  ensureHostBuilt();
  const rw = await RemoteWorld.start();
  try {
    const local = await latencies(createHostPort({ hostScript: HOST_SCRIPT }), rw, 'bench-local');
    const remote = await latencies(rw.port(), rw, 'bench-remote');
    expect(local.length).toBeGreaterThanOrEqual(EVENTS);
    expect(remote.length).toBeGreaterThanOrEqual(EVENTS);
    console.log(`bench: local_event_p50_ms = ${p(local, 0.5)}`);
    console.log(`bench: local_event_p99_ms = ${p(local, 0.99)}`);
    console.log(`bench: remote_event_p50_ms = ${p(remote, 0.5)}`);
    console.log(`bench: remote_event_p99_ms = ${p(remote, 0.99)}`);
  } finally {
    await rw.cleanup();
  }
});
