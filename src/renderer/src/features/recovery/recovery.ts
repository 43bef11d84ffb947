/** The recovery slice: the startup notice, a reconcile run, and the words that report what recovery did. */
import type { StateCreator } from 'zustand';
import type { AppStatus, ReconcileReport } from '../../../../shared/contracts/app';
import type { BatonState, StoreDeps } from '../../app/types';

export type ReconcileRun = { phase: 'idle' } | { phase: 'running' } | { phase: 'done'; report: ReconcileReport } | { phase: 'error'; message: string };

export interface StartupNotice {
  /** The reconcile that followed the unclean start; null while it is still running. */
  report: ReconcileReport | null;
  dismissed: boolean;
}

export interface RecoverySlice {
  reconcileRun: ReconcileRun;
  startupNotice: StartupNotice;
  reconcileNow(): Promise<void>;
  /** Called with every status: fills the startup notice in once the startup reconcile has finished. */
  noteRecovery(status: AppStatus): void;
  dismissStartupNotice(): void;
  /** After a reconnect the server may be a new run with its own shutdown story. */
  resetStartupNotice(): void;
}

const FRESH_NOTICE: StartupNotice = { report: null, dismissed: false };

export const createRecoverySlice =
  (deps: StoreDeps): StateCreator<BatonState, [], [], RecoverySlice> =>
  (set, get) => ({
    reconcileRun: { phase: 'idle' },
    startupNotice: FRESH_NOTICE,
    async reconcileNow() {
      if (get().reconcileRun.phase === 'running') return;
      set({ reconcileRun: { phase: 'running' } });
      const r = await deps.api.app.reconcile({});
      // No reload here: the statusChanged that ends the reconcile has receiveStatus reload the sessions.
      set({ reconcileRun: r.ok ? { phase: 'done', report: r.value } : { phase: 'error', message: r.error.message } });
    },
    noteRecovery(status) {
      const { lastShutdown, lastReconcile, reconciling } = status.recovery;
      const notice = get().startupNotice;
      if (lastShutdown !== 'unclean' || notice.report || !lastReconcile || reconciling) return;
      set({ startupNotice: { ...notice, report: lastReconcile } });
    },
    dismissStartupNotice: () => set((s) => ({ startupNotice: { ...s.startupNotice, dismissed: true } })),
    resetStartupNotice: () => set({ startupNotice: FRESH_NOTICE }),
  });

/** The notice after an unclean shutdown, or null when there is none to show. */
export const selectStartupNotice = (s: BatonState): StartupNotice | null =>
  s.status?.recovery.lastShutdown === 'unclean' && !s.startupNotice.dismissed ? s.startupNotice : null;

/** Main's own flag (startup, another window) or this window's request in flight. */
export const selectReconciling = (s: BatonState): boolean => s.reconcileRun.phase === 'running' || (s.status?.recovery.reconciling ?? false);

export interface ReportCounts {
  reattached: number;
  interrupted: number;
  failed: number;
  detached: number;
  stopped: number;
  divergences: number;
  unreachable: number;
}

export function reportCounts(r: ReconcileReport): ReportCounts {
  const to = (state: string) => r.moved.filter((m) => m.to === state).length;
  return {
    reattached: r.reattached,
    interrupted: to('interrupted'),
    failed: to('failed'),
    detached: to('idle'),
    stopped: to('stopped'),
    divergences: r.divergences,
    unreachable: r.unreachable,
  };
}

/** What a reconcile did as counted phrases, most important first; empty when it did nothing. */
function reportParts(r: ReconcileReport): { n: number; what: string }[] {
  const c = reportCounts(r);
  const parts: [number, string][] = [
    [c.reattached, 'reattached'],
    [c.interrupted, 'interrupted'],
    [c.failed, 'failed'],
    [c.detached, 'detached'],
    [c.stopped, 'stopped'],
    [c.divergences, 'rebuilt from the journal'],
    [c.unreachable, 'not answering'],
  ];
  return parts.filter(([n]) => n > 0).map(([n, what]) => ({ n, what }));
}

/** "2 reattached, 1 interrupted" as a list. */
export const reportPhrases = (r: ReconcileReport): string[] => reportParts(r).map(({ n, what }) => `${n} ${what}`);

export function summarizeReport(r: ReconcileReport): string {
  const phrases = reportPhrases(r);
  return phrases.length > 0 ? `Reconciled: ${phrases.join(', ')}` : 'Reconciled: every session was already in order';
}

/** The startup notice's sentence, e.g. "Baton was not shut down cleanly; 2 sessions reattached, 1 interrupted." */
export function describeUncleanStart(r: ReconcileReport | null, reconciling = true): string {
  const head = 'Baton was not shut down cleanly';
  if (!r && reconciling) return `${head}; checking every session against its host and journal…`;
  // The startup reconcile did not finish (it failed, or the store is not open): never a spinner forever.
  if (!r) return `${head}, and its sessions have not been checked yet. Reconcile now (status bar) checks them.`;
  const parts = reportParts(r);
  if (parts.length === 0) return `${head}; no session needed recovering.`;
  // The noun goes on the first count only: "2 sessions reattached, 1 interrupted".
  const phrases = parts.map(({ n, what }, i) => (i === 0 ? `${n} ${n === 1 ? 'session' : 'sessions'} ${what}` : `${n} ${what}`));
  return `${head}; ${phrases.join(', ')}.`;
}

/** What to do next, for each thing the reconcile found that needs a person. */
export function uncleanStartAdvice(r: ReconcileReport): string[] {
  const c = reportCounts(r);
  const advice: string[] = [];
  if (c.interrupted > 0) advice.push('Interrupted sessions show Continue on their card: it starts the agent again where it stopped.');
  if (c.failed > 0) advice.push('Failed sessions offer Retry, with the reason on their card.');
  if (c.divergences > 0) advice.push('Sessions whose transcript was rebuilt from the journal are marked; acknowledge them once you have looked.');
  if (c.unreachable > 0) advice.push('Some session hosts are running but did not answer; Reconcile now (status bar) tries them again.');
  return advice;
}
