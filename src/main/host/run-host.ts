/** The process body shared by the session host (index.ts) and the terminal host (terminal-index.ts). */
import { mkdirSync } from 'node:fs';
import { openLog, type Log } from './files';

/** What a host object offers its process body. */
export interface HostBody<O extends string> {
  start(): Promise<void>;
  fail(error: unknown): Promise<void>;
  readonly done: Promise<O>;
}

export interface HostProcessSpec<C, O extends string, H extends HostBody<O>> {
  /** Prefixes the bad-config message on stderr, e.g. "baton host". */
  name: string;
  loadConfig: (argv: string[]) => C | string;
  /** The host's own directory for this config, and the mode it is made with if missing. */
  dir: (cfg: C) => { path: string; mode?: number };
  logPath: (dir: string) => string;
  startMessage: (cfg: C) => string;
  create: (cfg: C, log: Log) => H;
  /** What SIGTERM/SIGINT to the host itself do: stop the child cleanly rather than orphan it. */
  onTerminate: (host: H) => void;
  exitCodes: Record<O, number>;
}

/** Loads the config, opens the log, runs the host to its end; resolves to the process exit code (2 for a bad config). */
export async function runHostProcess<C, O extends string, H extends HostBody<O>>(spec: HostProcessSpec<C, O, H>): Promise<number> {
  // Everything the host writes (journals, scrollback, log, host.json) is private to this user (ADR 0011), whoever started us.
  if (process.platform !== 'win32') process.umask(0o077);
  const cfg = spec.loadConfig(process.argv.slice(2));
  if (typeof cfg === 'string') {
    process.stderr.write(`${spec.name}: ${cfg}\n`);
    return 2;
  }
  const dir = spec.dir(cfg);
  mkdirSync(dir.path, dir.mode === undefined ? { recursive: true } : { recursive: true, mode: dir.mode });
  const log = openLog(spec.logPath(dir.path));
  log(`${spec.startMessage(cfg)} (node ${process.version})`);

  const host = spec.create(cfg, log);
  process.on('uncaughtException', (e) => void host.fail(e));
  process.on('unhandledRejection', (e) => void host.fail(e));
  process.on('SIGTERM', () => spec.onTerminate(host));
  process.on('SIGINT', () => spec.onTerminate(host));
  // Detached with no terminal: a hangup is not ours to act on.
  process.on('SIGHUP', () => log('SIGHUP ignored'));

  try {
    await host.start();
  } catch (e) {
    await host.fail(e);
  }
  return spec.exitCodes[await host.done];
}
