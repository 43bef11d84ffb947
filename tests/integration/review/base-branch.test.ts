// `baton session new --base`: the worktree starts from that branch, and its diff, merge and worktree row follow it end to end.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCore } from '../../../src/main/app/core';
import type { ProjectSummary } from '../../../src/shared/contracts/projects';
import type { CommitView, DiffView, MergeView } from '../../../src/shared/contracts/review';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import type { WorktreePanel } from '../../../src/shared/contracts/worktrees';
import { callerOf, makeRepo } from '../../support/core-harness';
import { scriptedCommand, waitUntil } from '../../support/scripted';
import { inProcessCli } from '../control/cli-harness';
import { json } from '../control/helpers';
import { git, QUIET_SCRIPT, write } from './helpers';

const { temp, useDataDir, baton } = inProcessCli();

describe('baton session new --base', () => {
  it('starts the worktree from the other branch; diff, status, worktree row and merge all use that branch, main untouched', { timeout: 120_000 }, async () => {
    const dataDir = useDataDir('baton-cli-base-');
    const repo = makeRepo(temp('baton-cli-base-repo-'));
    git(repo, 'config', 'user.name', 'Tester');
    git(repo, 'config', 'user.email', 'tester@example.com');
    // A second branch one commit ahead of main, not checked out anywhere.
    git(repo, 'checkout', '-q', '-b', 'release');
    write(repo, 'release.txt', 'release only\n');
    git(repo, 'add', 'release.txt');
    git(repo, 'commit', '-q', '-m', 'Release prep');
    git(repo, 'checkout', '-q', 'main');
    const mainHead = git(repo, 'rev-parse', 'main').trim();

    const added = json<{ project: ProjectSummary }>(await baton('project', 'add', repo, '--json'));
    const core = createCore({ dataDir, mode: 'browser', version: 'test' });
    await callerOf(core)('projects.update', { id: added.project.id, patch: { customCommand: scriptedCommand(temp('baton-cli-base-script-'), QUIET_SCRIPT) } });
    await core.close();

    const missing = await baton('session', 'new', added.project.prefix, '--prompt', 'x', '--agent', 'custom', '--base', 'no-such-branch');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('"no-such-branch" does not exist');

    const started = await baton('session', 'new', added.project.prefix, '--prompt', 'Fix the release', '--agent', 'custom', '--base', 'release');
    expect(started.code).toBe(0);
    expect(started.stdout).toContain('from release');
    const session = json<SessionSummary[]>(await baton('session', 'list', '--json')).find((s) => s.title === 'Fix the release')!;
    const wt = session.worktreePath!;
    await waitUntil(() => existsSync(join(wt, 'README.md')), (x) => x, 10_000, 'the worktree');
    // Made from release: its commit is there.
    expect(readFileSync(join(wt, 'release.txt'), 'utf8')).toBe('release only\n');
    expect(git(wt, 'merge-base', 'HEAD', 'release').trim()).toBe(git(repo, 'rev-parse', 'release').trim());

    write(wt, 'fix.txt', 'fix\n');
    const d = json<DiffView>(await baton('diff', session.id, '--json'));
    // Against release, the worktree's own change only (against main, release.txt would be listed too).
    expect(d.base).toBe('release');
    expect(d.from).toBe(git(repo, 'rev-parse', 'release').trim());
    expect(d.files.map((f) => f.path)).toEqual(['fix.txt']);

    const again = createCore({ dataDir, mode: 'browser', version: 'test' });
    const panel = await callerOf(again)<WorktreePanel>('worktrees.list', { projectId: added.project.id });
    await again.close();
    expect(panel.worktrees.find((w) => w.path === wt)?.baseBranch).toBe('release');

    expect(json<CommitView>(await baton('commit', session.id, '-m', 'Fix', '--json'))).toMatchObject({ status: 'committed' });
    const m = json<MergeView>(await baton('merge', session.id, '--json'));
    expect(m).toMatchObject({ status: 'merged', mode: 'merge', where: 'ref' });
    // Landed on release, not on main.
    expect(git(repo, 'show', 'release:fix.txt')).toBe('fix\n');
    expect(git(repo, 'rev-parse', 'main').trim()).toBe(mainHead);
  });
});
