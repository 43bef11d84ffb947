import type { ReconcileReport } from '../../shared/contracts/app';
import type { JournalRecord } from '../../shared/journal';
import { LIVE_STATES, type SessionState } from '../../shared/session-state';
import type { Result } from '../../shared/result';
import { waitUntilAsync } from '../lib/wait';
import type { EventsRepository } from '../sessions/events-repository';
import type { HostPort, JournalTail, JournalTailRead } from '../sessions/host-port';
import type { Projector } from '../sessions/projection';
import type { SessionRecord, SessionsRepository } from '../sessions/repository';
import type { SessionsService } from '../sessions/service';
import type { CatchUp, CatchUpJob } from './catch-up';
import { decideRecovery } from './decide';
import type { DivergencesRepository } from '../sessions/divergences-repository';
import { parseRecordLine } from '../host/journal-read';

export interface ReconcileDeps {
  dataDir: string;
  host: HostPort;
  projector: Projector;
  sessions: SessionsRepository;
  events: EventsRepository;
  divergences: DivergencesRepository;
  service: SessionsService;
  catchUp: CatchUp;
}

export interface ReconcileRun {
  /** Known once every session's state is decided and committed: the board is accurate. */
  report: ReconcileReport;
  /** Resolves once every journal the database was behind on has been projected (or catch-up was stopped). */
  caughtUp: Promise<void>;
}

/**
 * How many of the database's newest lines are compared with the journal's:
 * a crash can only leave the two disagreeing at the tail, and comparing a
 * million lines at startup would keep the board waiting.
 */
const TAIL_CHECK = 64;

/**
 * How long a live host that refuses connections is given to end before it is
 * left alone as unreachable: a stop's grace (a few seconds) and its exit.
 */
const ENDING_HOST_WAIT_MS = 5000;

/** States a reconcile leaves sessions in whose hosts are gone: their catch-up may have been cut short. */
const SETTLED_STATES: readonly SessionState[] = ['interrupted', 'stopped', 'failed'];

/**
 * Startup (and "Reconcile now"), in two phases. First every session that was
 * not terminal is decided from its host's liveness, the end of its journal
 * and the database, never from memory, and its state committed: that is
 * when the board is accurate, whatever the journals' length. Then what the
 * database missed is projected in the background (catch-up.ts), including
 * the interrupted markers, which are appended there: a journal is read whole
 * only there, never before a decision.
 */
export async function reconcileSessions(deps: ReconcileDeps): Promise<ReconcileRun> {
  const candidates = deps.sessions.listInStates(LIVE_STATES).filter((s) => !deps.service.isLive(s.id));
  const { report, first } = await decide(deps, candidates);
  const decided = new Set(candidates.map((s) => s.id));
  const caughtUp = (async () => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    await Promise.all([first, deps.catchUp.enqueue(await unfinishedCatchUps(deps, decided))]);
  })();
  return { report, caughtUp };
}

/**
 * One session whose host was lost while Baton kept running: decided and its
 * journal caught up (its marker appended) as at startup, and no other
 * session looked at.
 */
export async function reconcileSession(deps: ReconcileDeps, sessionId: string): Promise<ReconcileRun> {
  const s = deps.sessions.get(sessionId);
  const candidates = s && LIVE_STATES.includes(s.state) && !deps.service.isLive(s.id) ? [s] : [];
  const { report, first } = await decide(deps, candidates);
  return { report, caughtUp: first };
}

/** Phase one for these sessions: every state decided and committed; their catch-up jobs queued (`first`). */
async function decide(deps: ReconcileDeps, candidates: readonly SessionRecord[]): Promise<{ report: ReconcileReport; first: Promise<void> }> {
  const report: ReconcileReport = { at: new Date().toISOString(), reattached: 0, moved: [], divergences: 0, unreachable: 0 };
  const jobs: CatchUpJob[] = [];
  await Promise.all(candidates.map(async (s) => {
    const job = await reconcileOne(deps, s, report);
    if (job) jobs.push(job);
  }));
  return { report, first: deps.catchUp.enqueue(jobs) };
}

/**
 * A session's journal, read where its host runs: its tail (what recovery decides on) and the lines the
 * divergence check compares, (common - TAIL_CHECK, common] with common = min(database's seq, journal's).
 * Read from the end and by bisection, here or on the remote (one round trip there), never whole: a remote
 * journal of many MB costs a few KiB. `unreachable` when the host's machine cannot be reached now.
 */
interface JournalView {
  tail: JournalTail;
  /** The compared lines by seq, unparsed. */
  lines: Map<number, string>;
}

const compared = (through: number) => ({ afterSeq: Math.max(0, through - TAIL_CHECK), throughSeq: through });
const viewOf = (r: JournalTailRead): JournalView => ({ tail: r.tail, lines: new Map(r.lines.map((l) => [l.seq, l.text])) });

/** `dbSeq`: the database's last applied line (0: no lines are compared, only the tail is read). */
async function journalOf(deps: ReconcileDeps, sessionId: string, dbSeq: number): Promise<Result<JournalView>> {
  const r = await deps.host.journalTail(sessionId, deps.dataDir, compared(dbSeq));
  if (!r.ok || r.value.tail.lastSeq >= dbSeq) return r.ok ? { ok: true, value: viewOf(r.value) } : r;
  // The journal ends before the database (a divergence, rare): the lines compared are the journal's last ones.
  const again = await deps.host.journalTail(sessionId, deps.dataDir, compared(r.value.tail.lastSeq));
  return again.ok ? { ok: true, value: viewOf(again.value) } : again;
}

/**
 * Its host's machine cannot be reached (the SSH link is down): nothing is known of the host or its journal,
 * so nothing is decided. The state stays as it was, the fact is recorded (the board shows Disconnected),
 * and the link's return reconciles it again (core.ts).
 */
function leaveUnreachable(deps: ReconcileDeps, s: SessionRecord, report: ReconcileReport, why: string): null {
  report.unreachable++;
  deps.service.markUnreachable(s.id, why);
  return null;
}

async function reconcileOne(deps: ReconcileDeps, s: SessionRecord, report: ReconcileReport): Promise<CatchUpJob | null> {
  const connected = s.host ? await deps.host.connect(s.id, deps.dataDir, s.host) : null;
  if (connected && !connected.ok && connected.error.code === 'unreachable') return leaveUnreachable(deps, s, report, connected.error.message);
  const hostAlive = connected?.ok === true;
  // A host that is stopping (or ending after its agent's exit) refuses new connections and is gone within moments.
  const host = s.host;
  const liveness = async () => (host ? deps.host.liveness(s.id, deps.dataDir, host) : 'gone');
  if (!hostAlive && host && (await liveness()) === 'alive') await waitUntilAsync(async () => (await liveness()) !== 'alive', ENDING_HOST_WAIT_MS, 100);
  const now = !hostAlive && host ? await liveness() : 'gone';
  if (now === 'unreachable') return leaveUnreachable(deps, s, report, `The link to the session's host went down while it was being reconciled.`);
  if (now === 'alive') {
    // The process is there but its socket did not answer: never write its journal from here.
    console.warn(`[baton] session ${s.id}: host ${host?.pid ?? '?'} is alive but unreachable; left as it is.`);
    report.unreachable++;
    return null;
  }
  const journal = await journalOf(deps, s.id, s.lastAppliedSeq);
  if (!journal.ok) {
    if (journal.error.code === 'unreachable') {
      if (connected?.ok) connected.value.link.detach();
      return leaveUnreachable(deps, s, report, journal.error.message);
    }
    console.warn(`[baton] session ${s.id}: its journal could not be read, left as it is: ${journal.error.message}`);
    if (connected?.ok) connected.value.link.detach();
    return null;
  }
  // Reached: whatever it was, it is not unreachable any more.
  deps.service.markUnreachable(s.id, null);
  const tail = journal.value.tail;
  if (realignWithJournal(deps, s, journal.value, tail.lastSeq)) report.divergences++;
  const current = deps.sessions.get(s.id) ?? s;
  const action = decideRecovery({
    state: current.state,
    hostAlive,
    journal: { turnOpen: tail.turnOpen, pendingPermission: tail.pendingPermission, exit: tail.exit, turnOpenAtExit: tail.turnOpenAtExit },
  });
  // With the host gone the file is complete and ours to apply; a live host streams it instead.
  let job: CatchUpJob | null = hostAlive ? null : { sessionId: s.id, throughSeq: tail.lastSeq };

  if (action.kind === 'reattach' && connected?.ok) {
    if (action.to) warnRefused(s.id, deps.service.transition(s.id, action.to, 'reconciliation', { detail: 'Reattached after a restart.' }));
    deps.service.reattach(deps.sessions.get(s.id) ?? current, connected.value.link);
    report.reattached++;
    return null;
  }
  if (action.kind === 'move') {
    if (action.stopHost && connected?.ok) {
      await connected.value.link.stop(2000);
      // What the host journaled until it stopped (its exit among it) is the file's now: project all of it.
      const after = await journalOf(deps, s.id, 0);
      job = { sessionId: s.id, throughSeq: after.ok ? after.value.tail.lastSeq : tail.lastSeq };
    } else if (connected?.ok) connected.value.link.detach();
    if (action.to === 'interrupted') {
      // Turn rows are finished by the lines still to be applied; only what stays open after them was interrupted.
      if (job) job.finish = () => deps.service.interruptTurns(s.id);
      else deps.service.interruptTurns(s.id);
    }
    if (action.marker && job) {
      const marker = action.marker;
      job.prepare = () => appendMarker(deps, s.id, marker, action.detail);
    }
    warnRefused(s.id, deps.service.transition(s.id, action.to, action.trigger, { detail: action.detail }));
    report.moved.push({ sessionId: s.id, to: action.to });
  } else if (connected?.ok) connected.value.link.detach();
  return job && (job.prepare || job.throughSeq > current.lastAppliedSeq) ? job : null;
}

/** The recovery table only asks for moves the state table allows; a refusal means they disagree, a bug worth a warning. */
function warnRefused(id: string, r: Result<unknown>): void {
  if (!r.ok) console.warn(`[baton] session ${id}: recovery's move was refused: ${r.error.message}`);
}

/**
 * Under the host's lock, after repairing a torn tail: never interleaved with a
 * host, never glued to half a line. Returns the marker's seq.
 */
async function appendMarker(deps: ReconcileDeps, sessionId: string, marker: string, text: string): Promise<number | null> {
  const r = await deps.host.appendMarker(sessionId, deps.dataDir, { marker, text });
  if (r.ok) return r.value;
  console.warn(`[baton] session ${sessionId}: could not append the ${marker} marker: ${r.error.message}`);
  return null;
}

/**
 * A reconcile commits states before it projects, so a crash (or a quit)
 * during catch-up leaves sessions already interrupted, stopped or failed with
 * lines, or even their marker, still to come. Nothing else would ever
 * reconcile them again, so every start looks at their journals' last lines.
 */
async function unfinishedCatchUps(deps: ReconcileDeps, skip: ReadonlySet<string>): Promise<CatchUpJob[]> {
  const jobs: CatchUpJob[] = [];
  for (const s of deps.sessions.listInStates(SETTLED_STATES)) {
    if (skip.has(s.id) || deps.service.isLive(s.id) || deps.catchUp.pending(s.id)) continue;
    // A remote journal is read over its link; one that cannot be reached now is looked at on a later start.
    const journal = await journalOf(deps, s.id, 0);
    if (!journal.ok) continue;
    const tail = journal.value.tail;
    const interrupted = s.state === 'interrupted';
    // Every move to interrupted comes with a marker; one still missing was cut off before it was appended.
    const needsMarker = interrupted && tail.lastSeq > 0 && !tail.interruptedMarker;
    if (tail.lastSeq <= s.lastAppliedSeq && !needsMarker) {
      if (interrupted) deps.service.interruptTurns(s.id);
      continue;
    }
    jobs.push({
      sessionId: s.id,
      throughSeq: tail.lastSeq,
      ...(needsMarker ? { prepare: () => appendMarker(deps, s.id, 'interrupted', 'The session host was gone while a turn was open. Continue picks it up.') } : {}),
      ...(interrupted ? { finish: () => deps.service.interruptTurns(s.id) } : {}),
    });
  }
  return jobs;
}

/**
 * Whether the journal's line says what the database applied. Usually it is
 * byte for byte the line the host would write for that record, which needs no
 * parsing; otherwise (an agent's own spacing, say) the messages are compared.
 */
function sameLine(mine: JournalRecord, line: string | undefined): boolean {
  if (line === undefined) return false;
  const msg = JSON.stringify(mine.msg);
  if (line === `{"v":${mine.v},"seq":${mine.seq},"ts":${mine.ts},"dir":"${mine.dir}","msg":${msg}}`) return true;
  const theirs = parseRecordLine(line);
  return theirs !== null && theirs.dir === mine.dir && JSON.stringify(theirs.msg) === msg;
}

/**
 * The journal wins for agent events. A database that applied lines the
 * journal does not have, or holds a line the journal contradicts, is cut back
 * to the last line both agree on (the journal's lines are applied after it),
 * and the disagreement is recorded for people to see. Returns whether it was.
 * Only the lines around the database's last one are read, by bisection.
 */
function realignWithJournal(deps: ReconcileDeps, s: SessionRecord, journal: JournalView, journalSeq: number): boolean {
  const dbSeq = s.lastAppliedSeq;
  if (dbSeq === 0) return false;
  const common = Math.min(dbSeq, journalSeq);
  const from = Math.max(0, common - TAIL_CHECK);
  const theirs = journal.lines;
  let realignFrom = dbSeq > journalSeq ? journalSeq + 1 : null;
  for (const mine of deps.events.list(s.id, from, TAIL_CHECK)) {
    if (mine.seq > common) break;
    if (!sameLine(mine, theirs.get(mine.seq))) {
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
