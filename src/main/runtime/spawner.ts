/**
 * Main's side of the spawner process (spawner-process.ts, ADR 0030): git is started there, so libuv's wait for
 * each child's exec holds that process's loop instead of main's. Started at the first call under the person's
 * umask, started again at the next call if it ends; a call it was running when it ended fails with ESPAWNER
 * (git may or may not have finished: the caller's error says to retry). Never keeps main alive on its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { failedRun, type ChildOutcome, type ChildRequest, type ChildRun, type ChildRunner } from '../lib/child-runner';
import { withUserUmask } from '../lib/umask';
import { findHostScript } from './host-process';

interface Pending {
  out: Buffer[];
  err: Buffer[];
  resolve: (o: ChildOutcome) => void;
}

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
        else if (type === 3) {
          pending.delete(id);
          p.resolve(endOf(payload, p));
        }
      }
    };
  }

  function ended(which: ChildProcess): void {
    if (proc !== which) return;
    proc = null;
    for (const p of pending.values()) p.resolve({ ok: false, code: 'ESPAWNER', message: 'the spawner process ended while it ran' });
    pending.clear();
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
      const p: Pending = { out: [], err: [], resolve: () => undefined };
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
          if (!pending.has(id)) return;
          proc?.stdin?.write(`${JSON.stringify({ t: 'kill', id })}\n`);
        },
        stderrSoFar: () => Buffer.concat(p.err).toString('utf8'),
      };
    },
    pid: () => proc?.pid ?? null,
    close() {
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
