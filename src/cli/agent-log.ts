/** `baton session log <session>`: the agent's stderr as its host keeps it (ADR 0025), over the same procedure as the app's Agent log pane. */
import { ok, type Result } from '../shared/result';
import type { CommandContext } from './commands';
import { printJson } from './commands';
import { clean, short } from './format';
import { matchSession } from './review';

export async function sessionLog(ctx: CommandContext, c: { session: string }): Promise<Result<void>> {
  const all = await ctx.call('sessions.list', { archived: 'include' });
  if (!all.ok) return all;
  const s = matchSession(all.value, c.session);
  if (!s.ok) return s;
  const r = await ctx.call('sessions.agentLog', { id: s.value.id });
  if (!r.ok) return r;
  if (ctx.json) {
    printJson(ctx, { sessionId: s.value.id, ...r.value });
    return ok(undefined);
  }
  if (r.value.lines.length === 0) {
    ctx.out(`${short(s.value.id)}: its agent has written nothing on stderr.`);
    return ok(undefined);
  }
  if (r.value.truncated) ctx.out(`(older lines are not kept: the newest ${r.value.lines.length} follow)`);
  // The agent's own words: control characters are made visible so they cannot drive this terminal.
  for (const l of r.value.lines) ctx.out(`${new Date(l.ts).toLocaleTimeString()}  ${clean(l.text)}`);
  return ok(undefined);
}
