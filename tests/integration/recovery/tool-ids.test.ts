import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import type { JournalRecord } from '../../../src/shared/journal';
import { buildTranscript } from '../../../src/shared/transcript';
import { buildOnce } from '../../support/build';
import { createHarness, makeRepo, type Harness } from '../../support/core-harness';
import { killSessionProcesses } from '../../support/hosts';
import { scriptedCommand, waitUntil } from '../../support/scripted';
import { readHostFile } from '../../../src/main/host/liveness';
import { sessionDir } from '../../../src/main/host/paths';
import { isPidAlive } from '../../../src/main/host/proc';
import { kill } from './world';

/**
 * The soak's "a completed tool call is shown interrupted" (seed 776922688):
 * a new agent conversation (then a Retry; now the next prompt after the agent
 * died, for an agent that can neither resume nor load), whose tool call ids (`t{turn}-k`,
 * the turn counted per conversation) repeat the earlier conversation's. The
 * fold keyed tools by id alone, so the new call's updates, and the
 * interrupted marker that closed it, landed on the old, completed one.
 */
let h: Harness;
beforeAll(() => buildOnce(), 180_000);
afterEach(() => h.cleanup());

const toolCalls = (records: readonly JournalRecord[], id: string): number =>
  records.filter((r) => {
    const m = r.msg as { method?: string; params?: { update?: { sessionUpdate?: string; toolCallId?: string } } };
    return r.dir === 'in' && m.method === 'session/update' && m.params?.update?.sessionUpdate === 'tool_call' && m.params.update.toolCallId === id;
  }).length;

describe('a tool call id repeated by a new agent conversation', () => {
  it('is another tool call: the earlier one stays completed when the new one is interrupted', async () => {
    h = createHarness();
    const repo = makeRepo(h.tempDir());
    const { project } = await h.must('projects.add', { path: repo, name: 'ids' });
    const command = scriptedCommand(h.tempDir(), {
      // Neither resume nor load: the next prompt after the agent dies opens a new conversation.
      capabilities: { resume: false, loadSession: false },
      prompts: [{ match: 'hang', steps: [{ type: 'tool_call', id: 't{turn}-1', title: 'Step 1 again', kind: 'execute', status: 'pending' }, { type: 'tool_update', id: 't{turn}-1', status: 'in_progress' }, { type: 'delay', ms: 600_000 }] }],
      default: { steps: [{ type: 'tool_call', id: 't{turn}-1', title: 'Step 1', kind: 'execute', status: 'pending' }, { type: 'tool_update', id: 't{turn}-1', status: 'completed', content: 'first result' }] },
    });
    await h.must('projects.update', { id: project.id, patch: { workerAgent: 'custom', customCommand: command } });
    const s = await h.must('sessions.create', { projectId: project.id, prompt: 'work', harness: 'custom' });
    const records = async () => (await h.must('sessions.records', { id: s.id, afterSeq: 0, limit: 10_000 })).records as JournalRecord[];
    await waitUntil(records, (rs) => buildTranscript(rs).items.some((i) => i.type === 'turn_end'), 30_000, 'the first turn to end');
    await waitUntil(() => h.must('sessions.get', { id: s.id }), (x) => x.state === 'idle', 30_000, 'idle');

    // The agent dies while idle: the session stays idle; the next prompt starts a new conversation (session/new,
    // primed with context), whose turns count from 0 again.
    const host = readHostFile(sessionDir(h.dataDir, s.id));
    expect(host?.agentPid).toBeTruthy();
    kill(host?.agentPid as number);
    await waitUntil(records, (rs) => rs.some((r) => r.dir === 'host' && typeof (r.msg as { exit?: unknown }).exit === 'object'), 30_000, 'the agent exit to be projected');
    // Its host journals the exit, then ends; a launch before that would find it still there.
    await waitUntil(() => isPidAlive(host?.pid as number), (alive) => !alive, 15_000, 'the old host to end');
    await waitUntil(() => h.must('sessions.get', { id: s.id }), (x) => x.state === 'idle', 30_000, 'idle after the agent died');
    await h.must('sessions.prompt', { id: s.id, text: 'hang on the first step', idempotencyKey: 'hang-turn-1' });
    await waitUntil(records, (rs) => toolCalls(rs, 't0-1') === 2, 30_000, 'the new conversation to announce t0-1 again');

    // Baton and the host go away mid-call: the restart marks the open call interrupted.
    await h.core.close();
    await killSessionProcesses(h.dataDir, s.id);
    const { core, call } = h.reopen();
    await core.recover();
    expect((await call<SessionSummary>('sessions.get', { id: s.id })).state).toBe('interrupted');
    const after = await waitUntil(
      async () => (await call<{ records: JournalRecord[] }>('sessions.records', { id: s.id, afterSeq: 0, limit: 10_000 })).records,
      (rs) => rs.some((r) => r.dir === 'host' && (r.msg as { marker?: string }).marker === 'interrupted'),
      30_000,
      'the interrupted marker to be projected',
    );
    const tools = buildTranscript(after).items.filter((i) => i.type === 'tool' && i.toolCallId === 't0-1');
    expect(tools).toMatchObject([
      { title: 'Step 1', status: 'completed', content: ['first result'] },
      { title: 'Step 1 again', status: 'interrupted' },
    ]);
  }, 120_000);
});
