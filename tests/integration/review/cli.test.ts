import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCore } from '../../../src/main/app/core';
import type { ProjectSummary } from '../../../src/shared/contracts/projects';
import type { ArchiveView, CommitView, DiffView, MergeView, PrView } from '../../../src/shared/contracts/review';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import { callerOf, makeRepo } from '../../support/core-harness';
import { scriptedCommand, waitUntil } from '../../support/scripted';
import { inProcessCli } from '../control/cli-harness';
import { json } from '../control/helpers';
import { git, QUIET_SCRIPT, write } from './helpers';

const { temp, useDataDir, baton } = inProcessCli();

describe('baton review verbs with --json, on a real repository', () => {
  it('project add, session new, diff, commit, merge --squash and pr, each as JSON; failures exit non-zero with words', { timeout: 120_000 }, async () => {
    const dataDir = useDataDir('baton-cli-review-');
    const repo = makeRepo(temp('baton-cli-repo-'));
    git(repo, 'config', 'user.name', 'Tester');
    git(repo, 'config', 'user.email', 'tester@example.com');
    const added = json<{ project: ProjectSummary; existed: boolean }>(await baton('project', 'add', repo, '--json'));
    expect(added).toMatchObject({ existed: false, project: { path: repo, baseBranch: 'main' } });
    // The agent's command is a project setting (set in the app); here through a brain of the test's own, closed again.
    const core = createCore({ dataDir, mode: 'browser', version: 'test' });
    await callerOf(core)('projects.update', { id: added.project.id, patch: { customCommand: scriptedCommand(temp('baton-cli-script-'), QUIET_SCRIPT) } });
    await core.close();

    expect((await baton('session', 'new', added.project.prefix, '--prompt', 'Add a feature', '--base', 'other')).code).toBe(1);
    const session = json<SessionSummary>(await baton('session', 'new', added.project.prefix, '--prompt', 'Add a feature', '--agent', 'custom', '--json'));
    expect(session).toMatchObject({ role: 'worker', harness: 'custom', projectId: added.project.id });
    const wt = session.worktreePath!;
    await waitUntil(() => existsSync(join(wt, 'README.md')), (x) => x, 10_000, 'the worktree');

    write(wt, 'feature.txt', 'feature\n');
    const d = json<DiffView>(await baton('diff', session.id.slice(0, 8), '--json'));
    expect(d.files).toMatchObject([{ path: 'feature.txt', status: 'added', additions: 1 }]);
    expect(d.files[0]!.patch).toContain('+feature');
    const stat = await baton('diff', session.branch!, '--stat');
    expect(stat.code).toBe(0);
    expect(stat.stdout).toMatch(/added\s+\+1\s+-0\s+feature\.txt/);
    expect(stat.stdout).not.toContain('+feature');

    const c = json<CommitView>(await baton('commit', session.id, '-m', 'Add feature', '--json'));
    expect(c).toMatchObject({ status: 'committed', files: ['feature.txt'] });
    const none = await baton('commit', session.id, '-m', 'again');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('Nothing to commit');

    write(repo, 'README.md', 'dirty\n');
    const refused = await baton('merge', session.id, '--json');
    expect(refused.code).toBe(1);
    expect(json<MergeView>(refused)).toMatchObject({ status: 'refused', reason: 'base_dirty', files: ['README.md'] });
    expect(refused.stderr).toContain('README.md');
    git(repo, 'checkout', '--', 'README.md');

    const m = json<MergeView>(await baton('merge', session.id, '--squash', '--json'));
    expect(m).toMatchObject({ status: 'merged', mode: 'squash', where: 'checkout' });
    expect(git(repo, 'log', '-1', '--format=%s').trim()).toBe('Add a feature');

    const bare = temp('baton-cli-bare-');
    git(bare, 'init', '-q', '--bare');
    git(repo, 'remote', 'add', 'origin', bare);
    const p = json<PrView>(await baton('pr', session.id, '--json'));
    expect(p).toMatchObject({ pushed: { remote: 'origin', branch: session.branch }, pr: { kind: 'none' } });

    const bad = await baton('merge', session.id, '--squash', '--rebase');
    expect(bad.code).toBe(2);
    expect((await baton('diff', 'no-such-session')).stderr).toContain('No session matches');

    // Archive: the squash-merged branch goes, the uncommitted draft is kept, the session leaves `sessions.list`.
    expect((await baton('archive', session.id, '--force')).code).toBe(2);
    write(wt, 'draft.txt', 'draft\n');
    const archived = json<ArchiveView>(await baton('archive', session.id.slice(0, 8), '--delete-branch', '--json'));
    expect(archived).toMatchObject({ sessionId: session.id, preserved: { ref: `refs/baton/preserved/${session.id}`, files: ['draft.txt'] }, branch: { name: session.branch, deleted: true } });
    expect(git(repo, 'branch', '--list', session.branch!).trim()).toBe('');
    expect(existsSync(wt)).toBe(false);
    const listed = json<SessionSummary[]>(await baton('session', 'list', '--json'));
    expect(listed.map((s) => s.id)).not.toContain(session.id);
    const shelf = json<SessionSummary[]>(await baton('session', 'list', '--archived', '--json'));
    expect(shelf).toMatchObject([{ id: session.id, archived: { at: archived.archivedAt, preservedRef: archived.preserved!.ref } }]);
    expect((await baton('session', 'list', '--archived')).stdout).toContain(archived.preserved!.ref);
    const again = await baton('archive', session.id);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Archived session');
  });
});
