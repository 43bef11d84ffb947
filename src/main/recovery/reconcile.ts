import type { JournalRecord } from '../../shared/journal';
import { LIVE_STATES } from '../../shared/session-state';
import { buildTranscript } from '../../shared/transcript';
import { processLiveness } from '../runtime';
import type { HostPort } from '../sessions/host-port';
import type { Projector } from '../sessions/projection';
import type { SessionRecord, SessionsRepository } from '../sessions/repository';
import type { SessionsService } from '../sessions/service';
import { decideRecovery } from './decide';
import { appendMarker } from './journal-append';

export interface ReconcileDeps {
  dataDir: string;
  host: HostPort;
  projector: Projector;
  sessions: SessionsRepository;
  service: SessionsService;
  emitRecords: (sessionId: string, records: JournalRecord[]) => void;
}

export interface ReconcileReport {
  reattached: number;
  moved: { sessionId: string; to: string }[];
  divergences: number;
}

/**
 * Startup (and "Reconcile now"): every session that was not terminal is
 * decided from its host's liveness and its journal, never from memory.
 */
export async function reconcileSessions(deps: ReconcileDeps): Promise<ReconcileReport> {
  const report: ReconcileReport = { reattached: 0, moved: [], divergences: 0 };
  const candidates = deps.sessions.listInStates(LIVE_STATES).filter((s) => !deps.service.isLive(s.id));
  await Promise.all(candidates.map((s) => reconcileOne(deps, s, report)));
  return report;
}

async function reconcileOne(deps: ReconcileDeps, s: SessionRecord, report: ReconcileReport): Promise<void> {
  const connected = s.host ? await deps.host.connect(s.id, deps.dataDir, s.host) : null;
  const hostAlive = connected?.ok === true;
  if (!hostAlive && s.host && processLiveness(s.host).alive) {
    // The process is there but its socket did not answer: never write its journal from here.
    console.warn(`[baton] session ${s.id}: host ${s.host.pid} is alive but unreachable; left as it is.`);
    return;
  }
  const journal = deps.host.readJournal(s.id, deps.dataDir);
  if (!hostAlive) catchUpFromDisk(deps, s, journal.records, report);
  const transcript = buildTranscript(journal.records);
  const exitRecord = [...journal.records].reverse().find((r) => r.dir === 'host' && typeof r.msg === 'object' && r.msg !== null && 'exit' in r.msg);
  const exit = exitRecord ? (exitRecord.msg as { exit: { code: number | null; signal: string | null } }).exit : null;
  const current = deps.sessions.get(s.id) ?? s;
  const action = decideRecovery({
    state: current.state,
    hostAlive,
    journal: { turnOpen: transcript.turnOpen, pendingPermission: transcript.pendingPermission, exit },
  });

  if (action.kind === 'reattach' && connected?.ok) {
    if (action.to) deps.service.move(s.id, action.to, 'reconciliation', 'Reattached after a restart.');
    deps.service.reattach(deps.sessions.get(s.id) ?? current, connected.value.link);
    report.reattached++;
    return;
  }
  if (action.kind === 'move') {
    if (action.stopHost && connected?.ok) await connected.value.link.stop(2000);
    else if (connected?.ok) connected.value.link.detach();
    if (action.to === 'interrupted') deps.service.interruptTurns(s.id);
    if (action.marker && !hostAlive) {
      const marker = appendMarker(deps.dataDir, s.id, { marker: action.marker, text: action.detail });
      project(deps, s.id, [marker]);
    }
    deps.service.move(s.id, action.to, action.trigger, action.detail);
    report.moved.push({ sessionId: s.id, to: action.to });
    return;
  }
  if (connected?.ok) connected.value.link.detach();
}

/** The journal wins: lines the database has not applied are applied now; a database ahead of it is a divergence. */
function catchUpFromDisk(deps: ReconcileDeps, s: SessionRecord, records: JournalRecord[], report: ReconcileReport): void {
  const lastOnDisk = records.at(-1)?.seq ?? 0;
  if (s.lastAppliedSeq > lastOnDisk) {
    // Not yet shown to people (a divergence event with acknowledgement is still to come): reported and logged.
    report.divergences++;
    console.warn(`[baton] session ${s.id}: the database applied up to line ${s.lastAppliedSeq} but the journal ends at ${lastOnDisk}.`);
    return;
  }
  project(deps, s.id, records.filter((r) => r.seq > s.lastAppliedSeq));
}

function project(deps: ReconcileDeps, sessionId: string, records: JournalRecord[]): void {
  if (records.length === 0) return;
  const r = deps.projector.apply(sessionId, records);
  if (r.applied.length > 0) deps.emitRecords(sessionId, r.applied);
}
