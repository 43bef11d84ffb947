/** The agent log of a host on an SSH destination: live over the forwarded socket, and read where the host keeps it (the helper's `agentlog` verb). */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentLogLine } from '../../../src/main/host/protocol';
import type { JournalRecord } from '../../../src/shared/journal';
import { AGENT, ensureHostBuilt, msgOf } from '../host/helpers';
import { until, waitUntil } from '../../support/wait';
import { LinkPeer, RemoteWorld } from './helpers';

let rw: RemoteWorld | null = null;
beforeAll(() => ensureHostBuilt(), 180_000);
afterEach(async () => {
  await rw?.cleanup();
  rw = null;
});

const SECRET = 'remote-secret-4711';
const SCRIPT = {
  startup: { stderr: ['remote agent up'] },
  prompts: [{ match: 'log', steps: [{ type: 'stderr', text: 'remote line {i}', count: 3 }, { type: 'stderr', text: 'token {env.REMOTE_TOKEN}' }, { type: 'text', text: 'logged' }] }],
  default: { steps: [{ type: 'text', text: 'ok' }] },
};

describe('the agent log on an SSH destination', () => {
  it("streams the remote agent's stderr live and reads the same tail back through the helper, its secret replaced there", { timeout: 120_000 }, async () => {
    const world = (rw = await RemoteWorld.start());
    const port = world.port();
    const id = 'remote-log-1';
    const env = { ...world.w.agentEnv(SCRIPT, id), REMOTE_TOKEN: SECRET };
    const launched = await port.launch({ sessionId: id, dataDir: world.w.dataDir, cwd: world.w.cwd, command: process.execPath, args: [AGENT], env, secretEnv: ['REMOTE_TOKEN'] });
    if (!launched.ok) throw new Error(launched.error.message);
    world.w.hostPids.add(launched.value.pid);
    const c = await port.connect(id, world.w.dataDir, launched.value);
    if (!c.ok) throw new Error(c.error.message);
    const live: AgentLogLine[] = [];
    c.value.link.onAgentLog((lines) => live.push(...lines));
    const peer = new LinkPeer(c.value.link);
    peer.attach(0);

    const init = peer.send('initialize', { protocolVersion: 1, clientCapabilities: {} });
    await until(() => peer.response(init) !== undefined, 'initialize answered', 15_000);
    const opened = peer.send('session/new', { cwd: world.w.cwd, mcpServers: [] });
    await until(() => peer.response(opened) !== undefined, 'session/new answered', 15_000);
    const sessionId = String((msgOf(peer.response(opened) as JournalRecord).result as { sessionId: string }).sessionId);
    const p = peer.send('session/prompt', { sessionId, prompt: [{ type: 'text', text: 'log it' }] });
    await until(() => peer.response(p) !== undefined, 'the turn to finish', 15_000);
    // Waited for by its last line: the startup line may be live too, so a count of four can come one line early.
    await until(() => live.at(-1)?.text === 'token [secret REMOTE_TOKEN]', 'the turn’s stderr lines live', 15_000);
    // The startup line may have come before main attached (then it is only on disk): the turn's lines are live either way.
    expect(live.slice(-4).map((l) => l.text)).toEqual(['remote line 1', 'remote line 2', 'remote line 3', 'token [secret REMOTE_TOKEN]']);

    // Read on the remote by the helper: the startup line first, then the same lines with the same numbers.
    const tail = await waitUntil(
      async () => {
        const r = await port.readAgentLog(id, '', 256 * 1024);
        if (!r.ok) throw new Error(r.error.message);
        return r.value;
      },
      (t) => t.lines.length >= 5,
      15_000,
      'the remote tail',
    );
    expect(tail).toEqual({ lines: [expect.objectContaining({ n: 1, text: 'remote agent up' }), ...live.slice(-4)], truncated: false });
    expect(JSON.stringify(tail)).not.toContain(SECRET);
  });
});
