/** CLI verbs for review comments: `baton comment …`. */
import { fail, ok, type Result } from '../shared/result';
import { printJson, type CommandContext } from './commands';
import { clean, short, table } from './format';
import { session } from './review';

/** `baton comment …`: review comments to a worker's agent, over the same contract as the Changes view. */

/** `src/a.ts:12` or `src/a.ts:12-15` (the path may itself hold colons: the last one splits). */
export function parseAt(at: string): Result<{ path: string; line: number; endLine: number | null }> {
  const m = /^(.+):(\d+)(?:-(\d+))?$/.exec(at);
  if (!m) return fail('usage', `Say where: <file>:<line> or <file>:<line>-<end>; got "${at}".`);
  const line = Number(m[2]);
  const endLine = m[3] !== undefined ? Number(m[3]) : null;
  if (line < 1 || (endLine !== null && endLine < line)) return fail('usage', `Lines count from 1 and a range goes forward; got "${at}".`);
  return ok({ path: m[1]!, line, endLine });
}

export async function commentAdd(ctx: CommandContext, c: { session: string; at: string; message: string; old: boolean }): Promise<Result<void>> {
  const where = parseAt(c.at);
  if (!where.ok) return where;
  const s = await session(ctx, c.session);
  if (!s.ok) return s;
  const r = await ctx.call('review.addComment', { sessionId: s.value.id, ...where.value, side: c.old ? 'old' : 'new', text: c.message });
  if (!r.ok) return r;
  if (ctx.json) printJson(ctx, r.value);
  else ctx.out(clean(`Comment ${short(r.value.id)} on ${c.at} kept for session ${short(s.value.id)}; \`baton comment send ${short(s.value.id)}\` sends every draft as one prompt.`));
  return ok(undefined);
}

export async function commentList(ctx: CommandContext, c: { session: string }): Promise<Result<void>> {
  const s = await session(ctx, c.session);
  if (!s.ok) return s;
  const r = await ctx.call('review.comments', { sessionId: s.value.id });
  if (!r.ok) return r;
  if (ctx.json) printJson(ctx, r.value);
  else if (r.value.length === 0) ctx.out('No review comments waiting.');
  else for (const l of table(['ID', 'STATE', 'WHERE', 'COMMENT'], r.value.map((x) => [short(x.id), x.state, `${x.path}:${x.line}${x.endLine ? `-${x.endLine}` : ''}`, x.text]))) ctx.out(l);
  return ok(undefined);
}

export async function commentRemove(ctx: CommandContext, c: { session: string; id: string }): Promise<Result<void>> {
  const s = await session(ctx, c.session);
  if (!s.ok) return s;
  // The short id the list prints, or the whole one.
  const all = await ctx.call('review.comments', { sessionId: s.value.id });
  if (!all.ok) return all;
  const hit = all.value.filter((x) => x.id.startsWith(c.id));
  if (hit.length !== 1) return fail('unknown_comment', hit.length ? `"${c.id}" matches ${hit.length} comments; use more of the id.` : `No waiting comment of this session has id "${c.id}"; see \`baton comment list\`.`);
  const r = await ctx.call('review.removeComment', { sessionId: s.value.id, id: hit[0]!.id });
  if (!r.ok) return r;
  if (ctx.json) printJson(ctx, r.value);
  else if (!r.value.removed) return fail('comment_queued', 'That comment is queued for the agent already, so it stays; it goes when the agent’s turn ends.');
  else ctx.out('Removed.');
  return ok(undefined);
}

export async function commentSend(ctx: CommandContext, c: { session: string }): Promise<Result<void>> {
  const s = await session(ctx, c.session);
  if (!s.ok) return s;
  const r = await ctx.call('review.sendComments', { sessionId: s.value.id });
  if (!r.ok) return r;
  if (ctx.json) printJson(ctx, r.value);
  else if (r.value.status === 'sent') ctx.out(`Sent ${r.value.count} comment(s) to the agent as one prompt (turn ${short(r.value.turnId)}).`);
  else ctx.out(clean(`Queued ${r.value.count} comment(s): ${r.value.reason}`));
  return ok(undefined);
}
