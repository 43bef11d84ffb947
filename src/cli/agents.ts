import { ok, type Result } from '../shared/result';
import { printJson, type CommandContext } from './commands';
import { table } from './format';

/**
 * `baton agents`: which agents this machine has (as the app, or this command
 * when Baton is not running, finds them on its PATH), with versions, and how
 * to install the missing ones. Always looks again: a person asking has just
 * installed something, most likely.
 */
export async function agentsList(ctx: CommandContext): Promise<Result<void>> {
  const r = await ctx.call('agents.list', { refresh: true });
  if (!r.ok) return r;
  if (ctx.json) {
    printJson(ctx, r.value);
    return ok(undefined);
  }
  const rows = r.value.agents.map((a) => [a.name, a.installed ? 'installed' : 'missing', a.version ?? '-', a.installed ? (a.path ?? '') : `install: ${a.installCommand}`]);
  for (const line of table(['AGENT', 'STATUS', 'VERSION', 'WHERE / HOW TO INSTALL'], rows)) ctx.out(line);
  const missing = r.value.agents.filter((a) => !a.installed).length;
  if (missing > 0) ctx.out(`\n${missing} not installed. After installing, restart Baton if it does not see the new command (it uses the PATH it was started with).`);
  return ok(undefined);
}
