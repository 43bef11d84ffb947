/** Starts a session host for one session: its config file, the detached process, and the wait for host.json and its socket. */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail, ok, type Result } from '../../shared/result';
import { DEBUG_POINT_FIRED, isHostDebugPoint } from '../host/debug-point';
import { lastRecord } from '../host/journal-read';
import { hostConfigPath, hostLogPath, journalPath, sessionDir, socketPathFor } from '../host/paths';
import { isRecordObject, type AgentLaunch, type HostConfig, type HostFile } from '../host/protocol';
import { processLiveness, readHostFile } from '../host/liveness';
import { findHostScript, socketReady, tryKill } from './host-process';
import { chooseHostRuntime, findNativeHost, type HostRuntime } from './host-runtime';
import { waitForEndingHost } from './orphan';
import { spawnErrorText, unusableEnvKeys, unusableEnvMessage } from '../lib/spawn-error';
import { sleep } from '../lib/wait';
import { userUmask } from '../lib/umask';

export interface LaunchHostOptions extends AgentLaunch {
  /** Which host program runs the session; else BATON_HOST_RUNTIME, else DEFAULT_HOST_RUNTIME (host-runtime.ts). */
  runtime?: HostRuntime;
  /** The built Node host entry, for the node runtime; defaults to out/main/host.js next to the running main bundle. */
  hostScript?: string;
  /** How long to wait for host.json and the socket. */
  readyTimeoutMs?: number;
  /** Passed to the host; see HostConfig.fsyncIntervalMs. */
  fsyncIntervalMs?: number;
  /** Tests only: a host crash point; defaults to BATON_DEBUG_POINT when that names one (src/main/host/debug-point.ts). */
  debugPoint?: string;
}

/** The host gets a minimal environment, so a host-side crash point set for main travels in its config instead. */
function hostDebugPoint(explicit: string | undefined, dataDir: string): string | undefined {
  const spec = explicit ?? process.env.BATON_DEBUG_POINT;
  // A point that fired once already (a host crashed there) is not armed again in the hosts recovery starts.
  if (existsSync(join(dataDir, DEBUG_POINT_FIRED))) return undefined;
  return spec && isHostDebugPoint(spec) ? spec : undefined;
}

/** The variables a host process needs to find programs and temp space; never main's own secrets. */
const HOST_ENV = ['PATH', 'HOME', 'TMPDIR', 'TEMP', 'TMP', 'LANG', 'LC_ALL', 'SystemRoot', 'USERPROFILE', 'APPDATA', 'LOCALAPPDATA'];

/**
 * V8 flags for the host process (ADR 0022). Empty for now: measured, none
 * lowers what a host really costs enough to be worth a flag nobody else runs.
 * BATON_HOST_NODE_FLAGS (space-separated) replaces them, for measuring others.
 */
export const HOST_NODE_FLAGS: readonly string[] = [];

function hostNodeFlags(): string[] {
  const env = process.env.BATON_HOST_NODE_FLAGS;
  return env === undefined ? [...HOST_NODE_FLAGS] : env.split(' ').filter((f) => f.startsWith('--'));
}

/** Where the built host is: beside the main bundle, one level up from a chunk, or out/main from the sources (tests). */
export function defaultHostScript(): string | null {
  return findHostScript('BATON_HOST_SCRIPT', 'host.js');
}

/** What to spawn for a session host (the config path is added after it), and how to name it in an error. */
interface HostProgram {
  command: string;
  args: string[];
  native: boolean;
}

/** The chosen runtime's program; a native host that is only the default falls back to Node when it is not there. */
function hostProgram(o: Pick<LaunchHostOptions, 'runtime' | 'hostScript'>): Result<HostProgram> {
  const choice = chooseHostRuntime(o.runtime);
  if (!choice.ok) return choice;
  if (choice.value.runtime === 'native') {
    const binary = findNativeHost(choice.value.from);
    if (binary.ok) return ok({ command: binary.value, args: [], native: true });
    if (choice.value.from !== 'default') return binary;
  }
  const script = o.hostScript ?? defaultHostScript();
  if (!script || !existsSync(script)) return fail('host_missing', `The session host script was not found (${script ?? 'out/main/host.js'}); build the app first.`);
  return ok({ command: process.execPath, args: [...hostNodeFlags(), script], native: false });
}

/**
 * Starts a session host, detached in its own process group with its stdio
 * ignored, so it outlives this process; resolves once it has written
 * host.json for this launch and listens on its socket. A failure names the
 * agent's command and why (from the host's journal, else its log).
 */
export async function launchHost(o: LaunchHostOptions): Promise<Result<HostFile>> {
  const program = hostProgram(o);
  if (!program.ok) return program;
  const host = program.value.native ? 'native session host' : 'session host';
  // Refused here, before a value could reach the host, its config or any error text.
  const badEnv = unusableEnvKeys(o.env);
  if (badEnv.length) return fail('invalid_env', unusableEnvMessage(badEnv, `"${o.command}"`));
  const dir = sessionDir(o.dataDir, o.sessionId);
  mkdirSync(dir, { recursive: true });
  // A relaunch right after the agent exited (or was hibernated) meets its host still ending: wait for it to go.
  await waitForEndingHost(o.dataDir, o.sessionId);
  const existing = readHostFile(dir);
  if (existing && processLiveness(existing).alive) return fail('host_running', `A session host (pid ${existing.pid}) is already running session ${o.sessionId}.`);

  const launchId = randomUUID();
  const config: HostConfig = {
    v: 1,
    sessionId: o.sessionId,
    dataDir: o.dataDir,
    cwd: o.cwd,
    command: o.command,
    args: o.args,
    env: o.env,
    ...(o.secretEnv?.length ? { secretEnv: o.secretEnv } : {}),
    socketPath: socketPathFor(dir, o.sessionId),
    launchId,
    fsyncIntervalMs: o.fsyncIntervalMs ?? 100,
    agentUmask: userUmask(),
  };
  const debugPoint = hostDebugPoint(o.debugPoint, o.dataDir);
  if (debugPoint) config.debugPoint = debugPoint;
  const configPath = hostConfigPath(dir);
  // It holds the agent's environment: created fresh so mode 0600 applies; the host deletes it once read.
  rmSync(configPath, { force: true });
  writeFileSync(configPath, JSON.stringify(config), { mode: 0o600 });

  const env: Record<string, string> = {};
  for (const k of HOST_ENV) if (process.env[k] !== undefined) env[k] = process.env[k] as string;
  // Electron's binary is node only with this; the native host is its own program.
  if (process.versions.electron && !program.value.native) env.ELECTRON_RUN_AS_NODE = '1';
  const journalStart = lastRecord(journalPath(dir))?.seq ?? 0;

  let exited: { code: number | null; signal: string | null } | null = null;
  let spawnError: Error | null = null;
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn(program.value.command, [...program.value.args, '--config', configPath], { cwd: dir, detached: true, stdio: 'ignore', env, windowsHide: true });
  } catch (e) {
    rmSync(configPath, { force: true });
    return fail('host_failed', `The ${host} could not be started: ${spawnErrorText(e)}.`);
  }
  child.once('exit', (code, signal) => (exited = { code, signal }));
  child.once('error', (e) => (spawnError = e));
  child.unref();

  const deadline = Date.now() + (o.readyTimeoutMs ?? 10_000);
  for (;;) {
    const info = readHostFile(dir);
    if (info && info.launchId === launchId && socketReady(info.socket)) return ok(info);
    if (spawnError) return fail('host_failed', `The ${host} could not be started: ${spawnErrorText(spawnError)}.`);
    if (exited) return fail(...whyHostEnded(dir, host, o.command, journalStart, exited));
    if (Date.now() > deadline) {
      if (child.pid) tryKill(child.pid);
      return fail('timeout', `The ${host} for "${o.command}" did not come up within ${o.readyTimeoutMs ?? 10_000} ms.`);
    }
    await sleep(15);
  }
}

/** Reads why a host ended before it was ready: the journal's exit record first, then the tail of its log. */
function whyHostEnded(dir: string, host: string, command: string, journalStart: number, exit: { code: number | null; signal: string | null }): [string, string] {
  const last = lastRecord(journalPath(dir));
  const msg = last && last.seq > journalStart && last.dir === 'host' && isRecordObject(last.msg) ? last.msg : null;
  if (msg && typeof msg.error === 'string') return [msg.cause === 'spawn_failed' ? 'spawn_failed' : 'host_failed', msg.error];
  if (msg && isRecordObject(msg.exit)) {
    const e = msg.exit;
    const how = typeof e.signal === 'string' ? `was killed by ${e.signal}` : `exited with code ${String(e.code)}`;
    const tail = Array.isArray(msg.stderrTail) ? msg.stderrTail.slice(-5).join('\n') : '';
    return ['spawn_failed', `"${command}" ${how} right after it started${tail ? `:\n${tail}` : '.'}`];
  }
  let tail = '';
  try {
    tail = readFileSync(hostLogPath(dir), 'utf8').trim().split('\n').slice(-3).join(' | ');
  } catch {
    // No log: the host died before it could open one.
  }
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  return ['host_failed', `The ${host} for "${command}" ${how} before it was ready${tail ? `: ${tail}` : '.'}`];
}
