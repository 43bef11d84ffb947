// Review on a project on an SSH destination: not wired there yet, so it answers a clear error and never runs local git on a path of the other machine (terminals run there: terminals.test.ts).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JournalRecord } from '../../../src/shared/journal';
import { buildTranscript } from '../../../src/shared/transcript';
import { isPidAlive } from '../../../src/main/host/proc';
import { callerOf, createHarness, git, makeRepo, type Harness } from '../../support/core-harness';
import { scriptedCommand } from '../../support/scripted';
import { HOST_ALIAS } from '../../support/sshd';
import { useSshdForCores } from './helpers';
import { waitUntil } from '../../support/wait';

const world = useSshdForCores();
let h: Harness;
beforeEach(() => {
  h = createHarness();
});
afterEach(async () => {
  await h.cleanup();
  for (const pid of remotePids) if (isPidAlive(pid)) process.kill(pid, 'SIGKILL');
  remotePids.clear();
});

const remotePids = new Set<number>();
const hostPid = (id: string) => (JSON.parse(readFileSync(join(world.sshd.remoteHome, '.baton-remote', 'data', 'sessions', id, 'host.json'), 'utf8')) as { pid: number }).pid;
const notYet = (r: unknown) => expect(r).toMatchObject({ ok: false, error: { code: 'remote_project', message: expect.stringMatching(/^Not yet on SSH projects: .*lives on devbox\. .*ssh devbox/) } });

describe('review on an SSH project', { timeout: 120_000 }, () => {
  it('answer "not yet on SSH projects" with what to do instead, and leave the remote worktree and branches untouched', async () => {
    const dir = `${world.sshd.remoteHome}/repo-${Math.random().toString(36).slice(2, 8)}`;
    mkdirSync(dir);
    const repo = makeRepo(dir);
    git(repo, 'switch', '-q', '-c', 'trunk');
    const { project } = await h.must('projects.add', { path: `ssh://${HOST_ALIAS}${repo}` });
    const command = scriptedCommand(h.tempDir(), { store: h.tempDir('agent-store-'), prompts: [{ match: 'go', steps: [{ type: 'text', text: 'done' }] }] });
    await h.must('projects.update', { id: project.id, patch: { workerAgent: 'custom', customCommand: command } });
    const s = await h.must('sessions.create', { projectId: project.id, prompt: 'go' });
    await waitUntil(async () => (await callerOf(h.core)<{ records: JournalRecord[] }>('sessions.records', { id: s.id, afterSeq: 0, limit: 1000 })).records, (rs) => !buildTranscript(rs).turnOpen && rs.length > 3, 30_000, 'the turn to end');
    remotePids.add(hostPid(s.id));
    // Work in the remote worktree (the remote is this machine, so local git would find it: it must not be asked).
    const wt = s.worktreePath as string;
    writeFileSync(join(wt, 'change.txt'), 'made on the remote\n');
    const heads = () => [git(repo, 'rev-parse', 'trunk'), git(repo, 'rev-parse', s.branch as string), git(wt, 'status', '--porcelain')];
    const before = heads();

    notYet(await h.call('review.diff', { sessionId: s.id }));
    notYet(await h.call('review.commit', { sessionId: s.id, message: 'from Baton' }));
    notYet(await h.call('review.merge', { sessionId: s.id }));
    notYet(await h.call('review.resolveConflicts', { sessionId: s.id }));
    notYet(await h.call('review.pr', { sessionId: s.id }));
    notYet(await h.call('review.archive', { sessionId: s.id }));
    notYet(await h.call('review.file', { sessionId: s.id, from: 'a'.repeat(40), path: 'change.txt' }));
    notYet(await h.call('review.diff', { sessionId: s.id, preservedRef: 'refs/baton/preserved/x' }));
    const other = await h.must('worktrees.create', { projectId: project.id, name: 'side' });
    notYet(await h.call('review.worktreeDiff', { worktreeId: other.id }));
    // The card's counts carry the same words instead of numbers from the wrong machine; the stored facts still answer.
    const stat = await h.must('review.stat', { sessionId: s.id, refresh: true });
    expect(stat.error).toMatch(/^Not yet on SSH projects/);
    expect(await h.must('review.status', { sessionId: s.id })).toMatchObject({ sessionId: s.id, branch: s.branch, base: 'trunk', facts: { merged: null, lastTurn: null } });
    expect(heads()).toEqual(before);

  });
});
