import type { AppStatus } from '../shared/contracts/app';
import type { OrchestratorStatus } from '../shared/contracts/orchestrator';
import type { ProjectSummary } from '../shared/contracts/projects';
import type { SessionSummary } from '../shared/contracts/sessions';
import type { TaskPriority, TaskStatus, TaskView } from '../shared/contracts/tasks';
import { ErrorCode } from '../shared/errors';
import { PHASE_LABELS, restartNeeded } from '../shared/orchestrator';
import { formatProjectLocation, hostLinkLabel } from '../shared/project-host';
import { fail, ok, type Result } from '../shared/result';
import { matchProject, type Call } from './api';
import type { Backend } from './backend';
import { clean, countByStatus, short, statusOf, table, when } from './format';

export interface CommandContext {
  call: Call;
  backend: Backend;
  json: boolean;
  /** stdout: the command's answer. */
  out(line: string): void;
  /** stderr: notices and errors. */
  err(line: string): void;
}

export const printJson = (ctx: CommandContext, value: unknown): void => ctx.out(JSON.stringify(value, null, 2));

export async function resolveProject(ctx: CommandContext, query: string): Promise<Result<ProjectSummary>> {
  const projects = await ctx.call('projects.list', {});
  return projects.ok ? matchProject(projects.value, query) : projects;
}

/** What `status --json` prints: the contract's own values, gathered per project. */
export interface StatusReport {
  connection: { kind: Backend['kind']; pid: number; version: string };
  app: AppStatus;
  projects: {
    project: ProjectSummary;
    sessions: SessionSummary[];
    orchestrator: OrchestratorStatus;
    /** Null when this Baton has no task queue yet. */
    openTasks: TaskView[] | null;
  }[];
}

export async function status(ctx: CommandContext): Promise<Result<void>> {
  const app = await ctx.call('app.status', {});
  if (!app.ok) return app;
  const report: StatusReport = { connection: { kind: ctx.backend.kind, pid: ctx.backend.pid, version: ctx.backend.version }, app: app.value, projects: [] };
  const projects = await ctx.call('projects.list', {});
  if (projects.ok) {
    for (const project of projects.value) {
      const [sessions, orchestrator, tasks] = await Promise.all([
        ctx.call('sessions.list', { projectId: project.id }),
        ctx.call('orchestrator.status', { projectId: project.id }),
        ctx.call('tasks.list', { projectId: project.id, status: 'open' }),
      ]);
      if (!sessions.ok) return sessions;
      if (!orchestrator.ok) return orchestrator;
      // Until the task queue exists in the app being asked, the rest of the status is still worth showing.
      if (!tasks.ok && tasks.error.code !== ErrorCode.unknownProcedure) return tasks;
      report.projects.push({ project, sessions: sessions.value, orchestrator: orchestrator.value, openTasks: tasks.ok ? tasks.value : null });
    }
  }
  if (ctx.json) printJson(ctx, report);
  else printStatus(ctx, report);
  return projects.ok ? ok(undefined) : fail(projects.error.code, `Cannot list projects: ${projects.error.message}`);
}

function printStatus(ctx: CommandContext, r: StatusReport): void {
  const a = r.app;
  // A headless read has no mode of its own: the brain was opened here, for this one command.
  ctx.out(r.connection.kind === 'app' ? `Baton ${a.version} (${a.mode} mode, running, pid ${r.connection.pid})` : `Baton ${a.version} (not running; read headless from the data dir)`);
  const rec = a.recovery.lastReconcile;
  const reconcile = a.recovery.reconciling
    ? 'in progress'
    : rec
      ? `${when(rec.at)}: ${rec.reattached} reattached, ${rec.moved.length} moved, ${rec.divergences} divergence(s), ${rec.unreachable} unreachable`
      : 'not yet';
  const lines: [string, string][] = [
    ['Data dir', a.dataDir],
    ['Store', a.store.state === 'ready' ? 'ready' : `${a.store.reason}: ${a.store.message}`],
    ['Last shutdown', a.recovery.lastShutdown.replace('_', ' ')],
    ['Last reconcile', reconcile],
  ];
  for (const l of table(['', ''], lines).slice(1)) ctx.out(l);
  if (a.store.state !== 'ready') return;
  ctx.out('');
  if (r.projects.length === 0) {
    ctx.out('No projects yet; add one in the app.');
    return;
  }
  for (const p of r.projects) {
    ctx.out(clean(`${p.project.name}  (id ${short(p.project.id)}, prefix ${p.project.prefix})  ${formatProjectLocation(p.project.host, p.project.path)}`));
    const rows: [string, string][] = [];
    const host = hostLinkLabel(p.project.host, p.project.hostLink);
    if (host) rows.push(['Host', p.project.hostLink?.reason ? `${host}: ${p.project.hostLink.reason}` : host]);
    rows.push(
      ['Sessions', countByStatus(p.sessions)],
      ['Orchestrator', describeOrchestrator(p.orchestrator)],
    );
    const replacement = describeReplacement(p.orchestrator, p.project.prefix);
    if (replacement) rows.push(['Replacement', replacement]);
    rows.push(['Open tasks', p.openTasks === null ? 'not available in this version of Baton' : String(p.openTasks.length)]);
    for (const l of table(['', ''], rows).slice(1)) ctx.out(`  ${l}`);
    if (p.openTasks?.length) {
      for (const l of table(['ID', 'PRIORITY', 'RUN', 'TITLE'], p.openTasks.map((t) => [short(t.id), t.priority, t.run?.status ?? '-', t.title]))) ctx.out(`    ${l}`);
    }
    ctx.out('');
  }
}

function describeOrchestrator(o: OrchestratorStatus): string {
  const c = o.current;
  if (!c) return o.startRefusal ? `none; cannot start one: ${o.startRefusal.message}` : `none (configured agent: ${o.configuredAgent})`;
  let text = `${short(c.id)} ${statusOf(c)} on ${c.branch ?? 'no branch'} (${c.harness})`;
  const restart = restartNeeded({ agent: o.configuredAgent, launch: o.configuredLaunch }, { harness: c.harness, launch: o.currentLaunch });
  if (restart) text += restart.reason === 'agent' ? `; restart needed: configured for ${restart.configured}` : '; restart needed: its command changed since it started';
  if (o.duplicates.length) text += `; ${o.duplicates.length} duplicate(s), retire them in the app`;
  return text;
}

function describeReplacement(o: OrchestratorStatus, project: string): string | null {
  const r = o.replacement;
  if (!r || r.status === 'done') return null;
  if (r.status === 'running') return `under way: ${PHASE_LABELS[r.phase]}`;
  const why = r.lastError ? `${r.lastError.code}: ${r.lastError.message}` : 'no reason recorded';
  return `failed at ${r.phase} (${why}); run \`baton orchestrator retry ${project}\``;
}

export async function taskAdd(ctx: CommandContext, c: { project: string; title: string; body?: string; priority?: TaskPriority }): Promise<Result<void>> {
  const project = await resolveProject(ctx, c.project);
  if (!project.ok) return project;
  const added = await ctx.call('tasks.add', {
    projectId: project.value.id,
    title: c.title,
    ...(c.body !== undefined ? { body: c.body } : {}),
    ...(c.priority !== undefined ? { priority: c.priority } : {}),
  });
  if (!added.ok) return tasksUnavailable(added);
  const t = added.value;
  if (ctx.json) printJson(ctx, t);
  else ctx.out(clean(`Added task ${short(t.id)} to ${project.value.name} (${t.priority}): ${t.title}`) + (t.run ? `; run ${t.run.status}` : ''));
  return ok(undefined);
}

export async function taskList(ctx: CommandContext, c: { project?: string; status?: TaskStatus }): Promise<Result<void>> {
  const projects = await projectsFor(ctx, c.project);
  if (!projects.ok) return projects;
  const tasks: TaskView[] = [];
  for (const p of projects.value) {
    const r = await ctx.call('tasks.list', { projectId: p.id, ...(c.status ? { status: c.status } : {}) });
    if (!r.ok) return tasksUnavailable(r);
    tasks.push(...r.value);
  }
  if (ctx.json) {
    printJson(ctx, tasks);
    return ok(undefined);
  }
  if (tasks.length === 0) {
    ctx.out(`No ${c.status ? `${c.status} ` : ''}tasks${c.project ? ` in ${projects.value[0]?.name ?? c.project}` : ''}.`);
    return ok(undefined);
  }
  const name = new Map(projects.value.map((p) => [p.id, p.name]));
  const rows = tasks.map((t) => [short(t.id), name.get(t.projectId) ?? short(t.projectId), t.priority, t.status, t.run?.status ?? '-', t.title]);
  for (const l of table(['ID', 'PROJECT', 'PRIORITY', 'STATUS', 'RUN', 'TITLE'], rows)) ctx.out(l);
  return ok(undefined);
}

export async function sessionList(ctx: CommandContext, c: { project?: string; archived?: boolean }): Promise<Result<void>> {
  const projects = await ctx.call('projects.list', {});
  if (!projects.ok) return projects;
  let projectId: string | undefined;
  if (c.project !== undefined) {
    const p = matchProject(projects.value, c.project);
    if (!p.ok) return p;
    projectId = p.value.id;
  }
  const sessions = await ctx.call('sessions.list', { ...(projectId ? { projectId } : {}), archived: c.archived ? 'only' : 'hide' });
  if (!sessions.ok) return sessions;
  if (ctx.json) {
    printJson(ctx, sessions.value);
    return ok(undefined);
  }
  if (sessions.value.length === 0) {
    ctx.out(c.archived ? 'No archived sessions.' : 'No sessions.');
    return ok(undefined);
  }
  const name = new Map(projects.value.map((p) => [p.id, p.name]));
  if (c.archived) {
    // The archive filter shows where each session's preserved work is ("Open previous work").
    const rows = sessions.value.map((s) => [short(s.id), name.get(s.projectId) ?? short(s.projectId), s.archived ? when(s.archived.at) : '-', s.archived?.preservedRef ?? '-', s.title]);
    for (const l of table(['ID', 'PROJECT', 'ARCHIVED', 'PRESERVED WORK', 'TITLE'], rows)) ctx.out(l);
    return ok(undefined);
  }
  // The board's status, not the stored state: "Working" while a prompt is on its way, "Idle · hibernated", "Needs you".
  const rows = sessions.value.map((s) => [short(s.id), name.get(s.projectId) ?? short(s.projectId), s.role, statusOf(s), s.harness, s.branch ?? '-', s.title]);
  for (const l of table(['ID', 'PROJECT', 'ROLE', 'STATUS', 'AGENT', 'BRANCH', 'TITLE'], rows)) ctx.out(l);
  return ok(undefined);
}

async function projectsFor(ctx: CommandContext, query: string | undefined): Promise<Result<ProjectSummary[]>> {
  const projects = await ctx.call('projects.list', {});
  if (!projects.ok) return projects;
  if (query === undefined) return projects;
  const p = matchProject(projects.value, query);
  return p.ok ? ok([p.value]) : p;
}

/** An app from before the task queue answers `unknown_procedure`; say so in words. */
function tasksUnavailable<T>(r: { ok: false; error: { code: string; message: string } }): Result<T> {
  if (r.error.code === ErrorCode.unknownProcedure) return fail(r.error.code, 'This Baton has no task queue yet (tasks.* is not served); update Baton.');
  return r;
}
