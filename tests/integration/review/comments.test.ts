// Review comments kept in main: survive a restart until sent, one prompt with file:line, queued while busy and delivered at idle.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ReviewCommentView } from '../../../src/shared/contracts/review';
import { buildOnce } from '../../support/build';
import { callerOf, createHarness, stopAllSessions, type Caller, type Harness } from '../../support/core-harness';
import { readyForPrompt, waitUntil } from '../../support/scripted';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import { prompts, state } from '../tasks/helpers';
import { reviewSession } from './helpers';

let h: Harness;
let call: Caller;
beforeAll(() => buildOnce(), 180_000);
beforeEach(() => {
  h = createHarness();
  call = callerOf(h.core);
});
// Through the core in use (a test may have restarted it); cleanup then closes every core.
afterEach(async () => {
  await stopAllSessions(call);
  await h.cleanup();
});

const SCRIPT = {
  prompts: [{ match: 'HOLD-ON', steps: [{ type: 'delay', ms: 2500 }, { type: 'text', text: 'held' }] }],
  default: { steps: [{ type: 'text', text: 'ok' }] },
};
const reviewPrompts = async (id: string) => (await prompts(call, id)).filter((p) => p.includes('review comment'));
const comment = (sessionId: string, line: number, text: string, over: Record<string, unknown> = {}) =>
  call<ReviewCommentView>('review.addComment', { sessionId, path: 'src/a.txt', line, excerpt: `line ${line}`, text, ...over });

describe('review comments', () => {
  it('drafts survive a restart; Send makes one prompt with file:line and they leave the list', { timeout: 120_000 }, async () => {
    const { session } = await reviewSession(h, { script: SCRIPT });
    await comment(session.id, 7, 'Why seven?');
    await comment(session.id, 2, 'Rename this.', { endLine: 4 });
    // A range going backwards and an empty comment are refused at the contract.
    expect((await h.call('review.addComment', { sessionId: session.id, path: 'a', line: 5, endLine: 3, text: 'x' })).ok).toBe(false);
    expect((await h.call('review.addComment', { sessionId: session.id, path: 'a', line: 5, text: '   ' })).ok).toBe(false);

    await h.core.close();
    const again = h.reopen();
    await again.core.recover();
    call = again.call;
    const kept = await call<ReviewCommentView[]>('review.comments', { sessionId: session.id });
    expect(kept.map((c) => [c.line, c.endLine, c.text, c.state])).toEqual([[7, null, 'Why seven?', 'draft'], [2, 4, 'Rename this.', 'draft']]);
    expect(await call('review.removeComment', { sessionId: session.id, id: kept[0]!.id })).toEqual({ removed: true });
    await comment(session.id, 9, 'And this.');

    await waitUntil(() => call<SessionSummary>('sessions.get', { id: session.id }), readyForPrompt, 30_000, 'idle after the restart');
    const sent = await call<{ status: string; count: number; turnId: string }>('review.sendComments', { sessionId: session.id });
    expect(sent).toMatchObject({ status: 'sent', count: 2 });
    const p = await waitUntil(() => reviewPrompts(session.id), (x) => x.length === 1, 30_000, 'the prompt');
    expect(p[0]).toMatch(/^2 review comments[\s\S]*1\. src\/a\.txt:2-4\n {3}> line 2\n {3}Rename this\.[\s\S]*2\. src\/a\.txt:9\n {3}> line 9\n {3}And this\./);
    expect(p[0]).not.toContain('Why seven?');
    expect(await call('review.comments', { sessionId: session.id })).toEqual([]);
    // Nothing left to send.
    const none = await again.core.router.call('review.sendComments', { sessionId: session.id }, { via: 'test' });
    expect(none.ok ? null : none.error.code).toBe('no_comments');
  });

  it('queued while the agent works, delivered as one prompt when its turn ends; a second Send joins the same batch', { timeout: 120_000 }, async () => {
    const { session } = await reviewSession(h, { script: SCRIPT });
    await call('sessions.prompt', { id: session.id, text: 'HOLD-ON please', idempotencyKey: 'hold-on-comments-1' });
    await waitUntil(() => state(call, session.id), (s) => s === 'busy', 20_000, 'busy');
    await comment(session.id, 3, 'First.');
    const q1 = await call<{ status: string; reason: string }>('review.sendComments', { sessionId: session.id });
    expect(q1).toMatchObject({ status: 'queued', count: 1, reason: expect.stringMatching(/when the turn ends/) });
    await comment(session.id, 5, 'Second.');
    expect(await call('review.sendComments', { sessionId: session.id })).toMatchObject({ status: 'queued', count: 2 });
    const listed = await call<ReviewCommentView[]>('review.comments', { sessionId: session.id });
    expect(listed.map((c) => c.state)).toEqual(['queued', 'queued']);
    // A queued comment is on its way: it is not removed.
    expect(await call('review.removeComment', { sessionId: session.id, id: listed[0]!.id })).toEqual({ removed: false });

    const p = await waitUntil(() => reviewPrompts(session.id), (x) => x.length >= 1, 30_000, 'the queued comments delivered');
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/2 review comments[\s\S]*src\/a\.txt:3[\s\S]*First\.[\s\S]*src\/a\.txt:5[\s\S]*Second\./);
    await waitUntil(() => call<ReviewCommentView[]>('review.comments', { sessionId: session.id }), (x) => x.length === 0, 20_000, 'marked sent');
    await waitUntil(() => state(call, session.id), (s) => s === 'idle', 30_000, 'idle again');
    expect(await reviewPrompts(session.id)).toHaveLength(1);
  });

  it('comments queued at a restart go once the session is idle after reconcile', { timeout: 120_000 }, async () => {
    const { session } = await reviewSession(h, { script: SCRIPT });
    await call('sessions.prompt', { id: session.id, text: 'HOLD-ON please', idempotencyKey: 'hold-on-comments-2' });
    await waitUntil(() => state(call, session.id), (s) => s === 'busy', 20_000, 'busy');
    await comment(session.id, 1, 'Across the restart.');
    expect(await call('review.sendComments', { sessionId: session.id })).toMatchObject({ status: 'queued' });
    await h.core.close(); // The host and agent keep running; the queued comments are stored.
    const again = h.reopen();
    await again.core.recover();
    call = again.call;
    const p = await waitUntil(() => reviewPrompts(session.id), (x) => x.length === 1, 30_000, 'the comments after the restart');
    expect(p[0]).toContain('src/a.txt:1');
    await waitUntil(() => call<ReviewCommentView[]>('review.comments', { sessionId: session.id }), (x) => x.length === 0, 20_000, 'marked sent');
    // Once: a reconcile's resend of checkpointed prompts does not send the batch a second time.
    await waitUntil(() => state(call, session.id), (s) => s === 'idle', 30_000, 'idle after the comments');
    expect(await reviewPrompts(session.id)).toHaveLength(1);
  });
});
