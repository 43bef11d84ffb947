import { z } from 'zod';
import { domain, event, procedure } from '../contract';

export const StoreStatus = z.discriminatedUnion('state', [
  z.object({ state: z.literal('ready'), path: z.string() }),
  z.object({
    state: z.literal('error'),
    path: z.string(),
    reason: z.enum(['corrupt', 'newer_version', 'unreadable']),
    message: z.string(),
  }),
]);
export type StoreStatus = z.infer<typeof StoreStatus>;

export const AppStatus = z.object({
  version: z.string(),
  mode: z.enum(['electron', 'browser']),
  platform: z.string(),
  dataDir: z.string(),
  store: StoreStatus,
  /** What this shell can do beyond the contract: a native folder picker exists only in the desktop app. */
  capabilities: z.object({ folderPicker: z.boolean() }),
});
export type AppStatus = z.infer<typeof AppStatus>;

export const appContract = domain({
  procedures: {
    status: procedure(z.object({}).strict(), AppStatus),
    /** Opens the native folder picker (desktop only); `path` is null when the user cancels. */
    pickFolder: procedure(z.object({ title: z.string().max(200).optional() }).strict(), z.object({ path: z.string().nullable() })),
  },
  events: {
    /** Sent when something the whole app shows changed (the store became available, a setting moved). */
    statusChanged: event(AppStatus),
  },
});
