import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import { buildOnce } from '../../support/build';
import { callerOf, createHarness, makeRepo, stopAllSessions, type Harness } from '../../support/core-harness';
import { scriptedCommand, waitUntil } from '../../support/scripted';
import { transcriptOf } from '../sessions/lost-hosts';

/** Settings: plain environment values shown and edited, secrets write-only; the orchestrator's own custom command. */
let h: Harness;
beforeAll(() => buildOnce(), 120_000);
afterEach(async () => {
  await stopAllSessions(callerOf(h.core));
  await h.cleanup();
});

const SECRET = 'sk_live_never_in_a_payload_123';

describe('project environment', () => {
  it('shows a plain value, never a secret one; turning a value secret hides it from then on', async () => {
    h = createHarness();
    const { project } = await h.must('projects.add', { path: makeRepo(h.tempDir()) });
    await h.must('projects.setEnv', { id: project.id, key: 'API_TOKEN', value: SECRET });
    const plain = await h.must('projects.setEnv', { id: project.id, key: 'PORT', value: '3000', secret: false });
    expect(plain.env).toEqual([
      { key: 'API_TOKEN', secret: true, value: null },
      { key: 'PORT', secret: false, value: '3000' },
    ]);
    const settings = await h.must('projects.get', { id: project.id });
    expect(settings.env).toEqual(plain.env);
    expect(JSON.stringify(settings)).not.toContain(SECRET);
    // Edited in place, then made secret: its value is gone from every answer.
    await h.must('projects.setEnv', { id: project.id, key: 'PORT', value: '4000', secret: false });
    expect((await h.must('projects.get', { id: project.id })).env[1]).toEqual({ key: 'PORT', secret: false, value: '4000' });
    const hidden = await h.must('projects.setEnv', { id: project.id, key: 'PORT', value: '4000', secret: true });
    expect(hidden.env[1]).toEqual({ key: 'PORT', secret: true, value: null });
    expect(JSON.stringify(h.events)).not.toContain(SECRET);
  });
});

describe("the orchestrator's own custom command", () => {
  it('the orchestrator runs its command, workers the project one; empty means the same for both', async () => {
    h = createHarness();
    const call = callerOf(h.core);
    const { project } = await h.must('projects.add', { path: makeRepo(h.tempDir()) });
    const say = (who: string) => scriptedCommand(h.tempDir(), { default: { steps: [{ type: 'text', text: `I am the ${who} agent` }] } });
    const settings = await h.must('projects.update', {
      id: project.id,
      patch: { orchestratorAgent: 'custom', workerAgent: 'custom', customCommand: say('worker'), orchestratorCustomCommand: say('orchestrator') },
    });
    expect(settings.orchestratorCustomCommand).toContain('script.json');
    const orch = await call<SessionSummary>('orchestrator.start', { projectId: project.id });
    const worker = await h.must('sessions.create', { projectId: project.id, prompt: 'hello' });
    const said = (id: string) => waitUntil(() => transcriptOf(call, id), (t) => t.items.some((i) => i.type === 'agent'), 30_000, `${id} to answer`);
    expect((await said(orch.id)).items.find((i) => i.type === 'agent')).toMatchObject({ text: 'I am the orchestrator agent' });
    expect((await said(worker.id)).items.find((i) => i.type === 'agent')).toMatchObject({ text: 'I am the worker agent' });
    // The running orchestrator's launch is compared with the one it would now get: a changed own command is Restart needed.
    const before = (await h.must('projects.list', {}))[0]!.orchestratorLaunch;
    await h.must('projects.update', { id: project.id, patch: { orchestratorCustomCommand: '' } });
    expect((await h.must('projects.list', {}))[0]!.orchestratorLaunch).not.toBe(before);
  });
});
