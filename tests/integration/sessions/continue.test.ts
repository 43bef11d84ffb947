import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import type { JournalRecord } from '../../../src/shared/journal';
import { buildTranscript } from '../../../src/shared/transcript';
import { buildOnce } from '../../support/build';
import { createHarness, makeRepo, type Harness } from '../../support/core-harness';
import { killSessionProcesses } from '../../support/hosts';
import { scriptedCommand, waitUntil } from '../../support/scripted';

let h: Harness;
beforeAll(() => buildOnce(), 120_000);
afterEach(() => h.cleanup());

async function interruptedSession(capabilities: { resume: boolean; loadSession: boolean }) {
  h = createHarness();
  const repo = makeRepo(h.tempDir());
  const store = h.tempDir('agent-store-');
  const { project } = await h.must('projects.add', { path: repo, name: 'cont' });
  const command = scriptedCommand(h.tempDir(), {
    store,
    capabilities,
    // The continuation entry comes first: a primed prompt also quotes the original request.
    prompts: [
      { match: 'Continue where you left off', steps: [{ type: 'text', text: 'Picked up again.' }] },
      { match: 'Build the feature', steps: [{ type: 'tool_call', id: 'done-step', title: 'Wrote src/feature.ts', status: 'pending' }, { type: 'tool_update', id: 'done-step', status: 'completed', content: 'feature written' }, { type: 'tool_call', id: 'open-step', title: 'Running tests', status: 'in_progress' }, { type: 'hang' }] },
    ],
  });
  await h.must('projects.update', { id: project.id, patch: { workerAgent: 'custom', customCommand: command } });
  const s = await h.must('sessions.create', { projectId: project.id, prompt: 'Build the feature', harness: 'custom' });
  await waitUntil(async () => buildTranscript((await h.must('sessions.records', { id: s.id, afterSeq: 0, limit: 10_000 })).records), (t) => t.items.some((i) => i.type === 'tool' && i.toolCallId === 'open-step'), 20_000, 'open step');
  // Baton goes away (hosts are left running), then the host and agent die too.
  await h.core.close();
  await killSessionProcesses(h.dataDir, s.id);
  const second = h.reopen();
  await second.core.recover();
  return { s, call: second.call };
}

describe('Continue after the host died mid-turn', () => {
  it('shows Interrupted with the completed step intact, then resumes the conversation when the agent supports session/resume', async () => {
    const { s, call } = await interruptedSession({ resume: true, loadSession: true });
    const after = await call<SessionSummary>('sessions.get', { id: s.id });
    expect(after.state).toBe('interrupted');
    const records = (await call<{ records: JournalRecord[] }>('sessions.records', { id: s.id, afterSeq: 0, limit: 10_000 })).records;
    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i + 1));
    const t = buildTranscript(records);
    expect(t.items.find((i) => i.type === 'tool' && i.toolCallId === 'done-step')).toMatchObject({ status: 'completed', content: ['feature written'] });
    expect(t.items.find((i) => i.type === 'tool' && i.toolCallId === 'open-step')).toMatchObject({ status: 'interrupted' });
    expect(t.items.some((i) => i.type === 'marker' && i.marker === 'interrupted')).toBe(true);

    expect(await call('sessions.continue', { id: s.id })).toEqual({ how: 'resume' });
    await waitUntil(async () => buildTranscript((await call<{ records: JournalRecord[] }>('sessions.records', { id: s.id, afterSeq: 0, limit: 10_000 })).records), (x) => x.items.some((i) => i.type === 'agent' && i.text.includes('Picked up again.')) && !x.turnOpen, 20_000, 'the continued turn');
  });

  it('without resume or load, starts a new agent session primed with the original request and the last completed step', async () => {
    const { s, call } = await interruptedSession({ resume: false, loadSession: false });
    expect((await call<SessionSummary>('sessions.get', { id: s.id })).state).toBe('interrupted');
    expect(await call('sessions.continue', { id: s.id })).toEqual({ how: 'new' });

    const t = await waitUntil(async () => buildTranscript((await call<{ records: JournalRecord[] }>('sessions.records', { id: s.id, afterSeq: 0, limit: 10_000 })).records), (x) => x.items.some((i) => i.type === 'agent' && i.text.includes('Picked up again.')) && !x.turnOpen, 20_000, 'the continued turn');
    const primedPrompt = [...t.items].reverse().find((i) => i.type === 'user');
    expect(primedPrompt?.type === 'user' && primedPrompt.text).toContain('Original request:\nBuild the feature');
    expect(primedPrompt?.type === 'user' && primedPrompt.text).toContain('Last completed step: Wrote src/feature.ts');
  });
});
