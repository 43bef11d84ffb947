import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import type { JournalRecord } from '../../../src/shared/journal';
import { buildTranscript } from '../../../src/shared/transcript';
import { buildOnce } from '../../support/build';
import { createHarness, makeRepo, type Harness } from '../../support/core-harness';
import { scriptedCommand, waitUntil } from '../../support/scripted';

let h: Harness;
beforeAll(() => buildOnce(), 120_000);
afterEach(async () => {
  for (const s of await h.must('sessions.list', {})) await h.call('sessions.stop', { id: s.id });
  await h.cleanup();
});

describe('Retry of a session that failed to start', () => {
  it('uses the fixed command from the project settings and sends the prompt the session was created with', async () => {
    h = createHarness();
    const repo = makeRepo(h.tempDir());
    const dir = h.tempDir();
    const { project } = await h.must('projects.add', { path: repo, name: 'retry' });
    // An agent that dies before it ever answers: the first prompt never went out.
    await h.must('projects.update', { id: project.id, patch: { workerAgent: 'custom', customCommand: 'sh -c "echo cannot start >&2; exit 3"' } });
    const s = await h.must('sessions.create', { projectId: project.id, prompt: 'Please do the thing', harness: 'custom' });
    const failed = await waitUntil(() => h.must('sessions.get', { id: s.id }), (x) => x.state === 'failed', 20_000, 'failed');
    expect(failed.stateDetail).toBeTruthy();

    await h.must('projects.update', { id: project.id, patch: { customCommand: scriptedCommand(dir, { default: { steps: [{ type: 'text', text: 'Did the thing.' }] } }, 'good.json') } });
    const retried = await h.must('sessions.retry', { id: s.id });
    expect(retried.state).toBe('starting');
    // The journal's own signal: idle alone can come before the prompt goes out (and the failed run's lines count too).
    const t = await waitUntil(
      async () => buildTranscript((await h.must('sessions.records', { id: s.id, afterSeq: 0, limit: 10_000 })).records as JournalRecord[]),
      (x) => !x.turnOpen && x.items.some((i) => i.type === 'turn_end'),
      20_000,
      'the retried session to finish its turn',
    );
    await waitUntil(() => h.must('sessions.get', { id: s.id }), (x) => x.state === 'idle', 20_000, 'idle after the turn');
    expect(t.items.find((i) => i.type === 'user')).toMatchObject({ text: 'Please do the thing' });
    expect(t.items.some((i) => i.type === 'agent' && i.text === 'Did the thing.')).toBe(true);
  });

  it('a command that still cannot be found fails Retry with the reason, and nothing changes', async () => {
    h = createHarness();
    const { project } = await h.must('projects.add', { path: makeRepo(h.tempDir()), name: 'retry2' });
    await h.must('projects.update', { id: project.id, patch: { workerAgent: 'custom', customCommand: 'sh -c "exit 3"' } });
    const s = await h.must('sessions.create', { projectId: project.id, prompt: 'x', harness: 'custom' });
    await waitUntil(() => h.must('sessions.get', { id: s.id }), (x) => x.state === 'failed', 20_000, 'failed');
    await h.must('projects.update', { id: project.id, patch: { customCommand: 'no-such-agent-here' } });
    const r = await h.call('sessions.retry', { id: s.id });
    expect(r.ok ? null : r.error.code).toBe('agent_not_found');
    expect((await h.must('sessions.get', { id: s.id })).state).toBe('failed');
    expect((await h.must('sessions.list', {})).map((x: SessionSummary) => x.id)).toEqual([s.id]);
  });
});
