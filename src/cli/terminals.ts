/** `baton terminal …` (open, run, list, send to and kill terminals) and `baton open`, over the same contract as the app. */
import type { OpenApp, TerminalView } from '../shared/contracts/terminals';
import { fail, ok, type Result } from '../shared/result';
import { printJson, resolveProject, type CommandContext } from './commands';
import { clean, short, table } from './format';
import { session, worktreeId } from './review';

/** `<terminal>`: an id or the start of one; more than one match is an error that lists them. */
async function terminal(ctx: CommandContext, query: string): Promise<Result<TerminalView>> {
  const all = await ctx.call('terminals.list', {});
  if (!all.ok) return all;
  const q = query.trim().toLowerCase();
  const exact = all.value.filter((t) => t.id === q);
  const found = exact.length ? exact : all.value.filter((t) => q && t.id.startsWith(q));
  const [only, ...rest] = found;
  if (only && rest.length === 0) return ok(only);
  if (only) return fail('ambiguous_terminal', `"${query}" matches ${found.length} terminals: ${found.map((t) => short(t.id)).join(', ')}. Use more of the id.`);
  return fail('unknown_terminal', `No terminal matches "${query}"; see \`baton terminal list\`.`);
}

const stateText = (t: TerminalView): string =>
  t.state === 'exited' ? `exited${t.exitCode !== null ? ` (${t.exitCode})` : ''}` : t.state === 'lost' ? 'lost (restart it)' : t.unreachable ? 'disconnected (host unreachable; it runs on there)' : 'running';

/** `terminal open <project|session> [--cwd DIR]`: a project's main checkout, or the session's worktree. */
export async function terminalOpen(ctx: CommandContext, c: { target: string; cwd?: string }): Promise<Result<void>> {
  const project = await resolveProject(ctx, c.target);
  let where: { projectId: string } | { sessionId: string };
  if (project.ok) where = { projectId: project.value.id };
  else {
    const s = await session(ctx, c.target);
    if (!s.ok) return fail(s.error.code, `"${c.target}" names neither a project (${project.error.message}) nor a session (${s.error.message}).`);
    where = { sessionId: s.value.id };
  }
  const r = await ctx.call('terminals.open', { ...where, ...(c.cwd ? { cwd: c.cwd } : {}) });
  if (!r.ok) return r;
  if (ctx.json) printJson(ctx, r.value);
  else ctx.out(clean(`Opened terminal ${short(r.value.id)} "${r.value.title}" in ${r.value.cwd}`));
  return ok(undefined);
}

export async function terminalList(ctx: CommandContext, c: { project?: string }): Promise<Result<void>> {
  let filter = {};
  if (c.project) {
    const p = await resolveProject(ctx, c.project);
    if (!p.ok) return p;
    filter = { projectId: p.value.id };
  }
  const r = await ctx.call('terminals.list', filter);
  if (!r.ok) return r;
  if (ctx.json) {
    printJson(ctx, r.value);
    return ok(undefined);
  }
  if (r.value.length === 0) {
    ctx.out('No terminals. Open one with `baton terminal open <project|session>`.');
    return ok(undefined);
  }
  const rows = r.value.map((t) => [short(t.id), stateText(t), t.ports.length ? t.ports.join(',') : '-', t.title, t.cwd]);
  for (const line of table(['ID', 'STATE', 'PORTS', 'TITLE', 'CWD'], rows)) ctx.out(line);
  return ok(undefined);
}

/** `terminal send <id> <text>`: the text and Enter (`--raw`: the text exactly, no Enter). */
export async function terminalSend(ctx: CommandContext, c: { id: string; text: string; raw: boolean }): Promise<Result<void>> {
  const t = await terminal(ctx, c.id);
  if (!t.ok) return t;
  const r = await ctx.call('terminals.input', { id: t.value.id, data: c.raw ? c.text : `${c.text}\r` });
  if (!r.ok) return r;
  if (ctx.json) printJson(ctx, { id: t.value.id, sent: true });
  return ok(undefined);
}

export async function terminalKill(ctx: CommandContext, c: { id: string }): Promise<Result<void>> {
  const t = await terminal(ctx, c.id);
  if (!t.ok) return t;
  const r = await ctx.call('terminals.kill', { id: t.value.id });
  if (!r.ok) return r;
  if (ctx.json) printJson(ctx, r.value);
  else ctx.out(clean(`Terminal ${short(r.value.id)} "${r.value.title}": ${stateText(r.value)}`));
  return ok(undefined);
}

/** `terminal run <project>`: the project's run command in a terminal of its own (a running one is returned as is). */
export async function terminalRun(ctx: CommandContext, c: { project: string }): Promise<Result<void>> {
  const p = await resolveProject(ctx, c.project);
  if (!p.ok) return p;
  const r = await ctx.call('terminals.run', { projectId: p.value.id });
  if (!r.ok) return r;
  if (ctx.json) printJson(ctx, r.value);
  else ctx.out(clean(`Run command in terminal ${short(r.value.id)} "${r.value.title}" (${stateText(r.value)}); follow it with \`baton terminal list\` or in the app.`));
  return ok(undefined);
}

/** `open <session|worktree|project> [--editor …]`: the checkout in the editor chosen in the app settings (or `--editor`). */
export async function openInEditor(ctx: CommandContext, c: { target: string; editor?: OpenApp }): Promise<Result<void>> {
  let where: { sessionId: string } | { worktreeId: string } | { projectId: string };
  const s = await session(ctx, c.target);
  if (s.ok) where = { sessionId: s.value.id };
  else {
    const w = await worktreeId(ctx, c.target);
    if (w.ok) where = { worktreeId: w.value };
    else {
      const p = await resolveProject(ctx, c.target);
      if (!p.ok) return fail('unknown_target', `"${c.target}" names no session (${s.error.message}), worktree (${w.error.message}) or project (${p.error.message}).`);
      where = { projectId: p.value.id };
    }
  }
  const r = await ctx.call('terminals.openIn', { ...where, ...(c.editor ? { app: c.editor } : {}) });
  if (!r.ok) return r;
  if (ctx.json) printJson(ctx, { ...where, ...r.value });
  else ctx.out(clean(`Opened in ${r.value.app} (${r.value.how}).`));
  return ok(undefined);
}
