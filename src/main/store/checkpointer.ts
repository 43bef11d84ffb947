/** WAL checkpoints of Baton's database, run by a worker thread on its own connection so that no fsync runs on the brain's thread. */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './db';

/** How often the worker checkpoints: the WAL holds about this long of commits (a live burst: a few MB). */
export const CHECKPOINT_EVERY_MS = 1000;

/** Past this many WAL pages (64 MB) without the WAL starting over, the worker takes one RESTART checkpoint. */
const RESTART_AT_FRAMES = 16_384;

/**
 * A WAL this long (about 200 MB of 4 KB pages) means the worker's checkpoints never catch up, or the WAL never
 * starts over (the brain committing through every pass): the brain takes its automatic checkpoints back.
 */
const MAX_WAL_FRAMES = 50_000;

/** SQLite's own default: what the brain's connection goes back to if the worker cannot run. */
const AUTOCHECKPOINT_PAGES = 1000;

/** What the worker reports after each checkpoint that had work (SQLite's `wal_checkpoint` row). */
export interface CheckpointReport {
  /** WAL frames at the time of the checkpoint, and how many of them were copied into the database. */
  log: number;
  checkpointed: number;
  ms: number;
}

export interface Checkpointer {
  /** True while a worker does the checkpoints (false: SQLite's automatic ones on the brain's connection, as before). */
  readonly offThread: boolean;
  /** Stops the worker, after its last checkpoint. The brain's `close()` afterwards checkpoints what is left. */
  stop(): Promise<void>;
}

/**
 * The worker's whole program. A string, not a bundled entry: it needs only better-sqlite3 (passed as a resolved
 * path, so it loads the same copy as the brain, under Node or Electron) and runs the same from the sources (tests)
 * and from the build. PASSIVE: it never waits for, nor blocks, the brain's writes; a checkpoint that finds the
 * brain writing copies what it can and the next one copies the rest.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path, workerData.nativeBinding ? { nativeBinding: workerData.nativeBinding, fileMustExist: true } : { fileMustExist: true });
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 50');
// Again while the brain committed during the last pass: the WAL starts over (instead of growing) only at a commit
// that finds every frame copied, and the frames added meanwhile are few, so the next pass is short.
const checkpoint = () => {
  const t0 = performance.now();
  let row = db.pragma('wal_checkpoint(PASSIVE)')[0];
  for (let pass = 1; pass < 4 && row && row.log > 0 && row.checkpointed === row.log; pass++) {
    const next = db.pragma('wal_checkpoint(PASSIVE)')[0];
    if (!next || next.log === row.log) break;
    row = next;
  }
  // The brain committed through every pass for this long: one RESTART, which holds its next commit for the
  // few frames left (they were just copied up to a moment ago), and the WAL starts over.
  if (row && row.log > workerData.restartAt) {
    try { row = db.pragma('wal_checkpoint(RESTART)')[0]; } catch { /* busy: the next tick tries again */ }
  }
  if (row && row.log > 0) parentPort.postMessage({ log: row.log, checkpointed: row.checkpointed, ms: performance.now() - t0 });
};
const timer = setInterval(() => { try { checkpoint(); } catch { /* locked or busy: the next tick tries again */ } }, workerData.everyMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  try { checkpoint(); } finally { db.close(); parentPort.close(); }
});
`;

function isReport(m: unknown): m is CheckpointReport {
  return typeof m === 'object' && m !== null && 'log' in m && 'checkpointed' in m && 'ms' in m && typeof m.log === 'number' && typeof m.checkpointed === 'number' && typeof m.ms === 'number';
}

/**
 * Takes WAL checkpoints off the brain's connection. SQLite's automatic checkpoint runs inside the commit that
 * crosses 1,000 WAL pages, on the committing thread: it copies the pages into the database and fsyncs both
 * files, which on a busy disk stalled a live tick for hundreds of ms (ADR 0027, ADR 0029). Here the brain only
 * appends to the WAL (synchronous = NORMAL: no fsync per commit) and the worker checkpoints every second.
 * If the worker cannot start or fails, the brain's connection gets its automatic checkpoints back: the WAL
 * never grows without bound.
 */
export function startCheckpointer(db: Db, path: string, opts: { everyMs?: number; restartAtFrames?: number; onReport?: (r: CheckpointReport) => void } = {}): Checkpointer {
  if (db.memory || path === ':memory:') return { offThread: false, stop: () => Promise.resolve() };
  let worker: Worker;
  try {
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    const nativeBinding = process.versions.electron ? process.env.BATON_SQLITE_BINDING : undefined;
    worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, path, nativeBinding, everyMs: opts.everyMs ?? CHECKPOINT_EVERY_MS, restartAt: opts.restartAtFrames ?? RESTART_AT_FRAMES } });
  } catch (e) {
    console.error(`[baton] the database's checkpoint worker did not start; checkpoints stay on the main thread (slower live updates under load): ${e instanceof Error ? e.message : String(e)}`);
    return { offThread: false, stop: () => Promise.resolve() };
  }
  db.pragma('wal_autocheckpoint = 0');
  let running = true;
  const fallBack = (why: string): void => {
    if (!running) return;
    running = false;
    console.error(`[baton] the database's checkpoint worker stopped (${why}); checkpoints are back on the main thread. Restart Baton to move them off again.`);
    if (db.open) db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
  };
  worker.on('message', (m: unknown) => {
    if (!isReport(m)) return;
    opts.onReport?.(m);
    if (m.log <= MAX_WAL_FRAMES || !running) return;
    fallBack(`its WAL reached ${m.log} pages`);
    worker.postMessage('stop');
  });
  worker.on('error', (e) => fallBack(e.message));
  worker.on('exit', (code) => fallBack(`exit code ${code}`));
  // The worker alone must not keep a process alive that is otherwise done.
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    get offThread() {
      return running;
    },
    async stop() {
      if (!running) return;
      running = false;
      worker.postMessage('stop');
      await exited;
      if (db.open) db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    },
  };
}
