import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusReport } from '../../../src/cli/commands';
import type { OrchestratorStatus, ReplacementView } from '../../../src/shared/contracts/orchestrator';
import type { ProjectSummary } from '../../../src/shared/contracts/projects';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import type { TaskView } from '../../../src/shared/contracts/tasks';
import { startApp, stopAndKill, type AppProcess } from '../../support/app-process';
import { buildOnce } from '../../support/build';
import { makeRepo } from '../../support/core-harness';
import { scriptedCommand } from '../../support/scripted';
import { ORCHESTRATOR_SCRIPT } from '../orchestrator/helpers';
import { baton, json } from './helpers';

let app: AppProcess;
let dataDir: string;
let api: ProjectSummary;
let web: ProjectSummary;
const dirs: string[] = [];
const temp = (label: string) => {
  const d = realpathSync(mkdtempSync(join(tmpdir(), label)));
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  buildOnce();
  dataDir = temp('baton-cli-app-');
  app = await startApp({ dataDir, token: 'cli-app-test-token-0123456789-abcdef' });
  const add = async (name: string) => {
    const { project } = await app.call<{ project: ProjectSummary }>('projects.add', { path: makeRepo(temp('baton-cli-repo-')), name });
    await app.call('projects.update', { id: project.id, patch: { orchestratorAgent: 'custom', customCommand: scriptedCommand(temp('baton-cli-script-'), ORCHESTRATOR_SCRIPT) } });
    return project;
  };
  api = await add('Shop API');
  web = await add('Shop Web');
}, 180_000);

afterAll(async () => {
  if (app) await stopAndKill(app);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const cli = (...args: string[]) => baton([...args, '--data-dir', dataDir]);

describe('baton against a running app (over its control socket)', () => {
  it('status: the app, and per project its sessions, orchestrator and open tasks', async () => {
    const r = await cli('status');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`(browser mode, running, pid ${app.proc.pid})`);
    expect(r.stdout).toMatch(new RegExp(`Data dir\\s+${dataDir}`));
    expect(r.stdout).toMatch(/Last reconcile\s+\S/);
    expect(r.stdout).toContain('Shop API');
    expect(r.stdout).toContain('Shop Web');
    expect(r.stdout).toMatch(/Orchestrator\s+none \(configured agent: custom\)/);
    expect(r.stdout).toMatch(/Open tasks\s+\d/);
  });

  it('status --json: the contract values, exactly', async () => {
    const report = json<StatusReport>(await cli('status', '--json'));
    expect(report.connection).toEqual({ kind: 'app', pid: app.proc.pid, version: '0.1.0' });
    expect(report.app).toEqual(await app.call('app.status', {}));
    expect(report.projects.map((p) => p.project)).toEqual(await app.call('projects.list', {}));
    const first = report.projects.find((p) => p.project.id === api.id);
    expect(first?.orchestrator).toEqual(await app.call('orchestrator.status', { projectId: api.id }));
    expect(first?.sessions).toEqual(await app.call('sessions.list', { projectId: api.id }));
    expect(first?.openTasks).toEqual(await app.call('tasks.list', { projectId: api.id, status: 'open' }));
  });

  it('task add and task list, by name, prefix or id prefix; --json prints the contract values', async () => {
    const added = await cli('task', 'add', 'shop api', 'Fix the login page', '--priority', 'high', '--body', 'Users get a 500.');
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toMatch(/^Added task [0-9a-f]{8} to Shop API \(high\): Fix the login page/);

    const viaJson = json<TaskView>(await cli('task', 'add', api.id.slice(0, 6), 'Second task', '--json'));
    expect(viaJson).toMatchObject({ projectId: api.id, title: 'Second task', body: '', priority: 'normal', status: 'open' });

    const listed = json<TaskView[]>(await cli('task', 'list', api.prefix, '--status', 'open', '--json'));
    expect(listed).toEqual(await app.call('tasks.list', { projectId: api.id, status: 'open' }));
    expect(listed.map((t) => t.title).sort()).toEqual(['Fix the login page', 'Second task']);
    expect(listed.find((t) => t.title === 'Fix the login page')?.body).toBe('Users get a 500.');

    const table = await cli('task', 'list');
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+PROJECT\s+PRIORITY\s+STATUS\s+RUN\s+TITLE$/);
    expect(table.stdout).toMatch(/Shop API\s+high\s+open\s+\S+\s+Fix the login page/);

    expect((await cli('task', 'list', 'shop web')).stdout).toBe('No tasks in Shop Web.\n');
    const status = json<StatusReport>(await cli('status', '--json'));
    expect(status.projects.find((p) => p.project.id === api.id)?.openTasks).toHaveLength(2);
  });

  it('an ambiguous or unknown project is a clear error, exit 1', async () => {
    const amb = await cli('task', 'list', 'shop');
    expect(amb.code).toBe(1);
    expect(amb.stderr).toContain('"shop" matches 2 projects');
    expect(amb.stderr).toContain(api.id);
    expect(amb.stderr).toContain(web.id);
    const unknown = await cli('session', 'list', 'nope');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No project matches "nope". Projects: Shop API, Shop Web.');
  });

  // Shop Web has no tasks: a queued task's wake would race the new orchestrator's handoff (reported to the tasks/orchestrator owners).
  it('orchestrator replace: follows the saga phase by phase to done; session list shows the outcome', async () => {
    const old = await app.call<SessionSummary>('orchestrator.start', { projectId: web.id });
    const r = await cli('orchestrator', 'replace', 'Shop Web');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Replacing the orchestrator of Shop Web \(replacement [0-9a-f]{8}\)$/);
    expect(lines[1]).toBe('  Stopping the old orchestrator…');
    expect(r.stdout).toMatch(/Done: the new orchestrator is [0-9a-f]{8} on baton\/shop-web-orchestrator\./);
    expect(r.stdout).toContain(`refs/baton/preserved/${old.id}`);
    const st = await app.call<OrchestratorStatus>('orchestrator.status', { projectId: web.id });
    expect(st.replacement).toMatchObject({ status: 'done', oldSessionId: old.id });
    expect(st.current?.id).not.toBe(old.id);

    const sessions = json<SessionSummary[]>(await cli('session', 'list', 'shop web', '--json'));
    expect(sessions).toEqual(await app.call('sessions.list', { projectId: web.id }));
    expect(sessions.find((s) => s.id === old.id)?.state).toBe('retired');
    const table = await cli('session', 'list');
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+PROJECT\s+ROLE\s+STATUS\s+AGENT\s+BRANCH\s+TITLE$/);
    expect(table.stdout).toMatch(new RegExp(`${old.id.slice(0, 8)}\\s+Shop Web\\s+orchestrator\\s+Retired`));

    const again = json<ReplacementView>(await cli('orchestrator', 'replace', web.id, '--json'));
    expect(again).toMatchObject({ status: 'done', phase: 'done', oldSessionId: st.current?.id, lastError: null });
  }, 120_000);

  it('orchestrator retry with nothing failed says so, exit 1', async () => {
    const r = await cli('orchestrator', 'retry', 'shop web');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Shop Web has no failed replacement to retry');
  });

  it('usage errors exit 2 with a pointer to --help; --help exits 0', async () => {
    for (const args of [
      ['task', 'add', 'shop api'],
      ['task', 'add', 'shop api', 'x', '--priority', 'extreme'],
      ['task', 'list', '--status', 'maybe'],
      ['status', 'now'],
      ['status', '--bogus'],
      ['session', 'list', '--body', 'x'],
      ['orchestrator', 'replace'],
      ['orchestrator', 'demolish', 'x'],
      ['frobnicate'],
    ]) {
      const r = await cli(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^baton: .+\nRun `baton --help` for usage\.\n$/s);
      expect(r.stdout).toBe('');
    }
    const help = await baton(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: baton /);
    expect(help.stdout).toContain('orchestrator replace <project>');
  });
});
