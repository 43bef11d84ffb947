/** The command line's starts: restart a stopped session, start a worker for a task now. */
import type { TaskView } from '../shared/contracts/tasks';
import { fail, ok, type Result } from '../shared/result';
import { printJson, type CommandContext } from './commands';
import { clean, short } from './format';
import { matchSession } from './review';

export async function sessionRestart(ctx: CommandContext, c: { session: string }): Promise<Result<void>> {
  const all = await ctx.call('sessions.list', { archived: 'hide' });
  if (!all.ok) return all;
  const s = matchSession(all.value, c.session);
  if (!s.ok) return s;
  const r = await ctx.call('sessions.restart', { id: s.value.id });
  if (!r.ok) return r;
  if (ctx.json) printJson(ctx, r.value);
  else ctx.out(clean(`Restarting session ${short(r.value.id)} ("${r.value.title}"): its agent starts again and resumes its conversation; \`baton session list\` shows when it is Idle.`));
  return ok(undefined);
}

/** `<task>`: a task's id or the start of it, across every project; more than one match is an error that lists them. */
async function findTask(ctx: CommandContext, query: string): Promise<Result<TaskView>> {
  const projects = await ctx.call('projects.list', {});
  if (!projects.ok) return projects;
  const tasks: TaskView[] = [];
  for (const p of projects.value) {
    const r = await ctx.call('tasks.list', { projectId: p.id });
    if (!r.ok) return r;
    tasks.push(...r.value);
  }
  const q = query.trim().toLowerCase();
  const exact = tasks.filter((t) => t.id === q);
  const found = exact.length > 0 ? exact : tasks.filter((t) => t.id.startsWith(q));
  const [only, ...rest] = found;
  if (only && rest.length === 0) return ok(only);
  if (only) return fail('ambiguous_task', `"${query}" matches ${found.length} tasks: ${found.map((t) => `${short(t.id)} (${t.title})`).join(', ')}. Use more of the id.`);
  return fail('unknown_task', `No task matches "${query}"; see \`baton task list\`.`);
}

export async function taskStart(ctx: CommandContext, c: { task: string }): Promise<Result<void>> {
  const task = await findTask(ctx, c.task);
  if (!task.ok) return task;
  const r = await ctx.call('tasks.startWorker', { taskId: task.value.id });
  if (!r.ok) return r;
  if (ctx.json) printJson(ctx, r.value);
  else ctx.out(clean(`Started worker ${short(r.value.worker.id)} for "${r.value.task.title}" on ${r.value.worker.branch ?? 'no branch'}; the orchestrator is told.`));
  return ok(undefined);
}
