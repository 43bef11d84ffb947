import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureHostBuilt, msgOf, Peer, textOf, updateOf, World, type Script } from './helpers';

let w: World;
beforeAll(() => ensureHostBuilt(), 180_000);
afterEach(() => w?.cleanup());

async function session(id: string, script: Script): Promise<{ peer: Peer; sessionId: string }> {
  const peer = new Peer(await w.connect(await w.launch(id, script)));
  await peer.attach(0);
  return { peer, sessionId: await peer.open(w.cwd) };
}

const prompt = (sessionId: string, text = 'go') => ({ sessionId, prompt: [{ type: 'text', text }] });

/**
 * A positive barrier instead of a sleep: a turn in a second agent session
 * (a prompt to the first would abort its turn itself) that waits `ms` on the
 * agent's own clock, then answers. Anything the cancelled turn was still due
 * to send before that would be journaled before this answer.
 */
async function barrier(peer: Peer, ms: number): Promise<void> {
  const other = await peer.request('session/new', { cwd: w.cwd, mcpServers: [] });
  const r = await peer.request('session/prompt', prompt(String(other.result?.sessionId), `barrier ${ms}`), 10_000 + ms);
  expect(r.result).toEqual({ stopReason: 'end_turn' });
}
const BARRIER = (ms: number) => ({ match: 'barrier', steps: [{ type: 'delay', ms }, { type: 'text', text: 'barrier passed' }] });

describe('scripted ACP agent behind a real host', () => {
  it('honours session/cancel mid-delay: the turn ends "cancelled" and nothing more is sent for it', async () => {
    w = new World();
    const { peer, sessionId } = await session('cancel-1', { prompts: [BARRIER(300), { steps: [{ type: 'text', text: 'a' }, { type: 'delay', ms: 20_000 }, { type: 'text', text: 'never' }] }] });
    const answer = peer.request('session/prompt', prompt(sessionId));
    await peer.waitFor((r) => textOf(r) === 'a', 5000, 'first chunk');
    const started = Date.now();
    peer.notify('session/cancel', { sessionId });
    expect((await answer).result).toEqual({ stopReason: 'cancelled' });
    expect(Date.now() - started).toBeLessThan(2000);
    await barrier(peer, 300);
    expect(peer.records.some((r) => textOf(r) === 'never')).toBe(false);
  });

  it('a cancel after the response also stops the late updates of that turn', async () => {
    w = new World();
    const steps = [{ type: 'text', text: 'a' }, { type: 'end_turn' }, { type: 'text', text: 'late-1' }, { type: 'delay', ms: 600 }, { type: 'text', text: 'late-never' }];
    const { peer, sessionId } = await session('cancel-3', { prompts: [BARRIER(900), { steps }] });
    expect((await peer.request('session/prompt', prompt(sessionId))).result).toEqual({ stopReason: 'end_turn' });
    await peer.waitFor((r) => textOf(r) === 'late-1', 5000, 'the first late update');
    peer.notify('session/cancel', { sessionId });
    // The late update was due 600 ms after 'late-1'; the barrier's answer comes 900 ms after the cancel, on the agent's clock.
    await barrier(peer, 900);
    expect(peer.records.some((r) => textOf(r) === 'late-never')).toBe(false);
  });

  it('cancel while a permission request is pending ends the turn and records the cancellation', async () => {
    w = new World();
    const { peer, sessionId } = await session('cancel-2', { prompts: [{ steps: [{ type: 'permission', toolCallId: 'rm', title: 'rm -rf' }, { type: 'text', text: 'never' }] }] });
    const answer = peer.request('session/prompt', prompt(sessionId));
    const ask = await peer.waitFor((r) => msgOf(r).method === 'session/request_permission', 5000, 'permission request');
    peer.notify('session/cancel', { sessionId });
    peer.respond(msgOf(ask).id, { outcome: { outcome: 'cancelled' } });
    expect((await answer).result).toEqual({ stopReason: 'cancelled' });
    expect(w.permissions()).toEqual([expect.objectContaining({ toolCallId: 'rm', outcome: { outcome: 'cancelled' } })]);
  });

  it('session/load in a new agent process replays the history with the original tool call ids', async () => {
    w = new World();
    const script: Script = { prompts: [{ steps: [{ type: 'tool_call', id: 'call-A', title: 'grep', kind: 'search' }, { type: 'tool_update', id: 'call-A', status: 'completed' }, { type: 'text', text: 'found it' }] }] };
    const first = await session('load-1', script);
    expect((await first.peer.request('session/prompt', prompt(first.sessionId, 'find it'))).result).toEqual({ stopReason: 'end_turn' });
    const empty = await first.peer.request('session/new', { cwd: w.cwd, mcpServers: [] });
    await first.peer.conn.stop(1000);

    const next = new Peer(await w.connect(await w.launch('load-2', script)));
    await next.attach(0);
    const init = await next.request('initialize', { protocolVersion: 1, clientCapabilities: {} });
    expect(init.result?.agentCapabilities).toMatchObject({ loadSession: true, sessionCapabilities: { resume: {} } });
    const loaded = await next.request('session/load', { sessionId: first.sessionId, cwd: w.cwd, mcpServers: [] });
    expect(loaded.result).toEqual({});
    const replay = next.records.map(updateOf).filter(Boolean);
    expect(replay.map((u) => [u?.sessionUpdate, u?.toolCallId ?? null])).toEqual([
      ['user_message_chunk', null],
      ['tool_call', 'call-A'],
      ['tool_call_update', 'call-A'],
      ['agent_message_chunk', null],
    ]);
    // A session that never got a prompt has nothing to load: the client must fall back to session/new.
    const failed = await next.request('session/load', { sessionId: String(empty.result?.sessionId), cwd: w.cwd, mcpServers: [] });
    expect(failed.error?.message).toMatch(/no conversation/);
    expect((await next.request('session/resume', { sessionId: first.sessionId, cwd: w.cwd })).result).toEqual({});
  });

  it('session/resume can be turned off: not advertised, and the method is not found', async () => {
    w = new World();
    const { peer } = await session('noresume-1', { capabilities: { resume: false } });
    const init = peer.records.find((r) => r.dir === 'in' && (msgOf(r).result as { agentCapabilities?: unknown } | undefined)?.agentCapabilities);
    expect((msgOf(init as never).result as { agentCapabilities: unknown }).agentCapabilities).toEqual({ loadSession: true, sessionCapabilities: {} });
    const r = await peer.request('session/resume', { sessionId: 'whatever', cwd: w.cwd });
    expect(r.error?.code).toBe(-32601);
  });

  it('can start slowly, or never answer initialize at all', async () => {
    w = new World();
    const slow = new Peer(await w.connect(await w.launch('slow-1', { initialize: { delayMs: 400 } })));
    await slow.attach(0);
    const t0 = Date.now();
    expect((await slow.request('initialize', { protocolVersion: 1, clientCapabilities: {} })).result).toBeDefined();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(380);

    const mute = new Peer(await w.connect(await w.launch('mute-1', { initialize: { never: true } })));
    await mute.attach(0);
    await expect(mute.request('initialize', { protocolVersion: 1, clientCapabilities: {} }, 800)).rejects.toThrow(/timed out/);
  });
});
