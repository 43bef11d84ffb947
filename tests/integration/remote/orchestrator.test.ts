// The orchestrator on a project on an SSH destination: its Baton tools cannot reach the remote yet, so start and replace refuse up front, start nothing, and say what to do instead.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, git, makeRepo, type Harness } from '../../support/core-harness';
import { scriptedCommand } from '../../support/scripted';
import { HOST_ALIAS } from '../../support/sshd';
import { useSshdForCores } from './helpers';

const world = useSshdForCores();
let h: Harness;
beforeEach(() => {
  h = createHarness();
});
afterEach(async () => {
  await h.cleanup();
});

const refused = (r: unknown) =>
  expect(r).toMatchObject({
    ok: false,
    error: { code: 'remote_project', message: expect.stringMatching(/^Not yet on SSH projects: the orchestrator's Baton tools .*lives on devbox\. Run the orchestrator on a local clone of the repository.*workers can still run on devbox/) },
  });

describe('the orchestrator of an SSH project', { timeout: 120_000 }, () => {
  it('is refused at start and replace with what to do instead, and nothing is started here or on the remote', async () => {
    const dir = `${world.sshd.remoteHome}/repo-${Math.random().toString(36).slice(2, 8)}`;
    mkdirSync(dir);
    const repo = makeRepo(dir);
    git(repo, 'switch', '-q', '-c', 'trunk');
    const { project } = await h.must('projects.add', { path: `ssh://${HOST_ALIAS}${repo}` });
    // An agent that would start fine: the refusal is about where the project lives, not about the agent.
    const command = scriptedCommand(h.tempDir(), { store: h.tempDir('agent-store-'), prompts: [{ match: 'go', steps: [{ type: 'text', text: 'done' }] }] });
    await h.must('projects.update', { id: project.id, patch: { orchestratorAgent: 'custom', customCommand: command } });

    // The card learns it before anyone clicks.
    const status = await h.must('orchestrator.status', { projectId: project.id });
    expect(status.current).toBeNull();
    expect(status.startRefusal?.code).toBe('remote_project');
    refused({ ok: false, error: status.startRefusal });

    refused(await h.call('orchestrator.start', { projectId: project.id }));
    refused(await h.call('orchestrator.replace', { projectId: project.id }));

    // Nothing began: no session, no replacement saga, no worktree or host on the remote.
    expect(await h.must('sessions.list', { projectId: project.id })).toEqual([]);
    expect((await h.must('orchestrator.status', { projectId: project.id })).replacement).toBeNull();
    expect(git(repo, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
    const remoteSessions = join(world.sshd.remoteHome, '.baton-remote', 'data', 'sessions');
    expect(existsSync(remoteSessions) ? readdirSync(remoteSessions) : []).toEqual([]);
  });

  it('a local project is not refused: its status carries no refusal', async () => {
    const repo = makeRepo(h.tempDir('local-repo-'));
    const { project } = await h.must('projects.add', { path: repo });
    expect((await h.must('orchestrator.status', { projectId: project.id })).startRefusal).toBeNull();
  });
});
