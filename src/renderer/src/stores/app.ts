import type { StateCreator } from 'zustand';
import type { AppStatus } from '../../../shared/contracts/app';
import type { BatonState, StoreDeps } from './index';

export interface AppSlice {
  status: AppStatus | null;
  statusError: string | null;
  loadStatus(): Promise<void>;
}

export const createAppSlice =
  (deps: StoreDeps): StateCreator<BatonState, [], [], AppSlice> =>
  (set) => ({
    status: null,
    statusError: null,
    async loadStatus() {
      const r = await deps.api.app.status({});
      if (r.ok) set({ status: r.value, statusError: null });
      else set({ statusError: r.error.message });
    },
  });

/** The store error screen replaces the app when the database cannot be trusted. */
export const selectStoreError = (s: BatonState) => (s.status?.store.state === 'error' ? s.status.store : null);
