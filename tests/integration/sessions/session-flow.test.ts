import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTranscript } from '../../../src/shared/transcript';
import { buildOnce } from '../../support/build';
import { createHarness, makeRepo, type Harness } from '../../support/core-harness';
import { scriptedCommand, waitUntil } from '../../support/scripted';

let h: Harness;
beforeAll(() => buildOnce(), 120_000);
beforeEach(() => {
  h = createHarness();
});
afterEach(async () => {
  for (const s of await h.must('sessions.list', {})) {
    if (s.state !== 'stopped' && s.state !== 'failed') await h.call('sessions.stop', { id: s.id });
  }
  await h.cleanup();
});

async function projectWith(script: unknown) {
  const repo = makeRepo(h.tempDir());
  const { project } = await h.must('projects.add', { path: repo, name: 'flow' });
  await h.must('projects.update', { id: project.id, patch: { workerAgent: 'custom', customCommand: scriptedCommand(h.tempDir(), script) } });
  return project;
}

const state = async (id: string) => (await h.must('sessions.get', { id })).state;
const transcriptOf = async (id: string) => buildTranscript((await h.must('sessions.records', { id, afterSeq: 0, limit: 50_000 })).records);

describe('agent sessions over ACP with real processes', () => {
  it('runs a full turn with tool calls and a permission request answered by the user', async () => {
    const project = await projectWith({
      prompts: [
        {
          steps: [
            { type: 'thought', text: 'Let me look.' },
            { type: 'text', text: 'Reading the file.' },
            { type: 'tool_call', id: 't1', title: 'Read README.md', kind: 'read', status: 'pending' },
            { type: 'tool_update', id: 't1', content: 'the file body' },
            { type: 'tool_update', id: 't1', status: 'completed' },
            { type: 'permission', id: 'p1', title: 'Run the test suite' },
            { type: 'text', text: 'All done.' },
          ],
        },
      ],
    });
    const created = await h.must('sessions.create', { projectId: project.id, prompt: 'Fix the bug', harness: 'custom' });
    expect(created.state).toBe('pending');
    expect(created.branch).toMatch(/^baton\/flow-fix-the-bug-/);
    expect((await h.must('projects.list', {}))[0]!.sessionCounts).toEqual({ active: 1, total: 1 });

    await waitUntil(() => state(created.id), (s) => s === 'waiting_input', 20_000, 'waiting_input');
    const asking = await transcriptOf(created.id);
    const perm = asking.items.find((i) => i.type === 'permission');
    expect(perm).toMatchObject({ title: 'Run the test suite', outcome: null });
    if (perm?.type !== 'permission') throw new Error('no permission item');
    expect((await h.must('sessions.answerPermission', { id: created.id, requestKey: perm.requestKey, optionId: 'allow' })).answered).toBe(true);

    await waitUntil(() => state(created.id), (s) => s === 'idle', 20_000, 'idle');
    const t = await transcriptOf(created.id);
    expect(t.items.find((i) => i.type === 'tool')).toMatchObject({ toolCallId: 't1', status: 'completed', content: ['the file body'] });
    expect(t.items.find((i) => i.type === 'permission')).toMatchObject({ outcome: { kind: 'selected', optionId: 'allow' } });
    expect(t.items.filter((i) => i.type === 'agent').map((i) => (i.type === 'agent' ? i.text : '')).join(' ')).toContain('All done.');
    expect(t.items.at(-1)).toMatchObject({ type: 'turn_end', stopReason: 'end_turn' });
    expect(t.turnOpen).toBe(false);

    // Records are contiguous from 1 and every one was broadcast only after it was stored.
    const { records, lastSeq } = await h.must('sessions.records', { id: created.id, afterSeq: 0, limit: 50_000 });
    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i + 1));
    expect(lastSeq).toBe(records.length);
    const broadcast = h.events.filter((e) => e.name === 'sessions.records').flatMap((e) => (e.payload as { records: { seq: number }[] }).records.map((r) => r.seq));
    expect(new Set(broadcast).size).toBe(broadcast.length);
  });
});
