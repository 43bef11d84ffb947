import { chmodSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildOnce } from '../../support/build';
import { createHarness, type Harness } from '../../support/core-harness';
import { readyForPrompt, waitUntil } from '../../support/scripted';
import { git, reviewSession, statusOf, teardown, write } from './helpers';

let h: Harness;
beforeAll(() => buildOnce(), 180_000);
beforeEach(() => {
  h = createHarness();
});
afterEach(() => teardown(h));

function hook(repo: string, name: string, body: string): void {
  const p = join(git(repo, 'rev-parse', '--path-format=absolute', '--git-common-dir').trim(), 'hooks', name);
  write(join(p, '..'), name, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
}

describe('review.commit with the repository hooks', () => {
  it('commits everything (untracked included) through a passing hook that really ran', async () => {
    const { session, repo, wt } = await reviewSession(h);
    hook(repo, 'pre-commit', 'echo ran > "$(git rev-parse --git-common-dir)/hook-ran"; exit 0');
    write(wt, 'src/a.txt', 'changed\n');
    write(wt, 'new.txt', 'new\n');
    const r = await h.must('review.commit', { sessionId: session.id, message: 'Agent work' });
    expect(r).toMatchObject({ status: 'committed' });
    if (r.status !== 'committed') return;
    expect(r.files.sort()).toEqual(['new.txt', 'src/a.txt']);
    expect(git(wt, 'rev-parse', 'HEAD').trim()).toBe(r.commit);
    expect(git(wt, 'log', '-1', '--format=%s').trim()).toBe('Agent work');
    expect(statusOf(wt)).toBe('');
    expect(existsSync(join(repo, '.git', 'hook-ran'))).toBe(true);
  });

  it('returns a failing hook\'s output and commits nothing', async () => {
    const { session, repo, wt } = await reviewSession(h);
    hook(repo, 'pre-commit', 'echo "lint: 3 problems in src/a.txt" >&2; exit 1');
    write(wt, 'src/a.txt', 'changed\n');
    const head = git(wt, 'rev-parse', 'HEAD').trim();
    const r = await h.must('review.commit', { sessionId: session.id, message: 'Agent work' });
    expect(r).toEqual({ status: 'hook_failed', hooks: ['pre-commit'], output: expect.stringContaining('lint: 3 problems in src/a.txt') });
    expect(git(wt, 'rev-parse', 'HEAD').trim()).toBe(head);
  });

  it('is refused while the agent works on a turn, saying to wait or Cancel, and commits once it has stopped', async () => {
    const script = { prompts: [{ match: 'hold on', steps: [{ type: 'text', text: 'working' }, { type: 'hang' }] }], default: { steps: [{ type: 'text', text: 'ok' }] } };
    const { session, wt } = await reviewSession(h, { script });
    write(wt, 'src/a.txt', 'half-written\n');
    const head = git(wt, 'rev-parse', 'HEAD').trim();
    await h.must('sessions.prompt', { id: session.id, text: 'hold on', idempotencyKey: 'hold-on-1' });
    await waitUntil(() => h.must('sessions.get', { id: session.id }), (s) => s.state === 'busy', 20_000, 'session busy');
    const refused = await h.call('review.commit', { sessionId: session.id, message: 'Too early' });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.code).toBe('agent_busy');
    expect(refused.error.message).toMatch(/Nothing was committed\. The agent is working on a turn .*wait for its turn to end, or Cancel it, then commit\./);
    expect(git(wt, 'rev-parse', 'HEAD').trim()).toBe(head);
    expect(statusOf(wt)).toBe(' M src/a.txt\n');
    await h.must('sessions.cancel', { id: session.id });
    await waitUntil(() => h.must('sessions.get', { id: session.id }), readyForPrompt, 20_000, 'session idle after cancel');
    expect(await h.must('review.commit', { sessionId: session.id, message: 'Now' })).toMatchObject({ status: 'committed', files: ['src/a.txt'] });
  });

  it('commits only the chosen files, leaving the rest uncommitted', async () => {
    const { session, wt } = await reviewSession(h);
    write(wt, 'one.txt', '1\n');
    write(wt, 'two.txt', '2\n');
    git(wt, 'rm', '-q', 'README.md');
    const r = await h.must('review.commit', { sessionId: session.id, message: 'Only one', paths: ['one.txt', 'README.md'] });
    expect(r).toMatchObject({ status: 'committed', files: ['README.md', 'one.txt'] });
    expect(statusOf(wt)).toBe('?? two.txt\n');
    expect(await h.must('review.commit', { sessionId: session.id, message: 'x', paths: ['one.txt'] })).toEqual({ status: 'nothing_to_commit' });
  });
});
