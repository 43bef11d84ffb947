/** `baton notifications`: the sound setting and the muted projects, over the same contract as the app's settings. */
import { NOTIFICATION_DEFAULTS } from '../shared/contracts/app';
import { ok, type Result } from '../shared/result';
import { printJson, resolveProject, type CommandContext } from './commands';
import { clean, table } from './format';

export type NotificationsCommand =
  | { kind: 'notifications_show' }
  | { kind: 'notifications_mute'; project: string; muted: boolean }
  | { kind: 'notifications_sound'; on: boolean };

/** What `baton notifications --json` prints. */
export interface NotificationsReport {
  sound: boolean;
  projects: { id: string; name: string; muted: boolean }[];
}

const USAGE = 'Usage: baton notifications [mute <project> | unmute <project> | sound on|off]';
const usage = (message: string): Result<NotificationsCommand> => ({ ok: false, error: { code: 'usage', message } });

/** `notifications [mute|unmute <project> | sound on|off]`, the words after `notifications`. */
export function parseNotifications(words: readonly string[]): Result<NotificationsCommand> {
  const [sub, arg, ...extra] = words;
  if (extra.length) return usage(`Too many arguments for \`notifications ${sub ?? ''}\`: ${extra.join(' ')}`);
  switch (sub) {
    case undefined:
      return { ok: true, value: { kind: 'notifications_show' } };
    case 'mute':
    case 'unmute':
      if (arg === undefined) return usage(`Usage: baton notifications ${sub} <project>`);
      return { ok: true, value: { kind: 'notifications_mute', project: arg, muted: sub === 'mute' } };
    case 'sound':
      if (arg !== 'on' && arg !== 'off') return usage(`Usage: baton notifications sound on|off${arg === undefined ? '' : `; got "${arg}"`}`);
      return { ok: true, value: { kind: 'notifications_sound', on: arg === 'on' } };
    default:
      return usage(`Unknown notifications subcommand "${sub}". ${USAGE}`);
  }
}

export async function notifications(ctx: CommandContext, c: NotificationsCommand): Promise<Result<void>> {
  switch (c.kind) {
    case 'notifications_show': {
      const [status, projects] = await Promise.all([ctx.call('app.status', {}), ctx.call('projects.list', {})]);
      if (!status.ok) return status;
      if (!projects.ok) return projects;
      const report: NotificationsReport = {
        sound: status.value.settings.notificationSound ?? NOTIFICATION_DEFAULTS.notificationSound,
        projects: projects.value.map((p) => ({ id: p.id, name: p.name, muted: p.notificationsMuted })),
      };
      if (ctx.json) return ok(printJson(ctx, report));
      ctx.out(`Sound with notifications: ${report.sound ? 'on' : 'off'}`);
      if (report.projects.length === 0) ctx.out('No projects yet.');
      else for (const line of table(['PROJECT', 'NOTIFICATIONS'], report.projects.map((p) => [p.name, p.muted ? 'muted' : 'on']))) ctx.out(line);
      return ok(undefined);
    }
    case 'notifications_mute': {
      const p = await resolveProject(ctx, c.project);
      if (!p.ok) return p;
      const r = await ctx.call('projects.update', { id: p.value.id, patch: { notificationsMuted: c.muted } });
      if (!r.ok) return r;
      if (ctx.json) return ok(printJson(ctx, r.value));
      ctx.out(clean(c.muted ? `${r.value.name}: notifications muted (its sessions still count in the inbox).` : `${r.value.name}: notifications on.`));
      return ok(undefined);
    }
    case 'notifications_sound': {
      const r = await ctx.call('app.updateSettings', { notificationSound: c.on });
      if (!r.ok) return r;
      if (ctx.json) return ok(printJson(ctx, r.value));
      ctx.out(`Sound with notifications: ${c.on ? 'on' : 'off'}.`);
      return ok(undefined);
    }
  }
}
