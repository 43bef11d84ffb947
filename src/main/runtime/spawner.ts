/**
 * Main's side of the spawner process (spawner-process.ts, ADR 0030): git is started there, so libuv's wait for
 * each child's exec holds that process's loop instead of main's. Started at the first call under the person's
 * umask, started again at the next call if it ends; a call it was running when it ended fails with ESPAWNER once
 * that git has ended (it may or may not have done its work: the caller's error says to retry), and a git that hangs
 * is still killed from here by the caller's timeout. Never keeps main alive on its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { isPidAlive } from '../host/proc';
import { failedRun, killGroup, type ChildOutcome, type ChildRequest, type ChildRun, type ChildRunner } from '../lib/child-runner';
import { withUserUmask } from '../lib/umask';
import { findHostScript } from './host-process';

interface Pending {
  out: Buffer[];
  err: Buffer[];
  resolve: (o: ChildOutcome) => void;
  /** The git's pid, once the spawner said it started it. */
  pid?: number;
  group: boolean;
}

/** How often a git whose spawner ended is looked at, to answer its call once it is gone. */
const ORPHAN_POLL_MS = 100;

export interface Spawner extends ChildRunner {
  /** The spawner's pid while it runs (tests end it to prove a call fails cleanly and the next one starts it again). */
  pid(): number | null;
  close(): void;
}

/** The end frame's outcome; one that cannot be read fails its call rather than throwing in a stream listener. */
function endOf(payload: Buffer, p: Pending): ChildOutcome {
  let end: { code: number | null; error?: { code: string; message: string } };
  try {
    end = JSON.parse(payload.toString('utf8')) as typeof end;
  } catch {
    return { ok: false, code: 'ESPAWNER', message: 'the spawner sent an end it could not read' };
  }
  return end.error ? { ok: false, code: end.error.code, message: end.error.message } : { ok: true, code: end.code ?? 1, stdout: Buffer.concat(p.out), stderr: Buffer.concat(p.err).toString('utf8') };
}

export function defaultSpawnerScript(): string | null {
  return findHostScript('BATON_SPAWNER_SCRIPT', 'spawner.js');
}

/** A spawner on `script`, or null when there is no built script (then git is spawned from this process). */
export function createSpawner(script: string | null = defaultSpawnerScript()): Spawner | null {
  if (!script) return null;
  const path = script;
  let proc: ChildProcess | null = null;
  const pending = new Map<number, Pending>();
  let nextId = 1;

  /** A frame reader of its own per spawner child: bytes of a dead one can never be read as the next one's frames. */
  function frameReader(): (chunk: Buffer) => void {
    let buf: Buffer = Buffer.alloc(0);
    return (chunk) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      while (buf.length >= 9) {
        const len = buf.readUInt32BE(5);
        if (buf.length < 9 + len) break;
        const type = buf.readUInt8(0);
        const id = buf.readUInt32BE(1);
        const payload = buf.subarray(9, 9 + len);
        buf = buf.subarray(9 + len);
        const p = pending.get(id);
        if (!p) continue; // Killed and answered already.
        if (type === 1) p.out.push(Buffer.from(payload));
        else if (type === 2) p.err.push(Buffer.from(payload));
        else if (type === 4 && payload.length === 4) p.pid = payload.readUInt32BE(0);
        else if (type === 3) {
          pending.delete(id);
          p.resolve(endOf(payload, p));
        }
      }
    };
  }

  /** Gits whose spawner ended while they ran: main can still kill them (the caller's timeout), and answers once they are gone. */
  const orphans = new Map<number, Pending & { pid: number }>();
  let orphanTimer: ReturnType<typeof setInterval> | null = null;
  const cutShort = (): ChildOutcome => ({ ok: false, code: 'ESPAWNER', message: 'the spawner process ended while it ran' });

  function watchOrphans(): void {
    orphanTimer ??= setInterval(() => {
      for (const [id, o] of orphans) {
        if (isPidAlive(o.pid)) continue;
        orphans.delete(id);
        o.resolve(cutShort());
      }
      if (orphans.size === 0 && orphanTimer) {
        clearInterval(orphanTimer);
        orphanTimer = null;
      }
    }, ORPHAN_POLL_MS);
    orphanTimer.unref();
  }

  function ended(which: ChildProcess): void {
    if (proc !== which) return;
    proc = null;
    // A git it had started runs on (its own process group, detached): answered when it ends, or killed from here by
    // the caller's timeout, as a hung git must be. One it had not started yet is answered now.
    for (const [id, p] of pending) {
      if (p.pid === undefined) p.resolve(cutShort());
      else orphans.set(id, { ...p, pid: p.pid });
    }
    pending.clear();
    if (orphans.size > 0) watchOrphans();
  }

  function ensure(): ChildProcess {
    if (proc) return proc;
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1';
    const child = withUserUmask(() => spawn(process.execPath, [path], { stdio: ['pipe', 'pipe', 'inherit'], env, windowsHide: true }));
    proc = child;
    child.stdout?.on('data', frameReader());
    // 'close', not 'exit': its stdout has been read to the end by then, so a last end frame is not lost.
    child.on('close', () => ended(child));
    child.on('error', () => ended(child));
    child.stdin?.on('error', () => ended(child));
    // Neither the process nor its pipes keep main alive: a call's own timeout timer does while it runs.
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    (child.stdout as unknown as { unref?: () => void } | null)?.unref?.();
    return child;
  }

  return {
    run(command: string, args: readonly string[], req: ChildRequest): ChildRun {
      const id = nextId++;
      const p: Pending = { out: [], err: [], resolve: () => undefined, group: req.group };
      const done = new Promise<ChildOutcome>((resolve) => (p.resolve = resolve));
      let child: ChildProcess;
      try {
        child = ensure();
      } catch (e) {
        // The spawner itself could not be started (EAGAIN, EMFILE): this call fails as a spawn would, and the next tries again.
        return failedRun(e);
      }
      pending.set(id, p);
      const input = req.input === undefined ? undefined : Buffer.from(req.input).toString('base64');
      child.stdin?.write(`${JSON.stringify({ t: 'run', id, command, args, cwd: req.cwd, env: req.env, group: req.group, ...(input ? { input } : {}) })}\n`);
      return {
        done,
        kill() {
          const orphan = orphans.get(id);
          if (orphan) {
            // Its spawner is gone: killed from here, by the pid (and group) the spawner reported.
            orphans.delete(id);
            killGroup(orphan.pid, orphan.group, () => {
              try {
                process.kill(orphan.pid, 'SIGKILL');
              } catch {
                // Gone already: nothing to kill.
              }
            });
            orphan.resolve(cutShort());
            return;
          }
          if (!pending.has(id)) return;
          proc?.stdin?.write(`${JSON.stringify({ t: 'kill', id })}\n`);
        },
        stderrSoFar: () => Buffer.concat(p.err).toString('utf8'),
      };
    },
    pid: () => proc?.pid ?? null,
    close() {
      // Gits a dead spawner left are not waited on any more (also when no spawner runs now).
      for (const o of orphans.values()) o.resolve({ ok: false, code: 'ESPAWNER', message: 'Baton is closing' });
      orphans.clear();
      if (orphanTimer) clearInterval(orphanTimer);
      orphanTimer = null;
      const child = proc;
      if (!child) return;
      proc = null;
      // Its stdin closing ends it; gits it started finish on their own.
      child.stdin?.end();
      for (const p of pending.values()) p.resolve({ ok: false, code: 'ESPAWNER', message: 'Baton is closing' });
      pending.clear();
    },
  };
}
