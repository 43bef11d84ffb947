/** The app-status slice: main's status (store, recovery, settings, mode), loaded by query and followed by event. */
import type { StateCreator } from 'zustand';
import type { AppSettings, AppStatus } from '../../../shared/contracts/app';
import type { Result } from '../../../shared/result';
import type { BatonState, StoreDeps } from './types';

export interface AppSlice {
  status: AppStatus | null;
  statusError: string | null;
  loadStatus(): Promise<void>;
  /** Takes a status from a query or from `app.statusChanged`. */
  receiveStatus(status: AppStatus): void;
  saveSettings(patch: Partial<AppSettings>): Promise<Result<AppSettings>>;
}

/**
 * A reconcile finished since the status the store held: sessions may have moved
 * or had their transcript rebuilt without a `sessions.changed` for each, so the
 * caller reloads them.
 */
export function reconcileFinished(before: AppStatus | null, after: AppStatus): boolean {
  if (after.recovery.reconciling) return false;
  if (before?.recovery.reconciling) return true;
  const at = after.recovery.lastReconcile?.at;
  return at !== undefined && at !== before?.recovery.lastReconcile?.at;
}

export const createAppSlice =
  (deps: StoreDeps): StateCreator<BatonState, [], [], AppSlice> =>
  (set, get) => ({
    status: null,
    statusError: null,
    async loadStatus() {
      const r = await deps.api.app.status({});
      if (r.ok) get().receiveStatus(r.value);
      else set({ statusError: r.error.message });
    },
    receiveStatus(status) {
      const before = get().status;
      set({ status, statusError: null });
      get().noteRecovery(status);
      if (!before) get().settlePlace();
      if (before && reconcileFinished(before, status)) void get().loadSessions();
    },
    async saveSettings(patch) {
      const r = await deps.api.app.updateSettings(patch);
      const status = get().status;
      // The statusChanged event brings the same; setting it now keeps the dialog from flickering back.
      if (r.ok && status) set({ status: { ...status, settings: r.value } });
      return r;
    },
  });

/** The store error screen replaces the app when the database cannot be trusted. */
export const selectStoreError = (s: BatonState) => (s.status?.store.state === 'error' ? s.status.store : null);

export const selectQuitBehavior = (s: BatonState) => s.status?.settings.quitBehavior ?? null;
