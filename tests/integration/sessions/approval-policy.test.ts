import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { databasePath } from '../../../src/main/app/paths';
import { buildTranscript, type TranscriptItem } from '../../../src/shared/transcript';
import { buildOnce } from '../../support/build';
import { callerOf, createHarness, type Harness } from '../../support/core-harness';
import { waitUntil } from '../../support/scripted';
import { lostHostScript, recordsOf, scriptedProject, stateOf, transcriptOf, waitTurnsEnded, WAIT_MS } from './lost-hosts';

/** Approval policies with the scripted agent: what Baton answers by itself, journaled and shown; what it leaves to a person. */
let h: Harness;
beforeAll(() => buildOnce(), 120_000);
afterEach(() => h.cleanup(), 60_000);

const OPTIONS = [
  { optionId: 'once', name: 'Allow', kind: 'allow_once' },
  { optionId: 'always', name: 'Always Allow', kind: 'allow_always' },
  { optionId: 'no', name: 'Reject', kind: 'reject_once' },
];
/** "edit then run": an edit request, then a shell command request, in one turn. "only reject": nothing to allow. */
const ASKS = [
  {
    match: 'edit then run',
    steps: [
      { type: 'permission', toolCallId: 'edit-{turn}', title: 'Edit src/a.ts', kind: 'edit', locations: [{ path: 'src/a.ts' }], options: OPTIONS },
      { type: 'permission', toolCallId: 'run-{turn}', title: 'Shell: rm -rf build', kind: 'execute', options: OPTIONS },
      { type: 'text', text: 'done' },
    ],
  },
  {
    // Outside the worktree: Auto-approve edits leaves it to a person.
    match: 'edit outside',
    steps: [
      { type: 'permission', toolCallId: 'rc-{turn}', title: 'Edit ../.bashrc', kind: 'edit', locations: [{ path: '../.bashrc' }], options: OPTIONS },
      { type: 'text', text: 'done' },
    ],
  },
  {
    match: 'only reject',
    steps: [{ type: 'permission', toolCallId: 'rej-{turn}', title: 'Edit b', kind: 'edit', options: [{ optionId: 'no', name: 'Reject', kind: 'reject_once' }] }],
  },
];

type Permission = Extract<TranscriptItem, { type: 'permission' }>;
const permissionsOf = (items: readonly TranscriptItem[]): Permission[] => items.flatMap((i) => (i.type === 'permission' ? [i] : []));

function statesOf(dataDir: string, id: string): string[] {
  const db = new Database(databasePath(dataDir), { readonly: true });
  try {
    return (db.prepare('SELECT to_state FROM session_transitions WHERE session_id = ? ORDER BY id').all(id) as { to_state: string }[]).map((r) => r.to_state);
  } finally {
    db.close();
  }
}

/** The answers main sent (dir out) to permission requests, with their `_meta`, from the journal. */
async function answersJournaled(id: string): Promise<{ optionId: unknown; auto: unknown }[]> {
  const records = await recordsOf(callerOf(h.core), id);
  return records.flatMap((r) => {
    const m = r.msg as { result?: { outcome?: { optionId?: unknown }; _meta?: Record<string, unknown> } };
    return r.dir === 'out' && m.result?.outcome?.optionId !== undefined ? [{ optionId: m.result.outcome.optionId, auto: m.result._meta?.batonAutoAnswer ?? null }] : [];
  });
}

async function idleWorker(policy: 'ask' | 'edits' | 'all') {
  const projectId = await scriptedProject(h, lostHostScript(h.tempDir('agent-store-'), undefined, ASKS));
  await h.must('projects.update', { id: projectId, patch: { approvalPolicy: policy } });
  const s = await h.must('sessions.create', { projectId, prompt: 'hello', harness: 'custom' });
  // Idle after its first turn: the session is idle for a moment before that prompt is journaled too (then busy).
  await waitTurnsEnded(callerOf(h.core), s.id, 1);
  await waitUntil(() => stateOf(callerOf(h.core), s.id), (st) => st === 'idle', WAIT_MS, 'idle');
  return { projectId, id: s.id };
}

const pendingTitle = async (id: string) => (await h.must('sessions.pending', { id })).map((p) => p.title);

describe('approval policies', () => {
  it('Auto-approve edits: the edit is answered by Baton (allow once, journaled, shown auto-approved, never Needs you); the shell command waits for a person', { timeout: 90_000 }, async () => {
    h = createHarness();
    const call = callerOf(h.core);
    const { projectId, id } = await idleWorker('edits');
    expect((await h.must('projects.get', { id: projectId })).approvalPolicy).toBe('edits');
    const before = statesOf(h.dataDir, id).length;
    await h.must('sessions.prompt', { id, text: 'edit then run', idempotencyKey: 'policy-edits-1' });

    await waitUntil(() => pendingTitle(id), (t) => t.includes('Shell: rm -rf build'), WAIT_MS, 'the shell command to wait on a person');
    const t = await transcriptOf(call, id);
    const [edit, run] = permissionsOf(t.items);
    expect(edit?.outcome).toEqual({ kind: 'selected', optionId: 'once', name: 'Allow', automatic: 'policy_edits' });
    expect(run?.outcome).toBeNull();
    // Busy through the edit's request; Needs you only for the shell command.
    expect(statesOf(h.dataDir, id).slice(before)).toEqual(['busy', 'waiting_input']);
    expect((await h.must('inbox.list', {})).items.map((i) => i.summary)).toEqual(['Shell: rm -rf build']);

    await h.must('sessions.answerPermission', { id, requestKey: run!.requestKey, optionId: 'no' });
    await waitTurnsEnded(call, id, 2);
    expect(await answersJournaled(id)).toEqual([
      { optionId: 'once', auto: 'policy_edits' },
      { optionId: 'no', auto: null },
    ]);
  });

  it('Auto-approve edits: an edit outside the worktree waits for a person', { timeout: 90_000 }, async () => {
    h = createHarness();
    const call = callerOf(h.core);
    const { id } = await idleWorker('edits');
    await h.must('sessions.prompt', { id, text: 'edit outside', idempotencyKey: 'policy-outside-1' });
    await waitUntil(() => pendingTitle(id), (t) => t.includes('Edit ../.bashrc'), WAIT_MS, 'the outside edit to wait on a person');
    expect((await h.must('inbox.list', {})).items.map((i) => i.summary)).toEqual(['Edit ../.bashrc']);
    const [asked] = await h.must('sessions.pending', { id });
    await h.must('sessions.answerPermission', { id, requestKey: asked!.requestKey, optionId: 'no' });
    await waitTurnsEnded(call, id, 2);
    expect(await answersJournaled(id)).toEqual([{ optionId: 'no', auto: null }]);
  });

  it('a waiting request is answered at once when the session is switched to Auto-approve everything', { timeout: 90_000 }, async () => {
    h = createHarness();
    const call = callerOf(h.core);
    const { id } = await idleWorker('ask');
    await h.must('sessions.prompt', { id, text: 'edit then run', idempotencyKey: 'policy-all-1' });
    await waitUntil(() => pendingTitle(id), (t) => t.includes('Edit src/a.ts'), WAIT_MS, 'the edit to wait (Ask)');

    const s = await h.must('sessions.setApprovalPolicy', { id, policy: 'all' });
    expect(s.approvalPolicy).toBe('all');
    const t = await waitTurnsEnded(call, id, 2);
    expect(permissionsOf(t.items).map((p) => p.outcome)).toEqual([
      { kind: 'selected', optionId: 'once', name: 'Allow', automatic: 'policy_all' },
      { kind: 'selected', optionId: 'once', name: 'Allow', automatic: 'policy_all' },
    ]);
    expect((await h.must('inbox.list', {})).items.filter((i) => i.reason === 'permission')).toEqual([]);
  });

  it("a session's own Ask wins over its project's Auto-approve everything; back to inherit, it is answered; nothing to allow is never answered", { timeout: 90_000 }, async () => {
    h = createHarness();
    const call = callerOf(h.core);
    const { id, projectId } = await idleWorker('all');
    await h.must('sessions.setApprovalPolicy', { id, policy: 'ask' });
    await h.must('sessions.prompt', { id, text: 'edit then run', idempotencyKey: 'policy-own-1' });
    await waitUntil(() => pendingTitle(id), (t) => t.includes('Edit src/a.ts'), WAIT_MS, "the edit to wait (the session's own Ask)");

    expect((await h.must('sessions.setApprovalPolicy', { id, policy: null })).approvalPolicy).toBeNull();
    await waitTurnsEnded(call, id, 2);
    expect((await answersJournaled(id)).map((a) => a.auto)).toEqual(['policy_all', 'policy_all']);

    // A request offering no allow is left to a person, whatever the policy.
    await h.must('sessions.prompt', { id, text: 'only reject', idempotencyKey: 'policy-own-2' });
    await waitUntil(() => pendingTitle(id), (t) => t.includes('Edit b'), WAIT_MS, 'the reject-only request to wait');
    // A project switched back to Ask changes nothing for what is already waiting.
    await h.must('projects.update', { id: projectId, patch: { approvalPolicy: 'ask' } });
    expect(await pendingTitle(id)).toEqual(['Edit b']);
  });
});

describe('a request answered by a main that closed before its answer was applied', () => {
  it('waits on nobody once the next main applies the answer: nothing pending, the answer in the transcript', { timeout: 90_000 }, async () => {
    h = createHarness();
    const { id } = await idleWorker('ask');
    await h.must('sessions.prompt', { id, text: 'only reject', idempotencyKey: 'reattach-1' });
    const [asked] = await waitUntil(() => h.must('sessions.pending', { id }), (p) => p.length === 1, WAIT_MS, 'the request');
    await h.core.close();

    // A second main answers and closes at once, before the host streams its answer back to be applied.
    const second = h.reopen();
    await second.core.recover();
    const held = await waitUntil(() => second.call<{ requestKey: string }[]>('sessions.pending', { id }), (p) => p.length === 1, WAIT_MS, 'the request redelivered');
    expect(held[0]?.requestKey).toBe(asked?.requestKey);
    const lastBefore = (await second.call<{ lastSeq: number }>('sessions.get', { id })).lastSeq;
    expect(await second.call('sessions.answerPermission', { id, requestKey: asked!.requestKey, optionId: 'no' })).toEqual({ answered: true });
    await second.core.close();

    // The third main finds the request in its applied records without the answer after it, and redelivers it; the answer
    // streams in next, and with it the request stops waiting.
    const third = h.reopen();
    await third.core.recover();
    const done = await waitUntil(() => third.call<{ lastSeq: number; state: string }>('sessions.get', { id }), (s) => s.lastSeq > lastBefore + 1 && s.state === 'idle', WAIT_MS, 'the answer applied');
    expect(done.state).toBe('idle');
    expect(await waitUntil(() => third.call<unknown[]>('sessions.pending', { id }), (p) => p.length === 0, WAIT_MS, 'no request left waiting')).toEqual([]);
    const journaled = buildTranscript(await recordsOf(third.call, id));
    expect(permissionsOf(journaled.items).at(-1)?.outcome).toEqual({ kind: 'selected', optionId: 'no', name: 'Reject' });
  });
});
