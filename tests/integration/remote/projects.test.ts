import { mkdirSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../../src/cli/index';
import type { ProjectSummary } from '../../../src/shared/contracts/projects';
import { createHarness, git, makeRepo, type Harness } from '../../support/core-harness';
import { HOST_ALIAS } from '../../support/sshd';
import { useSshdForCores } from './helpers';
import { waitUntil } from '../../support/wait';

const world = useSshdForCores();
let h: Harness;
beforeEach(() => {
  h = createHarness();
});
afterEach(() => h.cleanup());

/** A repository on the "remote": the fixture's remote home, reached only through ssh by Baton. */
const remoteRepo = (name: string) => {
  const dir = `${world.sshd.remoteHome}/${name}-${Math.random().toString(36).slice(2, 8)}`;
  mkdirSync(dir);
  const repo = makeRepo(dir);
  git(repo, 'switch', '-q', '-c', 'trunk');
  return repo;
};

describe('projects on an SSH destination', () => {
  it('`baton project add ssh://devbox/path` inspects the repository with git over ssh and records where it lives', async () => {
    const repo = remoteRepo('svc');
    let stdout = '';
    const code = await run(['project', 'add', `ssh://${HOST_ALIAS}${repo}/`, '--json', '--data-dir', h.dataDir], { stdout: (t) => (stdout += t), stderr: () => undefined });
    expect(code).toBe(0);
    const added = JSON.parse(stdout) as { project: ProjectSummary; existed: boolean };
    expect(added.existed).toBe(false);
    expect(added.project).toMatchObject({ path: repo, host: { kind: 'ssh', destination: HOST_ALIAS }, baseBranch: 'trunk', name: repo.split('/').at(-1) });

    // The same repository again, from a subfolder: git on the remote finds its top level, and it is the same project.
    const again = await h.must('projects.add', { path: `ssh://${HOST_ALIAS}${repo}` });
    expect(again.existed).toBe(true);
    const list = await h.must('projects.list', {});
    expect(list.find((p) => p.id === added.project.id)?.host).toEqual({ kind: 'ssh', destination: HOST_ALIAS });
    expect(await h.must('projects.inspect', { path: `ssh://${HOST_ALIAS}${repo}` })).toMatchObject({ topLevel: repo, currentBranch: 'trunk', existingProjectId: added.project.id });

    // `baton status` says where it lives; the link is idle until something there is used.
    let status = '';
    expect(await run(['status', '--data-dir', h.dataDir], { stdout: (t) => (status += t), stderr: () => undefined })).toBe(0);
    expect(status).toContain(`ssh://${HOST_ALIAS}${repo}`);
    expect(status).toMatch(/Host\s+on devbox/);

    // A local project keeps host local.
    const local = await h.must('projects.add', { path: makeRepo(h.tempDir()) });
    expect(local.project.host).toEqual({ kind: 'local' });
  });

  it('a local repository and one on the destination at the same path are two projects, each found again by its own location', async () => {
    // The remote is this machine: one directory, reached as a local path and as devbox:<the same path>.
    const repo = remoteRepo('both');
    const local = await h.must('projects.add', { path: repo });
    const remote = await h.must('projects.add', { path: `ssh://${HOST_ALIAS}${repo}` });
    expect(local.existed).toBe(false);
    expect(remote.existed).toBe(false);
    expect(remote.project.id).not.toBe(local.project.id);
    expect(local.project).toMatchObject({ path: repo, host: { kind: 'local' } });
    expect(remote.project).toMatchObject({ path: repo, host: { kind: 'ssh', destination: HOST_ALIAS } });
    expect(remote.project.prefix).not.toBe(local.project.prefix);

    // Adding either again finds that one, not the other; inspect names the project at that location.
    expect(await h.must('projects.add', { path: repo })).toMatchObject({ existed: true, project: { id: local.project.id } });
    expect(await h.must('projects.add', { path: `ssh://${HOST_ALIAS}${repo}` })).toMatchObject({ existed: true, project: { id: remote.project.id } });
    expect(await h.must('projects.inspect', { path: repo })).toMatchObject({ existingProjectId: local.project.id });
    expect(await h.must('projects.inspect', { path: `ssh://${HOST_ALIAS}${repo}` })).toMatchObject({ existingProjectId: remote.project.id });
    const atPath = (await h.must('projects.list', {})).filter((p) => p.path === repo);
    expect(atPath.map((p) => p.host.kind).sort()).toEqual(['local', 'ssh']);

    // Removing one leaves the other.
    await h.must('projects.remove', { id: local.project.id });
    expect((await h.must('projects.list', {})).filter((p) => p.path === repo).map((p) => p.id)).toEqual([remote.project.id]);
  });

  it('the list carries the live link state: Connected, Disconnected (host unreachable) with the reason, Connected again', async () => {
    const { project } = await h.must('projects.add', { path: `ssh://${HOST_ALIAS}${remoteRepo('live')}` });
    expect(project.hostLink).toEqual({ state: 'connected', reason: null });
    const stateNow = async () => (await h.must('projects.list', {})).find((p) => p.id === project.id)?.hostLink;
    const changesBefore = h.events.filter((e) => e.name === 'projects.changed').length;
    await world.sshd.down();
    await waitUntil(stateNow, (l) => l?.state === 'disconnected', 15_000, 'the list to show disconnected');
    expect((await stateNow())?.reason).toEqual(expect.any(String));
    // The board learns it by event, not by polling.
    expect(h.events.filter((e) => e.name === 'projects.changed').length).toBeGreaterThan(changesBefore);
    await world.sshd.up();
    await waitUntil(stateNow, (l) => l?.state === 'connected', 20_000, 'the list to show connected again');
  });

  it('Baton restarted while the link is down: the board shows Disconnected within 1 s, and Connected when the link returns', async () => {
    const { project } = await h.must('projects.add', { path: `ssh://${HOST_ALIAS}${remoteRepo('restart')}` });
    await h.core.close();
    await world.sshd.down();
    const { core, call } = h.reopen();
    const started = Date.now();
    void core.recover();
    const stateNow = async () => (await call<ProjectSummary[]>('projects.list', {})).find((p) => p.id === project.id)?.hostLink;
    // Recovery dials every destination in the background; a refused link is known at once, and nothing waited on it.
    await waitUntil(stateNow, (l) => l?.state === 'disconnected', 1000, 'Disconnected within 1 s of the restart', 20);
    expect(Date.now() - started).toBeLessThan(1000);
    await world.sshd.up();
    await waitUntil(stateNow, (l) => l?.state === 'connected', 20_000, 'Connected once the link is back');
  });

  it('says what is wrong with a remote location, and with an agent command the remote does not have', async () => {
    expect(await h.call('projects.add', { path: `ssh://${HOST_ALIAS}${world.sshd.remoteHome}/not-a-repo` })).toMatchObject({ ok: false, error: { code: 'not_a_repository' } });
    expect(await h.call('projects.add', { path: `ssh://${HOST_ALIAS}` })).toMatchObject({ ok: false, error: { code: 'invalid_location' } });
    expect(await h.call('projects.add', { path: 'ssh://-oProxyCommand=x/srv/repo' })).toMatchObject({ ok: false, error: { code: 'invalid_location' } });
    const unreachable = await h.call('projects.add', { path: 'ssh://nowhere.invalid/srv/repo' });
    expect(unreachable).toMatchObject({ ok: false, error: { code: 'unreachable' } });
    if (!unreachable.ok) expect(unreachable.error.message).toMatch(/ssh nowhere\.invalid true/);

    const { project } = await h.must('projects.add', { path: `ssh://${HOST_ALIAS}${remoteRepo('app')}` });
    // The command is the remote's: taken as configured (not looked up on this machine), checked there at launch.
    await h.must('projects.update', { id: project.id, patch: { customCommand: 'no-such-agent-on-devbox --acp' } });
    const s = await h.must('sessions.create', { projectId: project.id, prompt: 'hello', harness: 'custom' });
    const failed = await waitUntil(() => h.must('sessions.get', { id: s.id }), (x) => x.state === 'failed', 30_000, 'the start to fail');
    expect(failed.stateDetail).toMatch(/"no-such-agent-on-devbox" is not found on devbox/);
  });
});
