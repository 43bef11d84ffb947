/** The terminals domain's TerminalHostPort over real terminal host processes: launch detached, find again, read what a gone host left. */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail, ok, type Result } from '../../shared/result';
import { processLiveness } from '../host/liveness';
import { hostConfigPath, hostFilePath, socketPathFor } from '../host/paths';
import { isRecordObject } from '../host/protocol';
import { exitFilePath, scrollbackPath, terminalDir, type TerminalHostConfig, type TerminalHostFile } from '../host/terminal-protocol';
import { readRingFile } from '../host/terminal-ring';
import { spawnErrorText, unusableEnvKeys, unusableEnvMessage } from '../lib/spawn-error';
import { userUmask } from '../lib/umask';
import { sleep } from '../lib/wait';
import type { TerminalExitFact, TerminalHostInfo, TerminalHostPort, TerminalLaunch, TerminalScrollback } from '../terminals/host-port';
import { findHostScript, socketReady, tryKill } from './host-process';
import { connectTerminalHost } from './terminal-connection';

/** What a terminal host process needs to run node; the shell's own environment travels in its 0600 config. */
const HOST_ENV = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'LC_ALL', 'SystemRoot', 'USERPROFILE'];

/** Where the built terminal host is: beside the main bundle, one level up from a chunk, or out/main from the sources (tests). */
export function defaultTerminalHostScript(): string | null {
  return findHostScript('BATON_TERMINAL_HOST_SCRIPT', 'terminal-host.js');
}

/** A terminal folder's host.json, when it is one of a terminal host. */
export function readTerminalHostFile(dir: string): TerminalHostFile | null {
  try {
    const raw: unknown = JSON.parse(readFileSync(hostFilePath(dir), 'utf8'));
    if (!isRecordObject(raw) || raw.kind !== 'terminal' || typeof raw.pid !== 'number' || typeof raw.nonce !== 'string' || typeof raw.socket !== 'string' || typeof raw.startTime !== 'string') return null;
    return raw as unknown as TerminalHostFile;
  } catch {
    return null;
  }
}

function readExit(dir: string): TerminalExitFact | null {
  try {
    const raw: unknown = JSON.parse(readFileSync(exitFilePath(dir), 'utf8'));
    if (!isRecordObject(raw) || typeof raw.cause !== 'string') return null;
    const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
    const cause = (['exited', 'killed', 'spawn_failed', 'host_failed'] as const).find((c) => c === raw.cause) ?? 'host_failed';
    return { code: num(raw.code), signal: num(raw.signal), cause, ...(typeof raw.error === 'string' ? { error: raw.error } : {}) };
  } catch {
    return null;
  }
}

/** Which host process recorded the exit in `dir`, so a launch knows the exit is its own host's and not a previous one's. */
function exitHostPid(dir: string): number | null {
  try {
    const raw: unknown = JSON.parse(readFileSync(exitFilePath(dir), 'utf8'));
    return isRecordObject(raw) && typeof raw.hostPid === 'number' ? raw.hostPid : null;
  } catch {
    return null;
  }
}

/** The scrollback file a terminal's hosts share, as its last host left it. */
export function readScrollback(terminalId: string, dataDir: string): TerminalScrollback {
  const r = readRingFile(scrollbackPath(terminalDir(dataDir, terminalId)));
  return { start: r.start, end: r.end, data: r.data.toString('utf8') };
}

/** The exit recorded for a terminal, read from its folder (the remote helper answers with it too). */
export const readTerminalExit = (terminalId: string, dataDir: string): TerminalExitFact | null => readExit(terminalDir(dataDir, terminalId));

const identity = (f: TerminalHostFile): TerminalHostInfo => ({ pid: f.pid, startTime: f.startTime, nonce: f.nonce, socket: f.socket });

export function createTerminalHostPort(opts: { script?: string; readyTimeoutMs?: number } = {}): TerminalHostPort {
  return {
    async launch(o: TerminalLaunch): Promise<Result<TerminalHostInfo>> {
      const script = opts.script ?? defaultTerminalHostScript();
      if (!script || !existsSync(script)) return fail('host_missing', `The terminal host script was not found (${script ?? 'out/main/terminal-host.js'}); build the app first.`);
      const badEnv = unusableEnvKeys(o.env);
      if (badEnv.length) return fail('invalid_env', unusableEnvMessage(badEnv, 'the terminal'));
      const dir = terminalDir(o.dataDir, o.terminalId);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const existing = readTerminalHostFile(dir);
      if (existing && processLiveness(existing).alive) return fail('host_running', `A terminal host (pid ${existing.pid}) already runs terminal ${o.terminalId}; kill it first.`);
      const launchId = randomUUID();
      const config: TerminalHostConfig = {
        v: 1,
        terminalId: o.terminalId,
        dataDir: o.dataDir,
        cwd: o.cwd,
        command: o.command,
        args: o.args,
        env: o.env,
        cols: o.cols,
        rows: o.rows,
        socketPath: socketPathFor(dir, o.terminalId),
        launchId,
        shellUmask: userUmask(),
      };
      const configPath = hostConfigPath(dir);
      rmSync(configPath, { force: true });
      writeFileSync(configPath, JSON.stringify(config), { mode: 0o600 });
      const env: Record<string, string> = {};
      for (const k of HOST_ENV) if (process.env[k] !== undefined) env[k] = process.env[k] as string;
      // N-API prebuilds load under Electron's node too (ADR 0017): the host is Electron's binary run as node.
      if (process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1';
      let exited: { code: number | null; error?: string } | null = null;
      let child: ReturnType<typeof spawn>;
      try {
        child = spawn(process.execPath, [script, '--config', configPath], { cwd: dir, detached: true, stdio: 'ignore', env, windowsHide: true });
      } catch (e) {
        rmSync(configPath, { force: true });
        return fail('host_failed', `The terminal host could not be started: ${spawnErrorText(e)}.`);
      }
      child.once('exit', (code) => (exited = { code }));
      // The spawn itself failed (node gone, the folder removed): its own reason, not "exited with code null".
      child.once('error', (e) => (exited = { code: null, error: spawnErrorText(e) }));
      child.unref();
      const deadline = Date.now() + (opts.readyTimeoutMs ?? 10_000);
      for (;;) {
        const info = readTerminalHostFile(dir);
        if (info && info.launchId === launchId && socketReady(info.socket)) return ok(identity(info));
        if (exited) {
          const why = readExit(dir);
          const gone = exited as { code: number | null; error?: string };
          if (gone.error) return fail('host_failed', `The terminal host could not be started: ${gone.error}.`);
          // The shell ran and ended (`$EDITOR` set to echo, a run command that fails at once) before a poll saw its
          // socket: the terminal started. The identity names a socket that is gone, so following it settles the row
          // from the exit this host recorded, with the output it left in the scrollback.
          if (why && (why.cause === 'exited' || why.cause === 'killed') && exitHostPid(dir) === child.pid) {
            return ok({ pid: child.pid, startTime: '', nonce: launchId, socket: config.socketPath });
          }
          return fail(why?.cause === 'spawn_failed' ? 'spawn_failed' : 'host_failed', why?.error ?? `The terminal host exited with code ${String(gone.code)} before it was ready; see ${join(dir, 'host.log')}.`);
        }
        if (Date.now() > deadline) {
          if (child.pid) tryKill(child.pid);
          return fail('timeout', `The terminal host did not come up within ${opts.readyTimeoutMs ?? 10_000} ms; see ${join(dir, 'host.log')}.`);
        }
        await sleep(15);
      }
    },

    async connect(terminalId, dataDir, expected) {
      const onDisk = readTerminalHostFile(terminalDir(dataDir, terminalId));
      if (expected && onDisk && (onDisk.pid !== expected.pid || onDisk.nonce !== expected.nonce)) {
        return fail('terminal_host_gone', `The terminal host ${expected.pid} was replaced by ${onDisk.pid}.`);
      }
      const target = expected ?? (onDisk ? identity(onDisk) : null);
      if (!target) return fail('terminal_host_gone', `Terminal ${terminalId} has no host.`);
      const r = await connectTerminalHost(target);
      return r.ok ? ok({ info: target, link: r.value }) : r;
    },

    exitOf: (terminalId, dataDir) => Promise.resolve(ok(readExit(terminalDir(dataDir, terminalId)))),

    scrollback: (terminalId, dataDir) => Promise.resolve(ok(readScrollback(terminalId, dataDir))),

    remove(terminalId, dataDir) {
      rmSync(terminalDir(dataDir, terminalId), { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

