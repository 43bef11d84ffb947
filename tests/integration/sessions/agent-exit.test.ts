import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sessionDir } from '../../../src/main/host/paths';
import { isPidAlive } from '../../../src/main/host/proc';
import { readHostFile } from '../../../src/main/host/liveness';
import type { Core } from '../../../src/main/app/core';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import { buildOnce } from '../../support/build';
import { callerOf, createHarness, type Caller, type Harness } from '../../support/core-harness';
import { waitUntil } from '../../support/scripted';
import { lostHostScript, methodsSent, recordsOf, scriptedProject, stateOf, transcriptOf, waitState, waitTurnsEnded, WAIT_MS } from './lost-hosts';

/**
 * Issue 11, part 2: an agent that exits on its own (crash, OOM, killed) while
 * its host lives keeps its conversation. Idle: the session stays idle and the
 * next prompt resumes it. Mid-turn: interrupted, with Continue. Both live
 * (main attached) and at startup (main away when it happened).
 */
let h: Harness;
beforeAll(() => buildOnce(), 120_000);
afterEach(() => h.cleanup(), 60_000);

const SCRIPT_TURNS = [
  // Answers, then dies a moment after the turn ended: an exit while idle.
  { match: 'crash after', steps: [{ type: 'text', text: 'done first' }, { type: 'end_turn' }, { type: 'delay', ms: 300 }, { type: 'crash', code: 3, stderr: 'out of memory' }] },
  // Dies mid-turn with a tool open.
  { match: 'crash during', steps: [{ type: 'tool_call', id: 'open-tool', title: 'Running tests', status: 'in_progress' }, { type: 'delay', ms: 200 }, { type: 'crash', code: 137 }] },
  // Gemini CLI's way: the tool is named only in the permission request, and the agent dies while it waits.
  { match: 'ask then crash', steps: [{ type: 'exit_soon', ms: 500, code: 9 }, { type: 'permission', toolCallId: 'asked-only', title: 'Shell: rm -rf build', kind: 'execute' }] },
  // Dies mid-turn later, while main is away.
  { match: 'slow crash', steps: [{ type: 'tool_call', id: 'slow-tool', title: 'Compiling', status: 'in_progress' }, { type: 'delay', ms: 1500 }, { type: 'crash', code: 2 }] },
  { match: 'late crash', steps: [{ type: 'text', text: 'done late' }, { type: 'end_turn' }, { type: 'delay', ms: 1500 }, { type: 'crash', code: 4 }] },
];

async function session(prompt: string, capabilities = { resume: true, loadSession: true }) {
  h = createHarness();
  const projectId = await scriptedProject(h, lostHostScript(h.tempDir('agent-store-'), capabilities, SCRIPT_TURNS));
  const s = await h.must('sessions.create', { projectId, prompt, harness: 'custom' });
  return { id: s.id, call: callerOf(h.core) };
}

const hasExit = async (call: Caller, id: string) => (await transcriptOf(call, id)).items.some((i) => i.type === 'exit');

/** The host journaled its agent's exit and its own process is gone; whatever the core does about it is done. */
async function settledAfterExit(core: Pick<Core, 'recover'>, call: Caller, id: string): Promise<void> {
  await waitUntil(() => hasExit(call, id), (x) => x, WAIT_MS, 'the exit record');
  await waitHostGone(id);
  await core.recover();
}

async function waitHostGone(id: string): Promise<void> {
  const host = readHostFile(sessionDir(h.dataDir, id));
  if (host) await waitUntil(() => isPidAlive(host.pid), (alive) => !alive, WAIT_MS, 'the host to exit after its agent');
}

/** A prompt right after the exit can meet the closing host (session_not_ready, a transient the message explains). */
async function promptSoon(call: Caller, id: string, text: string, key: string): Promise<void> {
  await waitUntil(
    () => call('sessions.prompt', { id, text, idempotencyKey: key }).then(() => 'sent', (e: Error) => (e.message.includes('session_not_ready') ? 'again' : Promise.reject(e))),
    (x) => x === 'sent',
    WAIT_MS,
    'the prompt to be taken',
  );
}

const methodsAfterExit = async (call: Caller, id: string): Promise<string[]> => {
  const records = await recordsOf(call, id);
  const exitAt = records.findIndex((r) => r.dir === 'host' && typeof r.msg === 'object' && r.msg !== null && 'exit' in r.msg);
  return methodsSent(records.slice(exitAt + 1));
};

describe('an agent that exits on its own while its host lives (Baton attached)', () => {
  it('while idle: the session stays idle, the next prompt reloads the conversation (session/load) and the turn completes', async () => {
    const { id, call } = await session('crash after answering', { resume: false, loadSession: true });
    await waitTurnsEnded(call, id, 1);
    await settledAfterExit(h.core, call, id);
    const after = await h.must('sessions.get', { id });
    expect(after.state).toBe('idle');

    await promptSoon(call, id, 'next one', 'after-idle-exit');
    const t = await waitTurnsEnded(call, id, 2);
    expect(t.items.some((i) => i.type === 'agent' && i.text.includes('answered'))).toBe(true);
    const methods = await methodsAfterExit(call, id);
    expect(methods).toContain('session/load');
    expect(methods).not.toContain('session/new');
    await waitState(call, id, (x) => x === 'idle', 'idle after the resumed turn');
  }, 120_000);

  it('mid-turn: interrupted (not failed), the open tool shown interrupted; Continue resumes (session/resume) and finishes', async () => {
    const { id, call } = await session('crash during the tests');
    await waitState(call, id, (x) => x === 'interrupted', 'interrupted after the agent died mid-turn');
    const t = await waitUntil(() => transcriptOf(call, id), (x) => x.items.some((i) => i.type === 'marker' && i.marker === 'interrupted'), WAIT_MS, 'the interrupted marker');
    expect(t.items.find((i) => i.type === 'tool' && i.toolCallId === 'open-tool')).toMatchObject({ status: 'interrupted' });
    expect(t.items.find((i) => i.type === 'exit')).toMatchObject({ code: 137 });
    await waitHostGone(id);

    expect(await h.must('sessions.continue', { id })).toEqual({ how: 'resume' });
    await waitTurnsEnded(call, id, 1);
    expect(await methodsAfterExit(call, id)).toContain('session/resume');
    await waitState(call, id, (x) => x === 'idle', 'idle after the continued turn');
  }, 120_000);

  it('a tool named only in a permission request is shown interrupted when the agent dies waiting for the answer', async () => {
    const { id, call } = await session('ask then crash');
    await waitState(call, id, (x) => x === 'interrupted', 'interrupted while asking permission');
    const t = await waitUntil(() => transcriptOf(call, id), (x) => x.items.some((i) => i.type === 'marker'), WAIT_MS, 'the interrupted marker');
    expect(t.items.filter((i) => i.type === 'tool')).toEqual([expect.objectContaining({ toolCallId: 'asked-only', title: 'Shell: rm -rf build', status: 'interrupted' })]);
    expect(t.pendingPermission).toBe(false);
  }, 120_000);

  it('a session that never started still fails, with Retry', async () => {
    h = createHarness();
    const projectId = await scriptedProject(h, { startup: { delayMs: 0 }, initialize: { never: true } });
    await h.must('projects.update', { id: projectId, patch: { customCommand: 'sh -c "exit 5"' } });
    const s = await h.must('sessions.create', { projectId, prompt: 'x', harness: 'custom' });
    const failed = await waitUntil(() => h.must('sessions.get', { id: s.id }), (x: SessionSummary) => x.state === 'failed', WAIT_MS, 'failed');
    expect(failed.stateDetail).toBeTruthy();
  }, 120_000);
});

describe('an agent that exited while Baton was away (startup reconcile)', () => {
  it('while idle: idle at startup, the next prompt resumes it', async () => {
    const { id, call } = await session('late crash');
    await waitTurnsEnded(call, id, 1);
    await h.core.close();
    await waitHostGone(id);
    const next = h.reopen();
    await next.core.recover();
    expect(await stateOf(next.call, id)).toBe('idle');
    await promptSoon(next.call, id, 'after restart', 'after-restart-key');
    await waitTurnsEnded(next.call, id, 2);
    expect(await methodsAfterExit(next.call, id)).toContain('session/resume');
    await waitState(next.call, id, (x) => x === 'idle', 'idle after the resumed turn');
  }, 120_000);

  it('mid-turn: interrupted at startup with the open tool interrupted; Continue finishes', async () => {
    const { id, call } = await session('slow crash');
    await waitUntil(() => transcriptOf(call, id), (t) => t.items.some((i) => i.type === 'tool' && i.toolCallId === 'slow-tool'), WAIT_MS, 'the open tool');
    await h.core.close();
    await waitHostGone(id);
    const next = h.reopen();
    await next.core.recover();
    expect(await stateOf(next.call, id)).toBe('interrupted');
    const t = await transcriptOf(next.call, id);
    expect(t.items.find((i) => i.type === 'tool' && i.toolCallId === 'slow-tool')).toMatchObject({ status: 'interrupted' });
    expect(t.items.some((i) => i.type === 'marker' && i.marker === 'interrupted')).toBe(true);
    expect(await next.call('sessions.continue', { id })).toEqual({ how: 'resume' });
    await waitTurnsEnded(next.call, id, 1);
    await waitState(next.call, id, (x) => x === 'idle', 'idle after the continued turn');
  }, 120_000);
});
