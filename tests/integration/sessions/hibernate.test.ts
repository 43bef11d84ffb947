import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sessionDir } from '../../../src/main/host/paths';
import { isPidAlive } from '../../../src/main/host/proc';
import { readHostFile } from '../../../src/main/host/liveness';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import { buildOnce } from '../../support/build';
import { callerOf, createHarness, type Caller, type Harness } from '../../support/core-harness';
import { waitUntil } from '../../support/scripted';
import { lostHostScript, methodsSent, recordsOf, scriptedProject, transcriptOf, waitTurnsEnded, WAIT_MS } from './lost-hosts';

/**
 * Issue 18, part 3: idle agents hibernate. After the configured idle time
 * Baton stops the agent and its host; the session shows hibernated; the next
 * prompt resumes the same conversation. Never while a permission is open.
 */
let h: Harness;
beforeAll(() => buildOnce(), 120_000);
afterEach(() => h.cleanup(), 60_000);

const SCRIPT_TURNS = [
  { match: 'ask and wait', steps: [{ type: 'permission', toolCallId: 'held', title: 'Shell: deploy', kind: 'execute' }, { type: 'text', text: 'deployed' }] },
  { match: 'crash after', steps: [{ type: 'text', text: 'done first' }, { type: 'end_turn' }, { type: 'delay', ms: 200 }, { type: 'crash', code: 3 }] },
];

const get = (call: Caller, id: string) => call<SessionSummary>('sessions.get', { id });

/** The host and agent pids of a running session, from its host.json. */
function pidsOf(id: string): number[] {
  const host = readHostFile(sessionDir(h.dataDir, id));
  if (!host) throw new Error(`session ${id} has no host.json`);
  return [host.pid, host.agentPid].filter((p): p is number => typeof p === 'number');
}

async function setup(idleSeconds: number) {
  h = createHarness();
  const call = callerOf(h.core);
  await h.must('app.updateSettings', { hibernateAfterSeconds: idleSeconds });
  const projectId = await scriptedProject(h, lostHostScript(h.tempDir('agent-store-'), { resume: true, loadSession: true }, SCRIPT_TURNS));
  return { call, projectId };
}

describe('idle agents hibernate', () => {
  it('a worker idle past the configured time hibernates (host and agent gone), a prompt resumes it with its history; one waiting on a permission never does', { timeout: 120_000 }, async () => {
    const { call, projectId } = await setup(2);
    // Waiting on a person from before the other session goes idle, so for longer than the idle time by the end.
    const asking = await h.must('sessions.create', { projectId, prompt: 'ask and wait', harness: 'custom' });
    await waitUntil(() => get(call, asking.id), (s) => s.state === 'waiting_input', WAIT_MS, 'the permission request');
    const askingPids = pidsOf(asking.id);

    const s = await h.must('sessions.create', { projectId, prompt: 'first question', harness: 'custom' });
    await waitTurnsEnded(call, s.id, 1);
    const pids = pidsOf(s.id);
    expect(pids).toHaveLength(2);
    const hibernated = await waitUntil(() => get(call, s.id), (x) => x.hibernated === true, WAIT_MS, 'the idle session to hibernate');
    expect(hibernated.state).toBe('idle');
    // The positive signal: the host's exit is journaled as a stop Baton asked for, and both processes are gone.
    await waitUntil(() => pids.filter(isPidAlive), (alive) => alive.length === 0, WAIT_MS, 'the host and agent processes to end');
    const exit = (await recordsOf(call, s.id)).findLast((r) => r.dir === 'host' && typeof r.msg === 'object' && r.msg !== null && 'exit' in r.msg);
    expect(exit?.msg).toMatchObject({ cause: 'stopped' });

    // Past its idle time, and past another session's hibernation: the one waiting on a person is untouched.
    const still = await get(call, asking.id);
    expect(still).toMatchObject({ state: 'waiting_input', hibernated: false });
    expect(askingPids.every(isPidAlive)).toBe(true);

    // The board lists it as hibernated, and it survives a list after the fact.
    const listed = await call<SessionSummary[]>('sessions.list', { projectId });
    expect(listed.find((x) => x.id === s.id)?.hibernated).toBe(true);

    // The next prompt, sent at once, resumes the same conversation and the turn completes.
    const before = (await recordsOf(call, s.id)).length;
    await call('sessions.prompt', { id: s.id, text: 'second question', idempotencyKey: 'after-hibernation-1' });
    const t = await waitTurnsEnded(call, s.id, 2);
    expect(t.items.filter((i) => i.type === 'agent').map((i) => (i as { text: string }).text).join(' ')).toContain('answered 1');
    const after = methodsSent((await recordsOf(call, s.id)).slice(before));
    expect(after).toContain('session/resume');
    expect(after).not.toContain('session/new');
    expect(await get(call, s.id)).toMatchObject({ hibernated: false });
  });

  it('a prompt right after an agent exited on its own while idle is taken at once: the old host is waited for, the conversation resumed', { timeout: 120_000 }, async () => {
    const { call, projectId } = await setup(0);
    const s = await h.must('sessions.create', { projectId, prompt: 'crash after answering', harness: 'custom' });
    await waitTurnsEnded(call, s.id, 1);
    await waitUntil(() => transcriptOf(call, s.id), (t) => t.items.some((i) => i.type === 'exit'), WAIT_MS, 'the exit record');
    const before = (await recordsOf(call, s.id)).length;
    // No retry: neither session_not_ready (its host closing) nor host_running (its process ending).
    await call('sessions.prompt', { id: s.id, text: 'next one', idempotencyKey: 'right-after-exit' });
    await waitTurnsEnded(call, s.id, 2);
    expect(methodsSent((await recordsOf(call, s.id)).slice(before))).toContain('session/resume');
  });
});
