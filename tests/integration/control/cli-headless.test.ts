import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StatusReport } from '../../../src/cli/commands';
import { createCore } from '../../../src/main/app/core';
import type { ReplacementView } from '../../../src/shared/contracts/orchestrator';
import type { ProjectSummary } from '../../../src/shared/contracts/projects';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import type { TaskView } from '../../../src/shared/contracts/tasks';
import { callerOf, makeRepo } from '../../support/core-harness';
import { scriptedCommand } from '../../support/scripted';
import { ORCHESTRATOR_SCRIPT } from '../orchestrator/helpers';
import { BIN, baton, json } from './helpers';
import { cliTestDirs } from './cli-harness';

let dataDir: string;
const temp = cliTestDirs(() => dataDir);

/** Sets a project up through a brain of the test's own, closed again before the command runs: no app is running. */
async function withProject(name: string, customCommand?: string): Promise<ProjectSummary> {
  const core = createCore({ dataDir, mode: 'browser', version: 'test' });
  try {
    const call = callerOf(core);
    const { project } = await call<{ project: ProjectSummary }>('projects.add', { path: makeRepo(temp('baton-hl-repo-')), name });
    await call('projects.update', { id: project.id, patch: { orchestratorAgent: 'custom', customCommand: customCommand ?? scriptedCommand(temp('baton-hl-script-'), ORCHESTRATOR_SCRIPT) } });
    return project;
  } finally {
    await core.close();
  }
}

async function setCommand(projectId: string, customCommand: string): Promise<void> {
  const core = createCore({ dataDir, mode: 'browser', version: 'test' });
  try {
    await callerOf(core)('projects.update', { id: projectId, patch: { customCommand } });
  } finally {
    await core.close();
  }
}

const cli = (...args: string[]) => baton([...args, '--data-dir', dataDir]);
const NOTICE = /^baton: Baton is not running; opening .+ here for this command \(agents keep running afterwards\)\.$/m;

describe('baton with no app running (headless, in process)', () => {
  it('status says so on stderr; --json stays clean JSON with kind "headless"', async () => {
    dataDir = temp('baton-hl-');
    const r = await cli('status');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(NOTICE);
    expect(r.stdout).toContain('(not running; read headless from the data dir)');
    expect(r.stdout).toContain('No projects yet');
    const report = json<StatusReport>(await cli('status', '--json'));
    expect(report.connection).toMatchObject({ kind: 'headless', version: '0.1.0' });
    expect(report.app).toMatchObject({ dataDir, store: { state: 'ready' } });
    expect(report.projects).toEqual([]);
    // Nothing stays listening after a headless command.
    expect(existsSync(join(dataDir, 'control.sock'))).toBe(false);
  });

  it('finds the data dir through BATON_HOME when there is no --data-dir', async () => {
    dataDir = temp('baton-hl-home-');
    await withProject('Home Project');
    const r = await baton(['session', 'list', 'home', '--json'], { env: { BATON_HOME: dataDir } });
    expect(r.code, r.stderr).toBe(0);
    expect(json<SessionSummary[]>(r)).toEqual([]);
    expect(r.stderr).toContain(dataDir);
  });

  it('a store that cannot open: status still shows the app and the reason, and exits 1', async () => {
    dataDir = temp('baton-hl-corrupt-');
    writeFileSync(join(dataDir, 'baton.db'), 'garbage');
    const r = await cli('status');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Store\s+corrupt: /);
    expect(r.stderr).toContain('baton: Cannot list projects:');
    dataDir = ''; // nothing to stop
  });

  it('a missing data dir is an error, not a new empty one', async () => {
    dataDir = '';
    const missing = join(temp('baton-hl-missing-'), 'nope');
    const r = await baton(['status', '--data-dir', missing]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`There is no Baton data directory at ${missing}`);
    expect(existsSync(missing)).toBe(false);
  });

  it('orchestrator replace runs the saga here to the end; the agents it starts keep running after the command', async () => {
    dataDir = temp('baton-hl-orch-');
    const p = await withProject('Headless Demo');
    const first = await cli('orchestrator', 'replace', 'headless demo');
    expect(first.code, first.stderr).toBe(0);
    // No orchestrator yet: the saga only starts one, and the output does not pretend to stop anything.
    expect(first.stdout).toMatch(/^Starting the orchestrator of Headless Demo \(replacement [0-9a-f]{8}\)\n/);
    expect(first.stdout).not.toContain('Stopping the old orchestrator');
    expect(first.stdout).toMatch(/Done: the new orchestrator is [0-9a-f]{8} on baton\/headless-demo-orchestrator\./);

    const second = await cli('orchestrator', 'replace', p.prefix, '--json');
    expect(second.code, second.stderr).toBe(0);
    const done = json<ReplacementView>(second);
    expect(done).toMatchObject({ status: 'done', phase: 'done', lastError: null });
    expect(done.oldSessionId).not.toBeNull();

    // A later command (headless again) reattaches to the new orchestrator's host: it kept running between commands.
    const sessions = json<SessionSummary[]>(await cli('session', 'list', '--json'));
    expect(sessions.find((s) => s.id === done.oldSessionId)?.state).toBe('retired');
    expect(sessions.find((s) => s.id === done.newSessionId)?.state).toBe('idle');
    // Read by a person, the list and the status show the board's status (the one view function), not the stored state.
    const table = (await cli('session', 'list')).stdout.split('\n');
    expect(table[0]).toMatch(/^ID\s+PROJECT\s+ROLE\s+STATUS\s+AGENT/);
    expect(table.find((l) => l.startsWith(done.oldSessionId!.slice(0, 8)))).toMatch(/\sRetired\s/);
    expect(table.find((l) => l.startsWith(done.newSessionId!.slice(0, 8)))).toMatch(/\sIdle\s/);
    const text = (await cli('status')).stdout;
    expect(text).toMatch(/Sessions\s+2: 1 Idle, 1 Retired\n/);
    expect(text).toMatch(new RegExp(`Orchestrator\\s+${done.newSessionId!.slice(0, 8)} Idle on `));
    const status = json<StatusReport>(await cli('status', '--json'));
    expect(status.projects[0]?.orchestrator.current?.id).toBe(done.newSessionId);
  }, 120_000);

  it('a failed replacement exits 1 with the reason and what to do; orchestrator retry finishes it', async () => {
    dataDir = temp('baton-hl-fail-');
    const p = await withProject('Broken Demo', 'no-such-agent-binary --acp');
    const r = await cli('orchestrator', 'replace', 'broken');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Starting the new orchestrator failed (agent_not_found)');
    expect(r.stderr).toContain('no-such-agent-binary');
    expect(r.stderr).toContain('What to do: The new orchestrator could not start.');
    expect(r.stderr).toContain(`Retry: baton orchestrator retry ${p.prefix}`);

    // replace again starts nothing new: it says an earlier one failed.
    const again = await cli('orchestrator', 'replace', 'broken', '--json');
    expect(again.code).toBe(1);
    expect(json<ReplacementView>(again)).toMatchObject({ status: 'failed', phase: 'spawn', lastError: { code: 'agent_not_found' } });
    expect(again.stderr).toContain('An earlier replacement of this orchestrator failed; nothing new was started.');

    await setCommand(p.id, scriptedCommand(temp('baton-hl-script-'), ORCHESTRATOR_SCRIPT));
    const retried = await cli('orchestrator', 'retry', 'broken');
    expect(retried.code, retried.stderr).toBe(0);
    expect(retried.stdout).toMatch(/^Retrying the replacement of the orchestrator of Broken Demo/);
    expect(retried.stdout).toContain('Done: the new orchestrator is');
  }, 120_000);

  it('task add and task list work headless too', async () => {
    dataDir = temp('baton-hl-tasks-');
    const p = await withProject('Tasks Demo');
    const added = await cli('task', 'add', 'tasks demo', 'Write the docs', '--priority', 'urgent', '--json');
    expect(added.code, added.stderr).toBe(0);
    const task = json<TaskView>(added);
    expect(task).toMatchObject({ projectId: p.id, title: 'Write the docs', priority: 'urgent', status: 'open' });
    const listed = json<TaskView[]>(await cli('task', 'list', '--json'));
    expect(listed.map((t) => t.id)).toEqual([task.id]);
    expect((await cli('task', 'list', '--status', 'done')).stdout).toBe('No done tasks.\n');
  }, 60_000);

  it('says clearly when the app has not been built', async () => {
    dataDir = '';
    const root = temp('baton-hl-unbuilt-');
    mkdirSync(join(root, 'bin'));
    copyFileSync(BIN, join(root, 'bin', 'baton.mjs'));
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, [join(root, 'bin', 'baton.mjs'), 'status'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Baton has not been built yet');
    expect(r.stderr).toContain('npm run build');
  });
});
