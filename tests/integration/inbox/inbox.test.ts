import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { InboxView } from '../../../src/shared/contracts/inbox';
import { buildOnce } from '../../support/build';
import { createHarness, type Harness } from '../../support/core-harness';
import { waitUntil } from '../../support/scripted';
import { reviewSession, teardown } from '../review/helpers';

/** The inbox over a real core: a scripted worker asks, is answered, ends its turn with changes, is reviewed. */
let h: Harness;
beforeAll(() => buildOnce(), 180_000);
beforeEach(() => {
  h = createHarness();
});
afterEach(() => teardown(h));

const WAIT_MS = 30_000;
const OPTIONS = [
  { optionId: 'allow', name: 'Allow', kind: 'allow_once' },
  { optionId: 'allow_always', name: 'Always Allow', kind: 'allow_always' },
  { optionId: 'reject', name: 'Reject', kind: 'reject_once' },
];
/** "ask" asks before writing a file; anything else (the session's first prompt) answers at once. */
const SCRIPT = {
  prompts: [
    {
      match: 'ask',
      steps: [
        { type: 'permission', toolCallId: 'write-{turn}', title: 'Write turn-{turn}.txt', kind: 'edit', options: OPTIONS },
        { type: 'spawn_tool', id: 'w-{turn}', title: 'write', command: 'sh', args: ['-c', 'printf "x\\n" > turn-{turn}.txt'], wait: true },
        { type: 'text', text: 'wrote it' },
      ],
    },
  ],
  default: { steps: [{ type: 'text', text: 'ok' }] },
};

/** The inbox as the last inbox.changed event said it (what every UI follows). */
const lastBroadcast = (): InboxView | null => {
  const e = h.events.filter((x) => x.name === 'inbox.changed').at(-1);
  return e ? (e.payload as InboxView) : null;
};
async function broadcast(what: string, want: (v: InboxView) => boolean): Promise<InboxView> {
  const v = await waitUntil(async () => lastBroadcast(), (x) => x !== null && want(x), WAIT_MS, what);
  if (!v) throw new Error(`no inbox broadcast for ${what}`);
  return v;
}

describe('inbox: derived from session facts, broadcast when they move', () => {
  it('a permission, answered from the inbox; then the turn’s changes until marked reviewed', { timeout: 120_000 }, async () => {
    const { session } = await reviewSession(h, { script: SCRIPT, title: 'Inbox worker' });
    expect(session.agentRunning).toBe(true);
    await h.must('sessions.prompt', { id: session.id, text: 'ask, then work', idempotencyKey: 'inbox-turn-1' });
    const asked = await broadcast('a permission in the inbox', (v) => v.items.some((i) => i.reason === 'permission'));
    expect(asked.items).toHaveLength(1);
    const item = asked.items[0]!;
    expect(item).toMatchObject({ sessionId: session.id, reason: 'permission', action: 'answer', summary: 'Write turn-1.txt', title: 'Inbox worker' });
    expect(item.request?.options).toEqual(OPTIONS);
    expect(item.request?.toolKind).toBe('edit');
    // The query says the same as the broadcast.
    expect(await h.must('inbox.list', {})).toEqual(asked);
    expect(await h.must('sessions.pending', { id: session.id })).toEqual([item.request]);

    expect(await h.must('sessions.answerPermission', { id: session.id, requestKey: item.request!.requestKey, optionId: 'allow' })).toEqual({ answered: true });
    // The turn ends having written a file: ready for review, without any card having asked git.
    const review = await broadcast('the changes in the inbox', (v) => v.items.some((i) => i.reason === 'review'));
    expect(review.items).toEqual([expect.objectContaining({ sessionId: session.id, reason: 'review', action: 'review', summary: '1 file changed', request: null })]);
    expect(await h.must('sessions.pending', { id: session.id })).toEqual([]);

    await h.must('review.markReviewed', { sessionId: session.id });
    await broadcast('an empty inbox once reviewed', (v) => v.items.length === 0);
    expect((await h.must('inbox.list', {})).items).toEqual([]);

    // The next turn's changes need a look again.
    await h.must('sessions.prompt', { id: session.id, text: 'ask for more', idempotencyKey: 'inbox-turn-2' });
    const again = await broadcast('the second permission', (v) => v.items.some((i) => i.reason === 'permission'));
    await h.must('sessions.answerPermission', { id: session.id, requestKey: again.items[0]!.request!.requestKey, optionId: 'allow' });
    const second = await broadcast('the second turn’s changes', (v) => v.items.some((i) => i.reason === 'review'));
    expect(second.items[0]?.summary).toBe('2 files changed');
  });

  it('by project; a stop takes the request out; nothing is broadcast twice', { timeout: 60_000 }, async () => {
    const { session, project } = await reviewSession(h, { script: SCRIPT });
    await h.must('sessions.prompt', { id: session.id, text: 'ask', idempotencyKey: 'inbox-stop-1' });
    // Filter by project: only this project's items.
    await broadcast('the first request', (v) => v.items.length === 1);
    expect((await h.must('inbox.list', { projectId: project.id })).items).toHaveLength(1);
    expect((await h.must('inbox.list', { projectId: 'another' })).items).toEqual([]);
    await h.must('sessions.stop', { id: session.id });
    await broadcast('an empty inbox after the stop', (v) => v.items.length === 0);
    const stopped = await waitUntil(() => h.must('sessions.get', { id: session.id }), (s) => s.state === 'stopped', WAIT_MS, 'stopped');
    expect(stopped.agentRunning).toBe(false);
    // Each broadcast differs from the one before it: an unchanged inbox sends nothing.
    const payloads = h.events.filter((e) => e.name === 'inbox.changed').map((e) => JSON.stringify(e.payload));
    for (let i = 1; i < payloads.length; i++) expect(payloads[i]).not.toBe(payloads[i - 1]);
  });
});
