/**
 * The remote helper's terminal verbs (ADR 0017's amendment): main's own terminal-host adapter
 * (runtime/terminal-port.ts) run on the SSH destination, with that machine's login shell and environment.
 *
 *   node remote.js terminal launch                       stdin: TerminalLaunch JSON → Result<TerminalHostInfo>
 *   node remote.js terminal exit       <dataDir> <id>                               → { v, exit }
 *   node remote.js terminal scrollback <dataDir> <id>                               → { v, scrollback }
 *   node remote.js terminal remove     <dataDir> <id>                               → { v }
 *   node remote.js terminal alive      <dataDir> <id> <pid> <nonce>                 → { v, alive } (that host runs here)
 */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { fail, type Result } from '../../../shared/result';
import { isRecordObject } from '../../host/protocol';
import { LOGIN_SHELL, type TerminalExitFact, type TerminalHostInfo, type TerminalLaunch, type TerminalScrollback } from '../../terminals/host-port';
import { shellEnv } from '../../terminals/place';
import { processLiveness } from '../../host/liveness';
import { terminalDir } from '../../host/terminal-protocol';
import { createTerminalHostPort, readScrollback, readTerminalExit, readTerminalHostFile } from '../terminal-port';
import { REMOTE_HELPER_PROTOCOL } from './helper-protocol';

export interface TerminalExitAnswer {
  v: number;
  exit: TerminalExitFact | null;
}
export interface TerminalAliveAnswer {
  v: number;
  alive: boolean;
}
export interface TerminalScrollbackAnswer {
  v: number;
  scrollback: TerminalScrollback;
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isSize = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0 && v < 10_000;

/** The launch request main sent, or a message naming its first bad field. */
export function parseTerminalLaunch(raw: unknown): TerminalLaunch | string {
  if (!isRecordObject(raw)) return 'the terminal launch request is not a JSON object';
  for (const k of ['terminalId', 'dataDir', 'cwd', 'command'] as const) if (typeof raw[k] !== 'string' || raw[k] === '') return `"${k}" must be a non-empty string`;
  if (!/^[A-Za-z0-9_-]+$/.test(raw.terminalId as string)) return '"terminalId" must be an id';
  if (!isStrings(raw.args)) return '"args" must be an array of strings';
  if (!isRecordObject(raw.env) || !Object.values(raw.env).every((v) => typeof v === 'string')) return '"env" must map names to strings';
  if (!isSize(raw.cols) || !isSize(raw.rows)) return '"cols" and "rows" must be positive integers';
  return { terminalId: raw.terminalId as string, dataDir: raw.dataDir as string, cwd: raw.cwd as string, command: raw.command as string, args: raw.args, env: raw.env as Record<string, string>, cols: raw.cols, rows: raw.rows };
}

/** Runs one terminal verb here; `bundleDir` is where terminal-host.js (and node-pty) were installed. */
export async function terminalVerb(bundleDir: string, argv: string[], stdin: () => Promise<string>): Promise<unknown> {
  const [sub, dataDir, id] = argv;
  if (sub === 'launch') {
    const o = parseTerminalLaunch(JSON.parse(await stdin()) as unknown);
    if (typeof o === 'string') return fail('invalid_launch', o);
    // The bundle carries the prebuilts the desk had; another platform here is said up front, not as a host crash.
    const platform = `${process.platform}-${process.arch}`;
    if (!existsSync(join(bundleDir, 'node_modules', '@lydell', `node-pty-${platform}`))) {
      return fail('pty_unavailable', `Terminals cannot run on ${hostname()}: it is ${platform}, and this Baton carries node-pty's prebuilt pty only for the platforms installed with it. Sessions still run there; open a shell with ssh meanwhile.`);
    }
    // This machine's login shell and environment, the project's variables and the terminal's own above them:
    // a PATH, HOME or SHELL of the desk means nothing here.
    const shell = process.env.SHELL && isAbsolute(process.env.SHELL) ? process.env.SHELL : '/bin/sh';
    const command = o.command === LOGIN_SHELL ? shell : o.command;
    const launched: Result<TerminalHostInfo> = await createTerminalHostPort({ script: join(bundleDir, 'terminal-host.js') }).launch({ ...o, command, env: shellEnv(process.env, o.env, o.terminalId) });
    return launched;
  }
  if (!dataDir || !id || !/^[A-Za-z0-9_-]+$/.test(id)) return null;
  switch (sub) {
    case 'exit':
      return { v: REMOTE_HELPER_PROTOCOL, exit: readTerminalExit(id, dataDir) } satisfies TerminalExitAnswer;
    case 'scrollback':
      return { v: REMOTE_HELPER_PROTOCOL, scrollback: readScrollback(id, dataDir) } satisfies TerminalScrollbackAnswer;
    case 'alive': {
      // The host main recorded (pid and nonce in host.json) and its process: the same checks as a local liveness.
      const f = readTerminalHostFile(terminalDir(dataDir, id));
      const alive = !!f && String(f.pid) === argv[3] && f.nonce === argv[4] && processLiveness(f).alive;
      return { v: REMOTE_HELPER_PROTOCOL, alive } satisfies TerminalAliveAnswer;
    }
    case 'remove':
      await createTerminalHostPort().remove(id, dataDir);
      return { v: REMOTE_HELPER_PROTOCOL };
    default:
      return null;
  }
}
