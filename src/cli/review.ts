import { resolve } from 'node:path';
import type { DiffScope, DiffView, MergeView } from '../shared/contracts/review';
import type { WorktreeView } from '../shared/contracts/worktrees';
import type { SessionSummary } from '../shared/contracts/sessions';
import type { HarnessId } from '../shared/harness';
import { fail, ok, type Result } from '../shared/result';
import { clean, short, table } from './format';
import { printJson, resolveProject, type CommandContext } from './commands';

/**
 * `<session>` on the command line: an id, or the start of one, or its branch
 * name. More than one match is an error that lists them, never a guess.
 */
export function matchSession(sessions: readonly SessionSummary[], query: string): Result<SessionSummary> {
  const q = query.trim();
  if (!q) return fail('usage', 'Name a session: its id (or the start of it) or its branch.');
  const exact = sessions.filter((s) => s.id === q || s.branch === q);
  const candidates = exact.length > 0 ? exact : sessions.filter((s) => s.id.startsWith(q.toLowerCase()));
  const [only, ...rest] = candidates;
  if (only && rest.length === 0) return ok(only);
  if (only) return fail('ambiguous_session', `"${query}" matches ${candidates.length} sessions: ${candidates.map((s) => `${short(s.id)} (${s.branch ?? 'no branch'})`).join(', ')}. Use more of the id.`);
  return fail('unknown_session', `No session matches "${query}"; see \`baton session list\`.`);
}

export async function session(ctx: CommandContext, query: string, archived: 'hide' | 'include' = 'hide'): Promise<Result<SessionSummary>> {
  const all = await ctx.call('sessions.list', { archived });
  return all.ok ? matchSession(all.value, query) : all;
}

/** `--worktree <w>`: a live worktree of any project by id (or the start of it), name or branch; more than one match is an error. */
export async function worktreeId(ctx: CommandContext, query: string): Promise<Result<string>> {
  const projects = await ctx.call('projects.list', {});
  if (!projects.ok) return projects;
  const all: WorktreeView[] = [];
  for (const p of projects.value) {
    const panel = await ctx.call('worktrees.list', { projectId: p.id });
    if (panel.ok) all.push(...panel.value.worktrees);
  }
  const exact = all.filter((w) => w.id === query || w.name === query || w.branch === query);
  const hits = exact.length ? exact : all.filter((w) => w.id.startsWith(query.toLowerCase()));
  if (hits.length === 1) return ok(hits[0]!.id);
  if (hits.length > 1) return fail('ambiguous_worktree', `"${query}" matches ${hits.length} worktrees: ${hits.map((w) => `${short(w.id)} (${w.branch})`).join(', ')}. Use more of the id.`);
  return fail('unknown_worktree', `No worktree matches "${query}"; see the project's Worktrees tab.`);
}

export async function diff(ctx: CommandContext, c: { session: string; stat: boolean; scope: DiffScope; worktree?: string }): Promise<Result<void>> {
  let d: Result<DiffView>;
  if (c.worktree !== undefined) {
    const w = await worktreeId(ctx, c.worktree);
    if (!w.ok) return w;
    d = await ctx.call('review.worktreeDiff', { worktreeId: w.value, scope: c.scope === 'uncommitted' ? 'uncommitted' : 'all', stat: c.stat });
  } else {
    const s = await session(ctx, c.session);
    if (!s.ok) return s;
    d = await ctx.call('review.diff', { sessionId: s.value.id, scope: c.scope, stat: c.stat });
  }
  if (!d.ok) return d;
  if (ctx.json) {
    printJson(ctx, d.value);
    return ok(undefined);
  }
  const v = d.value;
  if (v.files.length === 0) {
    ctx.out(`No changes on ${v.branch} (${c.scope === 'all' ? `against ${v.base}` : c.scope}).`);
    return ok(undefined);
  }
  const rows = v.files.map((f) => [f.status, f.additions === null ? '-' : `+${f.additions}`, f.deletions === null ? '-' : `-${f.deletions}`, f.oldPath ? `${f.oldPath} -> ${f.path}` : f.path]);
  for (const l of table(['STATUS', 'ADD', 'DEL', 'FILE'], rows)) ctx.out(l);
  ctx.out(`${v.files.length} file(s), +${v.additions} -${v.deletions} on ${v.branch} against ${c.scope === 'all' ? `${v.base} (merge-base ${short(v.from)})` : short(v.from)}`);
  if (c.stat) return ok(undefined);
  for (const f of v.files) {
    ctx.out('');
    if (f.patch !== null) ctx.out(f.patch.replace(/\n$/, ''));
    else ctx.out(clean(`${f.path}: patch not shown (${f.omitted === 'too_large' ? 'file too large' : f.omitted === 'patch_budget' ? 'size budget reached' : f.omitted ?? ''})`));
  }
  return ok(undefined);
}

export async function commit(ctx: CommandContext, c: { session: string; message: string; paths: string[] }): Promise<Result<void>> {
  const s = await session(ctx, c.session);
  if (!s.ok) return s;
  const r = await ctx.call('review.commit', { sessionId: s.value.id, message: c.message, ...(c.paths.length ? { paths: c.paths } : {}) });
  if (!r.ok) return r;
  if (ctx.json) printJson(ctx, r.value);
  const v = r.value;
  if (v.status === 'committed') {
    if (!ctx.json) ctx.out(`Committed ${short(v.commit)} on ${s.value.branch ?? '?'}: ${v.files.length} file(s).`);
    return ok(undefined);
  }
  if (v.status === 'nothing_to_commit') return fail('nothing_to_commit', 'Nothing to commit: the session has no changes (in the chosen files).');
  return fail('hook_failed', `The repository's ${v.hooks.join(' / ')} hook refused the commit; nothing was committed. Its output:\n${v.output}`);
}

export async function merge(ctx: CommandContext, c: { session: string; mode: 'merge' | 'squash' | 'rebase' }): Promise<Result<void>> {
  const s = await session(ctx, c.session);
  if (!s.ok) return s;
  const r = await ctx.call('review.merge', { sessionId: s.value.id, mode: c.mode });
  if (!r.ok) return r;
  if (ctx.json) printJson(ctx, r.value);
  return mergeOutcome(ctx, s.value, r.value);
}

function mergeOutcome(ctx: CommandContext, s: SessionSummary, v: MergeView): Result<void> {
  switch (v.status) {
    case 'merged':
      if (!ctx.json) ctx.out(`Merged ${s.branch ?? short(s.id)} (${v.mode}) as ${short(v.commit)}${v.where === 'checkout' ? `; the checkout at ${v.checkoutPath ?? '?'} was updated` : ''}.`);
      return ok(undefined);
    case 'up_to_date':
      if (!ctx.json) ctx.out('Nothing to merge: the base already has all of this branch.');
      return ok(undefined);
    case 'conflict':
      return fail('conflict', `The merge conflicts in: ${v.files.join(', ')}. Nothing was changed. Ask the agent to resolve them: baton resolve ${short(s.id)}`);
    case 'refused':
      return fail(v.reason, v.message);
  }
}

export async function resolveConflicts(ctx: CommandContext, c: { session: string }): Promise<Result<void>> {
  const s = await session(ctx, c.session);
  if (!s.ok) return s;
  const r = await ctx.call('review.resolveConflicts', { sessionId: s.value.id });
  if (!r.ok) return r;
  if (ctx.json) printJson(ctx, r.value);
  else if (r.value.status === 'clean') ctx.out('The branch rebased onto its base without conflicts; merge again.');
  else ctx.out(`Asked the agent to resolve ${r.value.files.join(', ')}; merge again once its turn ends.`);
  return ok(undefined);
}

export async function pr(ctx: CommandContext, c: { session: string; title?: string }): Promise<Result<void>> {
  const s = await session(ctx, c.session);
  if (!s.ok) return s;
  const r = await ctx.call('review.pr', { sessionId: s.value.id, ...(c.title ? { title: c.title } : {}) });
  if (!r.ok) return r;
  if (ctx.json) {
    printJson(ctx, r.value);
    return ok(undefined);
  }
  const { pushed, pr: p } = r.value;
  ctx.out(clean(`Pushed ${pushed.branch} to ${pushed.remote} (${pushed.remoteUrl}).`));
  if (p.kind === 'created') ctx.out(`Pull request: ${p.url}`);
  else if (p.kind === 'compare') ctx.out(clean(`No pull request was made (${p.why}); open one here: ${p.url}`));
  else ctx.out(clean(p.message));
  return ok(undefined);
}

export async function archive(ctx: CommandContext, c: { session: string; deleteBranch: boolean; force: boolean }): Promise<Result<void>> {
  // An archived session is still found: archiving again continues (or confirms) what was done.
  const s = await session(ctx, c.session, 'include');
  if (!s.ok) return s;
  const r = await ctx.call('review.archive', { sessionId: s.value.id, deleteBranch: c.deleteBranch, force: c.force });
  if (!r.ok) return r;
  if (ctx.json) {
    printJson(ctx, r.value);
    return ok(undefined);
  }
  const v = r.value;
  ctx.out(clean(`Archived session ${short(v.sessionId)} (${s.value.title}).`));
  if (v.preserved) ctx.out(clean(v.preserved.files.length ? `Its uncommitted work (${v.preserved.files.length} file(s)) is kept under ${v.preserved.ref}.` : `It had no uncommitted work (snapshot: ${v.preserved.ref}).`));
  if (v.branch) ctx.out(clean(v.branch.deleted ? `Deleted branch ${v.branch.name}${v.branch.head ? ` (was ${short(v.branch.head)})` : ''}.` : `Kept branch ${v.branch.name}.`));
  return ok(undefined);
}

export async function projectAdd(ctx: CommandContext, c: { path: string }): Promise<Result<void>> {
  // `ssh://<destination>/<path>` names a repository on another machine (ADR 0018): passed as written, never resolved here.
  const r = await ctx.call('projects.add', { path: /^ssh:\/\//i.test(c.path) ? c.path : resolve(c.path) });
  if (!r.ok) return r;
  if (ctx.json) printJson(ctx, r.value);
  else {
    const p = r.value.project;
    const where = p.host.kind === 'ssh' ? `, on ${p.host.destination}` : '';
    ctx.out(clean(`${r.value.existed ? 'Already a project' : 'Added project'}: ${p.name} (id ${short(p.id)}, prefix ${p.prefix}, base ${p.baseBranch}${where})`));
  }
  return ok(undefined);
}

export async function sessionNew(ctx: CommandContext, c: { project: string; prompt: string; agent?: HarnessId; base?: string; title?: string; branch?: string }): Promise<Result<void>> {
  const project = await resolveProject(ctx, c.project);
  if (!project.ok) return project;
  const r = await ctx.call('sessions.create', {
    projectId: project.value.id,
    prompt: c.prompt,
    ...(c.agent ? { harness: c.agent } : {}),
    ...(c.title !== undefined ? { title: c.title } : {}),
    ...(c.branch !== undefined ? { branch: c.branch } : {}),
    ...(c.base !== undefined ? { baseBranch: c.base } : {}),
  });
  if (!r.ok) return r;
  if (ctx.json) printJson(ctx, r.value);
  else ctx.out(clean(`Started session ${short(r.value.id)} (${r.value.harness}) on ${r.value.branch ?? 'no branch'} from ${c.base ?? project.value.baseBranch} in ${r.value.worktreePath ?? '?'}`));
  return ok(undefined);
}
