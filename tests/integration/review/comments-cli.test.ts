// `baton comment add|list|remove|send` on a real repository and session, through the real CLI code (headless).
import { describe, expect, it } from 'vitest';
import { createCore } from '../../../src/main/app/core';
import type { ProjectSummary } from '../../../src/shared/contracts/projects';
import type { ReviewCommentView, SendCommentsView } from '../../../src/shared/contracts/review';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import { callerOf, makeRepo } from '../../support/core-harness';
import { readyForPrompt, scriptedCommand, waitUntil } from '../../support/scripted';
import { inProcessCli } from '../control/cli-harness';
import { json } from '../control/helpers';
import { prompts } from '../tasks/helpers';
import { QUIET_SCRIPT } from './helpers';

const { temp, useDataDir, baton } = inProcessCli();

describe('baton comment', () => {
  it('add, list, remove and send as one prompt with file:line; misuse exits 2 with words', { timeout: 120_000 }, async () => {
    const dataDir = useDataDir('baton-cli-comments-');
    const repo = makeRepo(temp('baton-cli-comments-repo-'));
    const added = json<{ project: ProjectSummary }>(await baton('project', 'add', repo, '--json'));
    const core = createCore({ dataDir, mode: 'browser', version: 'test' });
    await callerOf(core)('projects.update', { id: added.project.id, patch: { customCommand: scriptedCommand(temp('baton-cli-comments-script-'), QUIET_SCRIPT) } });
    await core.close();
    const session = json<SessionSummary>(await baton('session', 'new', added.project.prefix, '--prompt', 'Work', '--agent', 'custom', '--json'));

    expect((await baton('comment', 'add', session.id, 'src/a.ts', '-m', 'x')).code).toBe(1);
    expect((await baton('comment', 'add', session.id, 'src/a.ts:3')).code).toBe(2);
    expect((await baton('comment', 'list', session.id, '--old')).code).toBe(2);
    expect((await baton('comment', 'frob', session.id)).stderr).toContain('use add, list, remove or send');

    const first = json<ReviewCommentView>(await baton('comment', 'add', session.id, 'src/a.ts:3-5', '-m', 'Split this.', '--json'));
    expect(first).toMatchObject({ path: 'src/a.ts', line: 3, endLine: 5, side: 'new', state: 'draft' });
    expect((await baton('comment', 'add', session.id.slice(0, 8), 'old.ts:9', '-m', 'Why removed?', '--old')).code).toBe(0);
    expect((await baton('comment', 'add', session.id, 'gone.ts:1', '-m', 'Drop me.')).code).toBe(0);
    const listed = await baton('comment', 'list', session.id);
    expect(listed.stdout).toMatch(/src\/a\.ts:3-5\s+Split this\./);
    const all = json<ReviewCommentView[]>(await baton('comment', 'list', session.id, '--json'));
    expect(all).toHaveLength(3);
    const drop = all.find((c) => c.path === 'gone.ts')!;
    expect((await baton('comment', 'remove', session.id, drop.id.slice(0, 8))).stdout).toContain('Removed.');

    await waitUntil(async () => json<SessionSummary[]>(await baton('session', 'list', '--json')).find((s) => s.id === session.id), readyForPrompt, 30_000, 'idle');
    const sent = json<SendCommentsView>(await baton('comment', 'send', session.id, '--json'));
    expect(sent).toMatchObject({ status: 'sent', count: 2 });
    expect(json<ReviewCommentView[]>(await baton('comment', 'list', session.id, '--json'))).toEqual([]);

    // A core that catches up from the journal reads what the agent was sent.
    const reader = createCore({ dataDir, mode: 'browser', version: 'test' });
    await reader.recover();
    const p = await waitUntil(() => prompts(callerOf(reader), session.id), (x) => x.some((t) => t.includes('review comments')), 30_000, 'the prompt');
    await reader.close();
    const text = p.find((x) => x.includes('review comments')) ?? '';
    expect(text).toMatch(/1\. old\.ts:9 \(a removed line[\s\S]*Why removed\?[\s\S]*2\. src\/a\.ts:3-5\n {3}Split this\./);
    expect(text).not.toContain('Drop me.');
  });
});
