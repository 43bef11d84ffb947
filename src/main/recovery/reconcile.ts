import type { ReconcileReport } from '../../shared/contracts/app';
import type { JournalRecord } from '../../shared/journal';
import { LIVE_STATES } from '../../shared/session-state';
import { buildTranscript } from '../../shared/transcript';
import { appendHostRecord, processLiveness } from '../runtime';
import type { EventsRepository } from '../sessions/events-repository';
import type { HostPort } from '../sessions/host-port';
import type { Projector } from '../sessions/projection';
import type { SessionRecord, SessionsRepository } from '../sessions/repository';
import type { SessionsService } from '../sessions/service';
import { decideRecovery } from './decide';
import type { DivergencesRepository } from './divergences-repository';

export interface ReconcileDeps {
  dataDir: string;
  host: HostPort;
  projector: Projector;
  sessions: SessionsRepository;
  events: EventsRepository;
  divergences: DivergencesRepository;
  service: SessionsService;
  emitRecords: (sessionId: string, records: JournalRecord[]) => void;
}

/**
 * How many of the database's newest lines are compared with the journal's:
 * a crash can only leave the two disagreeing at the tail, and comparing a
 * million lines at startup would keep the board waiting.
 */
const TAIL_CHECK = 64;

/**
 * Startup (and "Reconcile now"): every session that was not terminal is
 * decided from its host's liveness and its journal, never from memory.
 */
export async function reconcileSessions(deps: ReconcileDeps): Promise<ReconcileReport> {
  const report: ReconcileReport = { at: new Date().toISOString(), reattached: 0, moved: [], divergences: 0, unreachable: 0 };
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
    report.unreachable++;
    return;
  }
  const journal = deps.host.readJournal(s.id, deps.dataDir);
  if (realignWithJournal(deps, s, journal.records)) report.divergences++;
  // With the host gone the file is complete: apply what the database missed. A live host streams it instead.
  if (!hostAlive) project(deps, s.id, journal.records.filter((r) => r.seq > (deps.sessions.get(s.id)?.lastAppliedSeq ?? 0)));
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
      // Under the host's lock, after repairing a torn tail: never interleaved with a host, never glued to half a line.
      const marker = appendHostRecord(deps.dataDir, s.id, { marker: action.marker, text: action.detail });
      if (marker.ok) project(deps, s.id, deps.host.readJournal(s.id, deps.dataDir).records.filter((r) => r.seq > (deps.sessions.get(s.id)?.lastAppliedSeq ?? 0)));
      else console.warn(`[baton] session ${s.id}: could not append the ${action.marker} marker: ${marker.error.message}`);
    }
    deps.service.move(s.id, action.to, action.trigger, action.detail);
    report.moved.push({ sessionId: s.id, to: action.to });
    return;
  }
  if (connected?.ok) connected.value.link.detach();
}

/**
 * The journal wins for agent events. A database that applied lines the
 * journal does not have, or holds a line the journal contradicts, is cut back
 * to the last line both agree on (the journal's lines are applied after it),
 * and the disagreement is recorded for people to see. Returns whether it was.
 */
function realignWithJournal(deps: ReconcileDeps, s: SessionRecord, records: JournalRecord[]): boolean {
  const dbSeq = s.lastAppliedSeq;
  const journalSeq = records.at(-1)?.seq ?? 0;
  if (dbSeq === 0) return false;
  const bySeq = new Map<number, JournalRecord>();
  const common = Math.min(dbSeq, journalSeq);
  for (let i = records.length - 1; i >= 0 && (records[i] as JournalRecord).seq > common - TAIL_CHECK; i--) bySeq.set((records[i] as JournalRecord).seq, records[i] as JournalRecord);
  let realignFrom = dbSeq > journalSeq ? journalSeq + 1 : null;
  for (const mine of deps.events.list(s.id, Math.max(0, common - TAIL_CHECK), TAIL_CHECK)) {
    if (mine.seq > common) break;
    const theirs = bySeq.get(mine.seq);
    if (!theirs || theirs.dir !== mine.dir || JSON.stringify(theirs.msg) !== JSON.stringify(mine.msg)) {
      realignFrom = mine.seq;
      break;
    }
  }
  if (realignFrom === null) return false;
  const detail =
    realignFrom > journalSeq
      ? `Baton's database had recorded ${dbSeq - journalSeq} line(s) of this session's journal (up to ${dbSeq}) that the journal on disk does not have (it ends at ${journalSeq}). The journal is the record of what the agent did, so those lines were dropped from the transcript.`
      : `Line ${realignFrom} of this session in Baton's database differed from the journal on disk. The journal is the record of what the agent did, so the transcript from line ${realignFrom} on was rebuilt from it.`;
  deps.projector.realign(s.id, realignFrom - 1);
  deps.divergences.record({ sessionId: s.id, dbSeq, journalSeq, realignedFrom: realignFrom, detail });
  console.warn(`[baton] session ${s.id}: divergence: ${detail}`);
  return true;
}

function project(deps: ReconcileDeps, sessionId: string, records: JournalRecord[]): void {
  if (records.length === 0) return;
  const r = deps.projector.apply(sessionId, records);
  if (r.applied.length > 0) deps.emitRecords(sessionId, r.applied);
}
