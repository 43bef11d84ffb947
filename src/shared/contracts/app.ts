import { z } from 'zod';
import { domain, event, procedure } from '../contract';
import { OPEN_APPS } from './terminals';

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

/** What quitting the app does to running agents: ask each time, leave them working (the default answer), or stop them all. */
export const QuitBehavior = z.enum(['ask', 'leave_running', 'stop_all']);
export type QuitBehavior = z.infer<typeof QuitBehavior>;

export const AppSettings = z.object({
  quitBehavior: QuitBehavior,
  /**
   * Idle agents hibernate: after this many seconds idle, Baton stops a
   * session's agent and its host (their memory freed); the next prompt resumes
   * the conversation. 0 = never. Absent = HIBERNATE_DEFAULTS.
   */
  hibernateAfterSeconds: z.number().int().min(0).max(7 * 24 * 3600).optional(),
  /** Orchestrators hibernate too (off by default: one is usually waiting on its workers). */
  hibernateOrchestrators: z.boolean().optional(),
  /**
   * A short sound with each notification (absent = off): a synthesized tone in
   * browser mode, the system's notification sound in the desktop app.
   */
  notificationSound: z.boolean().optional(),
  /** What "Open in editor" opens a checkout in; null or absent: the first one detected on this machine (chosenOpener). */
  editor: z.enum(OPEN_APPS).nullable().optional(),
});
export type AppSettings = z.infer<typeof AppSettings>;

/** What the hibernation settings are when none was saved. */
export const HIBERNATE_DEFAULTS = { hibernateAfterSeconds: 300, hibernateOrchestrators: false } as const;

/** Notifications are silent unless the person asks for a sound. */
export const NOTIFICATION_DEFAULTS = { notificationSound: false } as const;

export const ReconcileReport = z.object({
  at: z.string(),
  reattached: z.number().int(),
  moved: z.array(z.object({ sessionId: z.string(), to: z.string() })),
  divergences: z.number().int(),
  /** Sessions whose host process is alive but did not answer; left untouched, looked at again next time. */
  unreachable: z.number().int(),
});
export type ReconcileReport = z.infer<typeof ReconcileReport>;

export const AppStatus = z.object({
  version: z.string(),
  mode: z.enum(['electron', 'browser']),
  platform: z.string(),
  dataDir: z.string(),
  store: StoreStatus,
  /** What this shell can do beyond the contract: a native folder picker exists only in the desktop app. */
  capabilities: z.object({ folderPicker: z.boolean() }),
  recovery: z.object({
    /** How the previous run ended: a clean quit writes a marker; its absence means a crash or kill. */
    lastShutdown: z.enum(['clean', 'unclean', 'first_run']),
    /** The newest reconcile (startup or "Reconcile now"); null until the first has finished. */
    lastReconcile: ReconcileReport.nullable(),
    reconciling: z.boolean(),
  }),
  settings: AppSettings,
});
export type AppStatus = z.infer<typeof AppStatus>;

export const appContract = domain({
  procedures: {
    status: procedure(z.object({}).strict(), AppStatus),
    /** Opens the native folder picker (desktop only); `path` is null when the user cancels. */
    pickFolder: procedure(z.object({ title: z.string().max(200).optional() }).strict(), z.object({ path: z.string().nullable() })),
    updateSettings: procedure(AppSettings.partial().strict(), AppSettings),
    /** Looks at every session that is not finished again, from its host and journal (what startup does). */
    reconcile: procedure(z.object({}).strict(), ReconcileReport),
  },
  events: {
    /** Sent when something the whole app shows changed (the store became available, a setting moved). */
    statusChanged: event(AppStatus),
  },
});
