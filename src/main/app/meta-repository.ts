import { randomBytes } from 'node:crypto';
import { AppSettings, QuitBehavior } from '../../shared/contracts/app';
import type { Db } from '../store/db';

/** How the previous run of Baton ended, read once at startup. */
export type LastShutdown = 'clean' | 'unclean' | 'first_run';

const RUN_STATE = 'run_state';
const SETTINGS = 'settings';
/** The settings before any are saved, and when there is no store to read them from. */
export const DEFAULT_SETTINGS: AppSettings = { quitBehavior: 'ask' };

/** The only module that writes `app_meta`: the run marker and the app's own settings. */
export function createMetaRepository(db: Db) {
  const get = (key: string): string | null => (db.prepare<[string], { value: string }>('SELECT value FROM app_meta WHERE key = ?').get(key)?.value ?? null);
  const set = (key: string, value: string): void => {
    db.prepare('INSERT INTO app_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  };
  const settings = (): AppSettings => {
    const raw = get(SETTINGS);
    if (!raw) return DEFAULT_SETTINGS;
    try {
      const parsed = JSON.parse(raw) as Partial<AppSettings>;
      const q = QuitBehavior.safeParse(parsed.quitBehavior);
      const out: AppSettings = { quitBehavior: q.success ? q.data : DEFAULT_SETTINGS.quitBehavior };
      // Each optional setting kept only when valid: one bad value does not reset the others.
      const after = AppSettings.shape.hibernateAfterSeconds.safeParse(parsed.hibernateAfterSeconds);
      if (after.success && after.data !== undefined) out.hibernateAfterSeconds = after.data;
      const orch = AppSettings.shape.hibernateOrchestrators.safeParse(parsed.hibernateOrchestrators);
      if (orch.success && orch.data !== undefined) out.hibernateOrchestrators = orch.data;
      const sound = AppSettings.shape.notificationSound.safeParse(parsed.notificationSound);
      if (sound.success && sound.data !== undefined) out.notificationSound = sound.data;
      const editor = AppSettings.shape.editor.safeParse(parsed.editor);
      if (editor.success && editor.data) out.editor = editor.data;
      return out;
    } catch {
      return DEFAULT_SETTINGS;
    }
  };
  const beginRun = db.transaction((): LastShutdown => {
      const prev = get(RUN_STATE);
      set(RUN_STATE, JSON.stringify({ state: 'running', pid: process.pid, at: new Date().toISOString() }));
      if (prev === null) return 'first_run';
      try {
        return (JSON.parse(prev) as { state?: string }).state === 'clean' ? 'clean' : 'unclean';
      } catch {
        return 'unclean';
      }
  });
  return {
    /**
     * Reads how the last run ended and marks this one as running, in one
     * transaction: a crash from here on is seen as unclean by the next start.
     */
    beginRun: (): LastShutdown => beginRun(),
    /** The clean-shutdown marker: written last, after every session was let go or stopped. */
    endRun(stoppedAgents: boolean): void {
      set(RUN_STATE, JSON.stringify({ state: 'clean', stoppedAgents, at: new Date().toISOString() }));
    },
    settings,
    /** A random secret kept on this machine, created on first use (the MCP tool tokens derive from it). */
    secret(name: string): string {
      const key = `secret:${name}`;
      const existing = get(key);
      if (existing) return existing;
      const value = randomBytes(32).toString('base64url');
      db.prepare('INSERT OR IGNORE INTO app_meta (key, value) VALUES (?, ?)').run(key, value);
      return get(key) ?? value;
    },
    saveSettings(patch: Partial<AppSettings>): AppSettings {
      const next = { ...settings(), ...patch };
      set(SETTINGS, JSON.stringify(next));
      return next;
    },
  };
}

export type MetaRepository = ReturnType<typeof createMetaRepository>;
