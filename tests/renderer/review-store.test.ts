import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../src/renderer/src/api/client';
import { connectReviewStore, createReviewStore, type ReviewStore } from '../../src/renderer/src/features/review/store';
import { buildTranscript } from '../../src/shared/transcript';
import { buildOnce } from '../support/build';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createHarness, git, makeRepo, type Harness } from '../support/core-harness';
import { readyForPrompt, scriptedCommand, waitUntil } from '../support/scripted';
import { inProcessTransport } from './in-process-transport';

/**
 * The review slice against a real core (real git, real SQLite, the scripted
 * agent in a real session host): stats loaded by query and followed by
 * event, the open view's diff, and review comments going out as one prompt.
 */

let h: Harness | null = null;
let disconnect: () => void = () => {};
beforeAll(() => buildOnce(), 180_000);
afterEach(async () => {
  disconnect();
  if (h) {
    for (const s of await h.must('sessions.list', {})) if (s.state !== 'stopped' && s.state !== 'failed') await h.call('sessions.stop', { id: s.id });
    await h.cleanup();
  }
  h = null;
});

const until = (pred: () => boolean, what: string, ms = 30_000) => waitUntil(pred, (v) => v, ms, what);

const SLOW_SECOND_TURN = {
  prompts: [{ steps: [{ type: 'text', text: 'ready' }] }, { steps: [{ type: 'delay', ms: 5000 }, { type: 'text', text: 'done' }] }],
  default: { steps: [{ type: 'text', text: 'ok' }] },
};

function write(dir: string, name: string, content: string): void {
  mkdirSync(dirname(join(dir, name)), { recursive: true });
  writeFileSync(join(dir, name), content);
}

const QUIET = { default: { steps: [{ type: 'text', text: 'ok' }] } };

async function opened(script?: unknown): Promise<{ store: ReviewStore; sessionId: string; wt: string; transport: ReturnType<typeof inProcessTransport> }> {
  h = createHarness();
  const repo = makeRepo(h.tempDir('baton-review-repo-'));
  git(repo, 'config', 'user.name', 'Tester');
  git(repo, 'config', 'user.email', 'tester@example.com');
  const { project } = await h.must('projects.add', { path: repo, name: 'rev' });
  await h.must('projects.update', { id: project.id, patch: { workerAgent: 'custom', customCommand: scriptedCommand(h.tempDir(), script ?? QUIET) } });
  const created = await h.must('sessions.create', { projectId: project.id, prompt: 'Do the work', title: 'Do the work' });
  const session = await waitUntil(() => h!.must('sessions.get', { id: created.id }), readyForPrompt, 30_000, 'session idle');
  const setup = { session, wt: session.worktreePath ?? '' };
  const transport = inProcessTransport(h.core);
  const store = createReviewStore(createApi(transport));
  disconnect = connectReviewStore(store, transport);
  return { store, sessionId: setup.session.id, wt: setup.wt, transport };
}

describe('the review slice', () => {
  it('loads a card’s stat once, follows statChanged, and the open view’s diff refreshes it', { timeout: 120_000 }, async () => {
    const { store, sessionId, wt } = await opened();
    // The first turn's snapshot (what "since last turn" compares with) is taken before anything is written.
    await waitUntil(() => { try { return git(wt, 'rev-parse', '--verify', `refs/baton/turns/${sessionId}`); } catch { return ''; } }, (x) => x.trim().length === 40, 30_000, 'the turn snapshot');
    write(wt, 'a.txt', 'one\ntwo\n');
    // The inbox has read the counts when the turn ended (before this write, made behind Baton's back): an open view
    // asking for a fresh read is what makes main look again, as it would after a turn end.
    await h!.must('review.stat', { sessionId, refresh: true });
    await store.getState().loadStat(sessionId);
    expect(store.getState().stats[sessionId]).toMatchObject({ files: 1, additions: 2 });
    // A second card mount does not ask again.
    const at = store.getState().stats[sessionId]!.at;
    write(wt, 'b.txt', 'x\n');
    await store.getState().loadStat(sessionId);
    expect(store.getState().stats[sessionId]!.at).toBe(at);

    // Opening Changes reads the diff and, through main, the card's counts too (by event).
    store.getState().showChanges(sessionId);
    await until(() => store.getState().diff?.view?.files.length === 2, 'the diff');
    expect(store.getState().diff?.view?.files.map((f) => f.path).sort()).toEqual(['a.txt', 'b.txt']);
    await until(() => store.getState().stats[sessionId]?.files === 2, 'the card following the view');

    store.getState().setScope('since_turn');
    await until(() => store.getState().diff?.loading === false && store.getState().diff?.scope === 'since_turn', 'the since-turn diff');
    expect(store.getState().diff?.view?.files.map((f) => f.path).sort()).toEqual(['a.txt', 'b.txt']);
  });

  it('keeps comments in main across a reload, sends them as one prompt with file:line, and queues them while the agent is busy', { timeout: 120_000 }, async () => {
    const { store, sessionId, wt, transport } = await opened(SLOW_SECOND_TURN);
    write(wt, 'src/x.ts', 'const a = 1;\nconst b = 2;\n');
    store.getState().showChanges(sessionId);
    expect((await store.getState().addComment(sessionId, { path: 'src/x.ts', line: 2, endLine: null, side: 'new', excerpt: 'const b = 2;', text: 'Name b better.' })).ok).toBe(true);
    expect((await store.getState().addComment(sessionId, { path: 'src/x.ts', line: 1, endLine: null, side: 'new', excerpt: 'const a = 1;', text: 'Why a constant?' })).ok).toBe(true);
    expect(store.getState().comments[sessionId]?.map((c) => c.state)).toEqual(['draft', 'draft']);

    // A reload is a new store over the same main: the drafts are there.
    const reloaded = createReviewStore(createApi(transport));
    const off = connectReviewStore(reloaded, transport);
    reloaded.getState().showChanges(sessionId);
    await until(() => reloaded.getState().comments[sessionId]?.length === 2, 'the drafts after a reload');

    const sent = await reloaded.getState().sendComments(sessionId);
    expect(sent.ok && sent.value.status).toBe('sent');
    expect(reloaded.getState().comments[sessionId]).toEqual([]);
    // The other store follows main by event.
    await until(() => store.getState().comments[sessionId]?.length === 0, 'the first store following');
    off();
    const lastUser = async () => {
      const records = await h!.must('sessions.records', { id: sessionId });
      return buildTranscript(records.records).items.flatMap((i) => (i.type === 'user' && 'text' in i ? [i.text] : []));
    };
    // The prompt is in the journal (what the agent was sent), as the transcript shows it.
    const texts = await waitUntil(lastUser, (t) => t.some((x) => x.includes('review comments')), 30_000, 'the prompt in the transcript');
    expect(texts.find((x) => x.includes('review comments'))).toMatch(/2 review comments[\s\S]*1\. src\/x\.ts:1\n {3}> const a = 1;\n {3}Why a constant\?[\s\S]*2\. src\/x\.ts:2/);

    // While that turn runs the agent is busy: a new comment is queued in main and goes when the turn ends.
    await waitUntil(() => h!.must('sessions.get', { id: sessionId }), (x) => x.state === 'busy', 30_000, 'the agent busy');
    await store.getState().addComment(sessionId, { path: 'src/x.ts', line: 1, endLine: null, side: 'new', excerpt: '', text: 'One more.' });
    const queued = await store.getState().sendComments(sessionId);
    expect(queued.ok && queued.value.status).toBe('queued');
    expect(store.getState().comments[sessionId]?.map((c) => c.state)).toEqual(['queued']);
    await waitUntil(lastUser, (t) => t.some((x) => x.includes('One more.')), 30_000, 'the queued comment delivered');
    await until(() => store.getState().comments[sessionId]?.length === 0, 'the queued comment leaving the tray');
  });
});
