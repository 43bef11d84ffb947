import type { JournalRecord } from '../../shared/journal';
import type { HostPort } from '../sessions/host-port';
import type { Projector } from '../sessions/projection';
import type { SessionsRepository } from '../sessions/repository';
import { JournalCursor } from '../runtime';

/** One session's journal lines that the database has not applied yet, projected after the board is right. */
export interface CatchUpJob {
  sessionId: string;
  /** The journal's last seq when the session was decided; lines a host writes later are not ours to apply. */
  throughSeq: number;
  /** Runs once before any line is applied (appending a marker, say); returns a later seq to catch up through. */
  prepare?: () => Promise<number | null> | number | null;
  /** Runs once every line is applied (finishing the turns an interruption left open, say). */
  finish?: () => void;
}

export interface CatchUpDeps {
  dataDir: string;
  /** Where each journal is read: a file here, or through the host's port where it runs (ADR 0018). */
  host: Pick<HostPort, 'journalFile' | 'readJournal'>;
  sessions: SessionsRepository;
  projector: Projector;
  /** After each committed batch: never before. */
  emitRecords: (sessionId: string, records: JournalRecord[]) => void;
  /** Once a session is caught up, so its card's lastSeq is refreshed. */
  emitChanged: (sessionId: string, projectId: string) => void;
}

/** Records per transaction. */
const BATCH = 1000;
/** How long catch-up may hold the event loop before letting requests and events through. */
const SLICE_MS = 12;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Projects what the database missed, one session at a time, in batches of
 * one transaction each, yielding the event loop every few milliseconds so
 * the app answers while it works. Every batch is idempotent (keyed by seq)
 * and last_applied_seq moves with it, so stopping between two batches (at
 * close) loses nothing: the next reconcile starts where this one stopped.
 */
export function createCatchUp(deps: CatchUpDeps) {
  const queue: CatchUpJob[] = [];
  const waiters = new Map<string, Array<() => void>>();
  let current: string | null = null;
  let running = false;
  let worker: Promise<void> = Promise.resolve();
  let stopped = false;

  const release = (sessionId: string) => {
    for (const w of waiters.get(sessionId) ?? []) w();
    waiters.delete(sessionId);
  };

  const pending = (sessionId: string): boolean => current === sessionId || queue.some((q) => q.sessionId === sessionId);

  async function run(): Promise<void> {
    try {
      // Never inside the caller's tick: whoever enqueued (reconcile) reports the board first.
      await yieldToLoop();
      while (!stopped) {
        const job = queue.shift();
        if (!job) break;
        current = job.sessionId;
        try {
          await runJob(job);
        } catch (e) {
          console.error(`[baton] session ${job.sessionId}: catching up with its journal failed:`, e);
        } finally {
          current = null;
          release(job.sessionId);
        }
      }
    } finally {
      // In the same tick as the last look at the queue: a job enqueued after this starts a new worker.
      running = false;
      queue.length = 0;
      for (const id of [...waiters.keys()]) release(id);
    }
  }

  async function runJob(job: CatchUpJob): Promise<void> {
    const id = job.sessionId;
    const through = Math.max(job.throughSeq, (await job.prepare?.()) ?? 0);
    const from = deps.sessions.get(id)?.lastAppliedSeq ?? 0;
    const file = deps.host.journalFile(id, deps.dataDir);
    const cursor = file ? JournalCursor.open(file, from, through) : await remoteCursor(deps, id, from, through);
    if (!cursor) return;
    let sliceStart = performance.now();
    try {
      for (;;) {
        if (stopped) return;
        const batch = cursor.next(BATCH);
        if (batch.length === 0) break;
        const r = deps.projector.apply(id, batch);
        if (r.applied.length > 0) deps.emitRecords(id, r.applied);
        // Skipped, and recorded as a divergence by the projector: what follows a damaged line is still the session's.
        for (const h of r.holes) console.warn(`[baton] session ${id}: its journal jumps from seq ${h.expected - 1} to ${h.got}; the damaged or missing line(s) were skipped.`);
        if (performance.now() - sliceStart > SLICE_MS) {
          await yieldToLoop();
          sliceStart = performance.now();
        }
      }
    } finally {
      cursor.close();
    }
    job.finish?.();
    const s = deps.sessions.get(id);
    if (s) deps.emitChanged(id, s.projectId);
  }

  return {
    /** Queues jobs (one per session; a session already queued keeps its job); resolves when the queue is empty. */
    enqueue(jobs: readonly CatchUpJob[]): Promise<void> {
      if (stopped) return Promise.resolve();
      for (const job of jobs) if (!pending(job.sessionId)) queue.push(job);
      if (!running && queue.length > 0) {
        running = true;
        worker = run();
      }
      return worker;
    },

    /** Whether a session still has lines waiting to be applied. */
    pending,

    /** Resolves once the session has nothing left to catch up; its job goes to the front of the queue. */
    settled(sessionId: string): Promise<void> {
      if (!pending(sessionId)) return Promise.resolve();
      const at = queue.findIndex((q) => q.sessionId === sessionId);
      if (at > 0) queue.unshift(...queue.splice(at, 1));
      return new Promise((resolve) => waiters.set(sessionId, [...(waiters.get(sessionId) ?? []), resolve]));
    },

    /** Stops between two batches and resolves when the worker has let go of the database. */
    async stop(): Promise<void> {
      stopped = true;
      await worker;
    },
  };
}

export type CatchUp = ReturnType<typeof createCatchUp>;

/**
 * A remote host's journal lines in (from, through], read through the port in one round trip (found there by
 * bisection: only what the database is behind on crosses the link), as a cursor like a file's.
 * Unreadable (the link went down): null, and the session is caught up when it is reconciled again.
 */
async function remoteCursor(deps: CatchUpDeps, id: string, from: number, through: number): Promise<Pick<JournalCursor, 'next' | 'close'> | null> {
  const r = await deps.host.readJournal(id, deps.dataDir, from, through);
  if (!r.ok) {
    console.warn(`[baton] session ${id}: its journal could not be read to catch up: ${r.error.message}`);
    return null;
  }
  const records = r.value.records.filter((x) => x.seq > from && x.seq <= through);
  return { next: (n: number) => records.splice(0, n), close: () => undefined };
}

/**
 * The HostPort the sessions service uses: a session's host is not launched
 * while its journal is still being caught up, or the new live session would
 * stream those old lines again and take their exit or prompt records as
 * happening now. Its job jumps the queue, so the wait is for that session only.
 */
export function holdLaunchesDuringCatchUp(host: HostPort, catchUp: Pick<CatchUp, 'settled'>): HostPort {
  return {
    launch: async (opts) => {
      await catchUp.settled(opts.sessionId);
      return host.launch(opts);
    },
    connect: (sessionId, dataDir, expected) => host.connect(sessionId, dataDir, expected),
    liveness: (sessionId, dataDir, h) => host.liveness(sessionId, dataDir, h),
    journalFile: (sessionId, dataDir) => host.journalFile(sessionId, dataDir),
    readJournal: (sessionId, dataDir, fromSeq, throughSeq) => host.readJournal(sessionId, dataDir, fromSeq, throughSeq),
    journalTail: (sessionId, dataDir, check) => host.journalTail(sessionId, dataDir, check),
    appendMarker: (sessionId, dataDir, msg) => host.appendMarker(sessionId, dataDir, msg),
    readAgentLog: (sessionId, dataDir, maxBytes) => host.readAgentLog(sessionId, dataDir, maxBytes),
  };
}
