import { describe, expect, it } from 'vitest';
import { createCore } from '../../../src/main/app/core';
import type { ProjectSummary } from '../../../src/shared/contracts/projects';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import type { TaskView } from '../../../src/shared/contracts/tasks';
import { callerOf, git, makeRepo } from '../../support/core-harness';
import { scriptedCommand, waitUntil } from '../../support/scripted';
import { baton, json } from './helpers';
import { cliTestDirs } from './cli-harness';

/** `baton session new` with its options, `baton session restart` and `baton task start`, headless over the real contract. */
let dataDir: string;
const temp = cliTestDirs(() => dataDir);

const SCRIPT = { default: { steps: [{ type: 'text', text: 'ok' }] } };

/** A brain of the test's own, closed again before each command: the commands run headless. */
async function withCore<T>(fn: (call: ReturnType<typeof callerOf>) => Promise<T>): Promise<T> {
  const core = createCore({ dataDir, mode: 'browser', version: 'test' });
  try {
    return await fn(callerOf(core));
  } finally {
    await core.close();
  }
}

async function withProject(): Promise<{ project: ProjectSummary; repo: string }> {
  const repo = makeRepo(temp('baton-cs-repo-'));
  git(repo, 'branch', 'dev');
  const project = await withCore(async (call) => {
    const { project } = await call<{ project: ProjectSummary }>('projects.add', { path: repo, name: 'Starts' });
    await call('projects.update', { id: project.id, patch: { workerAgent: 'custom', customCommand: scriptedCommand(temp('baton-cs-script-'), SCRIPT) } });
    return project;
  });
  return { project, repo };
}

const cli = (...args: string[]) => baton([...args, '--data-dir', dataDir]);
const sessionState = (id: string) => withCore(async (call) => (await call<SessionSummary>('sessions.get', { id })).state);

describe('baton session new / restart and task start', () => {
  it('session new takes --title, --branch and --base; a missing base is named', async () => {
    dataDir = temp('baton-cs-new-');
    await withProject();
    const made = await cli('session', 'new', 'starts', '--prompt', 'hello', '--title', 'Docs pass', '--branch', 'docs/pass', '--base', 'dev', '--json');
    expect(made.code, made.stderr).toBe(0);
    expect(json<SessionSummary>(made)).toMatchObject({ title: 'Docs pass', branch: 'docs/pass' });
    const missing = await cli('session', 'new', 'starts', '--prompt', 'hello', '--base', 'nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('The base branch "nope" does not exist');
  }, 90_000);

  it('session restart starts a stopped session again', async () => {
    dataDir = temp('baton-cs-restart-');
    const { project } = await withProject();
    const s = await withCore((call) => call<SessionSummary>('sessions.create', { projectId: project.id, prompt: 'first' }));
    await waitUntil(() => sessionState(s.id), (st) => st === 'idle', 30_000, 'idle');
    await withCore((call) => call('sessions.stop', { id: s.id }));
    await waitUntil(() => sessionState(s.id), (st) => st === 'stopped', 30_000, 'stopped');
    const r = await cli('session', 'restart', s.id.slice(0, 8), '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(json<SessionSummary>(r).id).toBe(s.id);
    await waitUntil(() => sessionState(s.id), (st) => st === 'idle', 30_000, 'idle after the restart');
    const again = await cli('session', 'restart', s.id);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('Only a stopped session can be restarted; this one is idle.');
  }, 120_000);

  it('task start starts a worker for the task', async () => {
    dataDir = temp('baton-cs-task-');
    const { project } = await withProject();
    const task = await withCore((call) => call<TaskView>('tasks.add', { projectId: project.id, title: 'Write the docs' }));
    const r = await cli('task', 'start', task.id.slice(0, 8), '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = json<{ task: TaskView; worker: SessionSummary }>(r);
    expect(out.task.run).toMatchObject({ status: 'running', workerSessionId: out.worker.id });
    expect(out.worker.title).toBe('Write the docs');
  }, 90_000);
});
