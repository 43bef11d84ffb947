// Review on a project on an SSH destination: every git it needs runs there through remote.js (a `review <op>` helper call), never local git on a path of the other machine.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReviewStat } from '../../../src/shared/contracts/review';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import type { HelperCall } from '../../../src/main/runtime/ssh/host-port';
import { isPidAlive } from '../../../src/main/host/proc';
import { createHarness, git, makeRepo, stopAllSessions, type Caller, type Harness } from '../../support/core-harness';
import { scriptedCommand } from '../../support/scripted';
import { HOST_ALIAS } from '../../support/sshd';
import { useSshdForCores } from './helpers';
import { readyForPrompt, waitUntil } from '../../support/wait';

const world = useSshdForCores();
let h: Harness;
/** The core under test, made with a helper-call listener: each review git call there is seen as a `review <op>` call. */
let call: Caller;
let calls: HelperCall[];
let stats: ReviewStat[];
beforeEach(async () => {
  h = createHarness();
  await h.core.close();
  calls = [];
  stats = [];
  const c = h.reopen({ onHelperCall: (x) => calls.push(x) });
  c.core.hub.listen((name, payload) => {
    if (name === 'review.statChanged') stats.push((payload as { stat: ReviewStat }).stat);
  });
  call = c.call;
});
afterEach(async () => {
  await stopAllSessions(call);
  await h.cleanup();
  for (const pid of remotePids) if (isPidAlive(pid)) process.kill(pid, 'SIGKILL');
  remotePids.clear();
});

const remotePids = new Set<number>();
const hostPid = (id: string) => (JSON.parse(readFileSync(join(world.sshd.remoteHome, '.baton-remote', 'data', 'sessions', id, 'host.json'), 'utf8')) as { pid: number }).pid;
/** The destination is this machine: no gh in the usual places or on PATH means none there either. */
const ghHere = ['/usr/bin', '/usr/local/bin', '/bin', ...(process.env.PATH ?? '').split(':')].some((d) => d && existsSync(join(d, 'gh')));
const reviewCalls = (op: string) => calls.filter((c) => c.verb === `review ${op}`).length;

/** Each turn writes one more file in the worktree, through a real child process of the agent on the destination. */
const EDITING = {
  default: {
    steps: [
      { type: 'spawn_tool', id: 'write-{turn}', title: 'write a file', command: 'sh', args: ['-c', 'printf "one\\ntwo\\n" > turn-{turn}.txt'], wait: true },
      { type: 'text', text: 'wrote turn-{turn}.txt' },
    ],
  },
};

/** A repository in the destination's home (base branch `trunk`), a project on it, and an idle worker whose first turn ended. */
async function remoteSession(script: unknown, files?: Record<string, string>) {
  const dir = `${world.sshd.remoteHome}/repo-${Math.random().toString(36).slice(2, 8)}`;
  mkdirSync(dir);
  const repo = makeRepo(dir, files);
  git(repo, 'switch', '-q', '-c', 'trunk');
  git(repo, 'config', 'user.name', 'Tester');
  git(repo, 'config', 'user.email', 'tester@example.com');
  const { project } = await call<{ project: { id: string } }>('projects.add', { path: `ssh://${HOST_ALIAS}${repo}` });
  const command = scriptedCommand(h.tempDir(), { store: h.tempDir('agent-store-'), ...(script as object) });
  await call('projects.update', { id: project.id, patch: { workerAgent: 'custom', customCommand: command } });
  const created = await call<SessionSummary>('sessions.create', { projectId: project.id, prompt: 'go', title: 'Remote work' });
  const s = await waitUntil(() => call<SessionSummary>('sessions.get', { id: created.id }), (x) => readyForPrompt(x), 30_000, 'the first turn to end');
  remotePids.add(hostPid(s.id));
  return { project, s, repo, wt: s.worktreePath as string, branch: s.branch as string };
}

describe('review on an SSH project runs its git on the destination', { timeout: 180_000 }, () => {
  it("the agent's edit is counted on the card, shown in the diff, committed and merged into the remote's base branch", async () => {
    const { s, repo, wt, branch } = await remoteSession(EDITING);

    // The card: counted by git there (the first turn wrote turn-0.txt), and again when the next turn ends.
    expect(await call<ReviewStat>('review.stat', { sessionId: s.id })).toMatchObject({ files: 1, additions: 2, deletions: 0, error: null });
    expect(reviewCalls('diffLive')).toBeGreaterThanOrEqual(1);
    await call('sessions.prompt', { id: s.id, text: 'more', idempotencyKey: 'remote-review-more' });
    const moved = await waitUntil(() => stats.filter((x) => x.sessionId === s.id), (xs) => xs.some((x) => x.files === 2), 30_000, 'a statChanged after the second turn');
    expect(moved.at(-1)).toMatchObject({ files: 2, additions: 4, error: null });

    // The diff and a file's two sides.
    const d = await call<{ files: { path: string; status: string; patch: string | null }[]; from: string; base: string; branch: string }>('review.diff', { sessionId: s.id, scope: 'all' });
    expect(d).toMatchObject({ base: 'trunk', branch });
    expect(d.files.map((f) => [f.path, f.status])).toEqual([['turn-0.txt', 'added'], ['turn-1.txt', 'added']]);
    expect(d.files[1]?.patch).toContain('+two');
    expect(await call('review.file', { sessionId: s.id, from: d.from, path: 'turn-1.txt' })).toEqual({ path: 'turn-1.txt', old: null, new: 'one\ntwo\n' });
    // The turn snapshot was taken there: since the last turn, nothing moved.
    await waitUntil(() => call<{ facts: { lastTurn: unknown } }>('review.status', { sessionId: s.id }), (x) => x.facts.lastTurn !== null, 30_000, 'the turn snapshot on the remote');
    git(repo, 'rev-parse', '--verify', `refs/baton/turns/${s.id}`);
    expect((await call<{ files: unknown[] }>('review.diff', { sessionId: s.id, scope: 'since_turn' })).files).toEqual([]);

    // Commit in the remote worktree, then merge into trunk, where the user's checkout of the repository is.
    const c = await call<{ status: string; commit: string; files: string[] }>('review.commit', { sessionId: s.id, message: 'Agent work' });
    expect(c).toMatchObject({ status: 'committed', files: ['turn-0.txt', 'turn-1.txt'] });
    expect(git(wt, 'log', '-1', '--format=%s %an').trim()).toBe('Agent work Tester');
    expect(git(wt, 'status', '--porcelain')).toBe('');
    const before = git(repo, 'rev-parse', 'trunk').trim();
    const m = await call<{ status: string; commit: string; where: string; previous: string }>('review.merge', { sessionId: s.id, mode: 'merge' });
    expect(m).toMatchObject({ status: 'merged', where: 'checkout', previous: before });
    expect(git(repo, 'rev-parse', 'trunk').trim()).toBe(m.commit);
    expect(git(repo, 'log', '-1', '--format=%P', 'trunk').trim().split(' ')).toEqual([before, c.commit]);
    expect(readFileSync(join(repo, 'turn-1.txt'), 'utf8')).toBe('one\ntwo\n');
    expect(await call('review.status', { sessionId: s.id })).toMatchObject({ facts: { merged: { commit: m.commit, mode: 'merge', base: 'trunk' } } });
    const merged = await waitUntil(() => stats.filter((x) => x.sessionId === s.id), (xs) => xs.some((x) => x.merged !== null), 30_000, 'the card to learn of the merge');
    expect(merged.at(-1)?.merged).toMatchObject({ commit: m.commit, base: 'trunk' });
    for (const op of ['commit', 'merge', 'snapshot', 'fileContents', 'revParse']) expect(reviewCalls(op), op).toBeGreaterThanOrEqual(1);
  });

  it('a conflicting merge names the files and changes nothing; the rebase for the agent, push, preserved work and archive run there too', async () => {
    const { s, repo, wt, branch } = await remoteSession({ default: { steps: [{ type: 'text', text: 'ok' }] } }, { 'README.md': '# demo\n', 'a.txt': 'base\n' });
    writeFileSync(join(wt, 'a.txt'), 'session\n');
    await call('review.commit', { sessionId: s.id, message: 'session edit' });
    writeFileSync(join(repo, 'a.txt'), 'trunk\n');
    git(repo, 'commit', '-qam', 'trunk edit');
    const heads = () => [git(repo, 'rev-parse', 'trunk'), git(repo, 'rev-parse', branch), git(repo, 'status', '--porcelain'), git(wt, 'status', '--porcelain')];
    const before = heads();
    expect(await call('review.merge', { sessionId: s.id, mode: 'merge' })).toEqual({ status: 'conflict', files: ['a.txt'] });
    expect(heads()).toEqual(before);
    // "Ask the agent to resolve": the rebase runs in the remote worktree and is left there for the agent, stopped at the file.
    expect(await call('review.resolveConflicts', { sessionId: s.id })).toMatchObject({ status: 'asked', files: ['a.txt'] });
    expect(git(wt, 'status')).toMatch(/rebase in progress/);
    await waitUntil(() => call<SessionSummary>('sessions.get', { id: s.id }), (x) => readyForPrompt(x), 30_000, 'the asked turn to end');
    // This agent only answers: the person undoes the rebase, and the branch is as it was.
    git(wt, 'rebase', '--abort');
    expect(heads()).toEqual(before);

    // Push to the repository's remote there (not GitHub, so no pull request: said so).
    const bare = `${world.sshd.remoteHome}/origin-${Math.random().toString(36).slice(2, 8)}.git`;
    git(world.sshd.remoteHome, 'init', '-q', '--bare', bare);
    git(repo, 'remote', 'add', 'origin', bare);
    const pr = await call<{ pushed: { remote: string; branch: string }; pr: { kind: string; message?: string } }>('review.pr', { sessionId: s.id });
    expect(pr).toMatchObject({ pushed: { remote: 'origin', branch }, pr: { kind: 'none' } });
    expect(git(bare, 'rev-parse', branch).trim()).toBe(git(repo, 'rev-parse', branch).trim());

    // Archive: uncommitted work is preserved there, the worktree released there, the unmerged branch deleted when forced.
    writeFileSync(join(wt, 'wip.txt'), 'unfinished\n');
    const unmerged = await call('review.archive', { sessionId: s.id, deleteBranch: true, force: false }).catch((e: Error) => e.message);
    expect(unmerged).toMatch(/branch_unmerged: Branch .* has 1 commit not merged into trunk; nothing was done/);
    const a = await call<{ preserved: { ref: string; files: string[] } | null; branch: { deleted: boolean } | null }>('review.archive', { sessionId: s.id, deleteBranch: true, force: true });
    expect(a.preserved).toMatchObject({ ref: `refs/baton/preserved/${s.id}`, files: ['wip.txt'] });
    expect(a.branch).toMatchObject({ name: branch, deleted: true });
    expect(git(repo, 'branch', '--list', branch).trim()).toBe('');
    expect(git(repo, 'worktree', 'list', '--porcelain')).not.toContain(wt);
    // "Open previous work": the preserved snapshot's diff, read there.
    const prev = await call<{ files: { path: string }[]; branch: string }>('review.diff', { sessionId: s.id, scope: 'uncommitted', preservedRef: `refs/baton/preserved/${s.id}` });
    expect(prev).toMatchObject({ branch, files: [{ path: 'wip.txt' }] });
    for (const op of ['rebaseOnto', 'push', 'openPullRequest', 'branchLanding', 'deleteBranch', 'preservedOf', 'diffPreserved']) expect(reviewCalls(op), op).toBeGreaterThanOrEqual(1);
  });

  it('a worktree no session holds is reviewed there', async () => {
    const dir = `${world.sshd.remoteHome}/repo-${Math.random().toString(36).slice(2, 8)}`;
    mkdirSync(dir);
    const repo = makeRepo(dir);
    git(repo, 'switch', '-q', '-c', 'trunk');
    const { project } = await call<{ project: { id: string } }>('projects.add', { path: `ssh://${HOST_ALIAS}${repo}` });
    const w = await call<{ id: string; path: string }>('worktrees.create', { projectId: project.id, name: 'side' });
    writeFileSync(join(w.path, 'side.txt'), 'x\n');
    const d = await call<{ files: { path: string }[]; additions: number }>('review.worktreeDiff', { worktreeId: w.id, scope: 'all' });
    expect(d).toMatchObject({ files: [{ path: 'side.txt' }], additions: 1 });
    expect(reviewCalls('diffLive')).toBe(1);
  });

  // gh runs where the repository is; on a machine that has gh (and may be logged in) this would ask GitHub for real.
  it.skipIf(ghHere)('a pull request for a GitHub remote, on a destination without gh, pushes and says to install gh there', async () => {
    const { s, repo, wt, branch } = await remoteSession({ default: { steps: [{ type: 'text', text: 'ok' }] } });
    const bare = `${world.sshd.remoteHome}/origin-${Math.random().toString(36).slice(2, 8)}.git`;
    git(world.sshd.remoteHome, 'init', '-q', '--bare', bare);
    git(repo, 'remote', 'add', 'origin', 'git@github.com:acme/widget.git');
    git(repo, 'config', 'remote.origin.pushurl', bare);
    writeFileSync(join(wt, 'widget.txt'), 'w\n');
    await call('review.commit', { sessionId: s.id, message: 'widget' });
    const r = await call<{ pr: { kind: string; url: string; why: string } }>('review.pr', { sessionId: s.id });
    expect(r.pr).toMatchObject({ kind: 'compare', url: `https://github.com/acme/widget/compare/trunk...${branch.split('/').map(encodeURIComponent).join('/')}` });
    expect(r.pr.why).toMatch(/^gh \(GitHub CLI\) is not installed on devbox, where the repository is/);
    expect(git(bare, 'rev-parse', branch).trim()).toBe(git(wt, 'rev-parse', 'HEAD').trim());
  });
});
