// Terminals on a project on an SSH destination: not wired there yet, so they answer a clear error and never start a local shell on a path of the other machine.
import { mkdirSync, readFileSync } from 'node:fs';
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

describe('terminals on an SSH project', { timeout: 120_000 }, () => {
  it('answer "not yet on SSH projects" with what to do instead, before any shell starts here', async () => {
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
    const other = await h.must('worktrees.create', { projectId: project.id, name: 'side' });
    for (const where of [{ projectId: project.id }, { sessionId: s.id }, { worktreeId: other.id }]) notYet(await h.call('terminals.open', where));
    expect(await h.must('terminals.list', { projectId: project.id })).toEqual([]);
  });
});
