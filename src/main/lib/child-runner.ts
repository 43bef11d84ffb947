/**
 * Running a short-lived child to completion (git), either from this process or through the spawner process
 * (runtime/spawner.ts, ADR 0030). One interface, so the caller's rules (timeouts, messages) are written once.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { withUserUmask } from './umask';

export interface ChildRequest {
  cwd: string;
  env: Record<string, string>;
  input?: Buffer | string;
  /** Its own process group, so `kill` ends it and everything it started (git's hooks). */
  group: boolean;
  /** Output handed on as it arrives (the spawner streams it to main) instead of kept: the outcome's stdout is then empty. */
  onData?: (stream: 'stdout' | 'stderr', chunk: Buffer) => void;
}

export type ChildOutcome =
  | { ok: true; code: number; stdout: Buffer; stderr: string }
  /** It could not be started (`code` is the errno name: ENOENT, EACCES…), or the spawner ended under it (ESPAWNER). */
  | { ok: false; code: string; message: string };

export interface ChildRun {
  readonly done: Promise<ChildOutcome>;
  /** The child's pid once it is spawned (undefined if it never was). */
  readonly pid?: number | undefined;
  /** SIGKILLs the child (its group when `group`); `done` may then never settle: the caller answers for it. */
  kill(): void;
  /** What it wrote to stderr so far, for a timeout's message. */
  stderrSoFar(): string;
}

export interface ChildRunner {
  run(command: string, args: readonly string[], req: ChildRequest): ChildRun;
}

/** Spawned from this process, under the person's umask (the child writes their files, not Baton's). */
export const directRunner: ChildRunner = {
  run(command, args, req) {
    let child: ChildProcessWithoutNullStreams;
    try {
      child = withUserUmask(() => spawn(command, args, { cwd: req.cwd, env: req.env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true, detached: req.group }));
    } catch (e) {
      // spawn throws for some failures (EAGAIN, a bad argument) instead of emitting 'error': the same outcome either way.
      return failedRun(e);
    }
    const out: Buffer[] = [];
    const errOut: Buffer[] = [];
    let spawnError: NodeJS.ErrnoException | null = null;
    const onData = req.onData;
    child.stdout.on('data', onData ? (chunk: Buffer) => onData('stdout', chunk) : (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', onData ? (chunk: Buffer) => onData('stderr', chunk) : (chunk: Buffer) => errOut.push(chunk));
    child.on('error', (e: NodeJS.ErrnoException) => (spawnError = e));
    // The child may exit before reading all of its input (git on a usage error): the EPIPE is its exit code's business.
    child.stdin.on('error', () => undefined);
    child.stdin.end(req.input ?? '');
    const done = new Promise<ChildOutcome>((resolve) => {
      child.on('close', (code) => {
        const e = spawnError as NodeJS.ErrnoException | null;
        resolve(e ? { ok: false, code: e.code ?? 'EUNKNOWN', message: e.message } : { ok: true, code: code ?? 1, stdout: Buffer.concat(out), stderr: Buffer.concat(errOut).toString('utf8') });
      });
    });
    return {
      done,
      pid: child.pid,
      kill() {
        killGroup(child.pid, req.group, () => child.kill('SIGKILL'));
        // A hook that escaped the group could hold the pipes open indefinitely.
        child.stdout.destroy();
        child.stderr.destroy();
      },
      stderrSoFar: () => Buffer.concat(errOut).toString('utf8'),
    };
  },
};

/** SIGKILLs `pid`'s process group when `group` (git and its hooks), else runs `fallback`; also when the group is gone already. */
export function killGroup(pid: number | undefined, group: boolean, fallback: () => void): void {
  if (pid === undefined) return;
  try {
    if (group) process.kill(-pid, 'SIGKILL');
    else fallback();
  } catch {
    // The group is already gone (it exited just now); the direct child may still need it.
    fallback();
  }
}

/** A run that could not start: `e` is what spawn threw. */
export function failedRun(e: unknown): ChildRun {
  const x = e as NodeJS.ErrnoException;
  return { done: Promise.resolve({ ok: false, code: x.code ?? 'EUNKNOWN', message: x.message }), kill: () => undefined, stderrSoFar: () => '' };
}
