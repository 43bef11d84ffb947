import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { LineSplitter } from './lines';
import { MAX_LINE_BYTES } from './protocol';

export interface AgentSpec {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** The umask the agent is started under; absent: the host's. */
  umask?: number;
  /** Applied to every stderr line before anything keeps it (secrets out). */
  redact?: (line: string) => string;
}

export interface AgentHandlers {
  onLine(line: Buffer): void;
  onOversized(bytes: number, preview: Buffer): void;
  /** After the lines of one read of stdout have all been given to onLine: they can be journaled together. */
  onRead?(): void;
  /** After stdout has been read to its end (or a short wait, if a leftover descendant holds it open). */
  onExit(code: number | null, signal: string | null): void;
  /** One line the agent wrote on stderr, redacted; an oversized one as its start and size. */
  onStderr?(line: string): void;
}

export interface RunningAgent {
  readonly pid: number;
  write(line: string): void;
  stderrTail(): string[];
}

const STDERR_LINES = 50;
const STDERR_LINE_CHARS = 2000;
/** A tool process that inherited the agent's stdout can keep it open forever; we stop waiting for it. */
const DRAIN_AFTER_EXIT_MS = 1000;

function isExecutableFile(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * A spawn error by its code alone: Node quotes the offending argument or
 * environment value into the message, and this text goes to the journal,
 * host.log and the session's stateDetail (a secret would travel with it).
 */
function spawnFailure(e: unknown): string {
  const code = typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : 'unknown error';
  if (code === 'ERR_INVALID_ARG_VALUE' || code === 'ERR_INVALID_ARG_TYPE') return `an argument or environment variable is not a valid string (a NUL character, say) (${code})`;
  return code;
}

/** Checked before spawning: spawn's own ENOENT does not say whether the command or the cwd is missing. */
export function precheck(spec: AgentSpec): string | null {
  const name = `"${spec.command}"`;
  try {
    if (!statSync(spec.cwd).isDirectory()) return `Cannot start ${name}: the working directory ${spec.cwd} is not a directory.`;
  } catch {
    return `Cannot start ${name}: the working directory ${spec.cwd} does not exist.`;
  }
  if (process.platform === 'win32') return null;
  if (spec.command.includes('/') || isAbsolute(spec.command)) {
    const full = isAbsolute(spec.command) ? spec.command : join(spec.cwd, spec.command);
    return isExecutableFile(full) ? null : `Cannot start ${name}: ${full} does not exist or is not executable.`;
  }
  const path = spec.env.PATH ?? process.env.PATH ?? '';
  const found = path
    .split(delimiter)
    .filter(Boolean)
    .some((dir) => isExecutableFile(join(dir, spec.command)));
  return found ? null : `Cannot start ${name}: command not found on PATH (${path || 'empty'}).`;
}

/**
 * Starts the agent in its own session and process group (detached), so its
 * whole tree can be signalled without touching the host. Resolves once the
 * OS has started it, or with the reason it could not.
 */
export function startAgent(spec: AgentSpec, handlers: AgentHandlers): Promise<{ ok: true; agent: RunningAgent } | { ok: false; error: string }> {
  const bad = precheck(spec);
  if (bad) return Promise.resolve({ ok: false, error: bad });
  let child: ChildProcessWithoutNullStreams;
  try {
    // The agent's files are the user's code: it runs under the user's umask, the host under 077.
    const prev = spec.umask !== undefined && process.platform !== 'win32' ? process.umask(spec.umask) : null;
    try {
      child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true, windowsHide: true });
    } finally {
      if (prev !== null) process.umask(prev);
    }
  } catch (e) {
    return Promise.resolve({ ok: false, error: `Cannot start "${spec.command}": ${spawnFailure(e)}` });
  }

  const tail: string[] = [];
  const redact = spec.redact ?? ((l: string) => l);
  const onStderr = (text: string): void => {
    const line = redact(text);
    pushTail(tail, line);
    handlers.onStderr?.(line);
  };
  const stderr = new LineSplitter(
    64 * 1024,
    (line) => onStderr(line.toString('utf8')),
    (bytes, preview) => onStderr(`${preview.toString('utf8')}… (${bytes} bytes)`),
  );
  const stdout = new LineSplitter(MAX_LINE_BYTES, handlers.onLine, handlers.onOversized);
  child.stdout.on('data', (d: Buffer) => {
    stdout.push(d);
    handlers.onRead?.();
  });
  child.stderr.on('data', (d: Buffer) => stderr.push(d));
  // EPIPE after the agent died: its exit is reported by 'exit', not here.
  child.stdin.on('error', () => undefined);
  child.stdout.on('error', () => undefined);
  child.stderr.on('error', () => undefined);

  return new Promise((resolve) => {
    // Kept for the child's whole life: an 'error' with no listener (a failed kill, say) would crash the host.
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (child.pid === undefined) resolve({ ok: false, error: `Cannot start "${spec.command}": ${spawnFailure(e)}` });
    });
    child.once('spawn', () => {
      const pid = child.pid as number;
      let exited = false;
      let done = false;
      const finish = (code: number | null, signal: string | null) => {
        if (done) return;
        done = true;
        stdout.end();
        handlers.onRead?.();
        stderr.end();
        handlers.onExit(code, signal);
      };
      child.once('exit', (code, signal) => {
        exited = true;
        const timer = setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
          finish(code, signal);
        }, DRAIN_AFTER_EXIT_MS);
        child.once('close', () => {
          clearTimeout(timer);
          finish(code, signal);
        });
      });
      resolve({
        ok: true,
        agent: {
          pid,
          write(line) {
            if (!exited && child.stdin.writable) child.stdin.write(`${line}\n`);
          },
          stderrTail: () => [...tail],
        },
      });
    });
  });
}

function pushTail(tail: string[], line: string): void {
  tail.push(line.length > STDERR_LINE_CHARS ? `${line.slice(0, STDERR_LINE_CHARS)}…` : line);
  if (tail.length > STDERR_LINES) tail.splice(0, tail.length - STDERR_LINES);
}
