/**
 * The session host: a standalone process, one per live agent session (ADR 0004).
 *
 *   node out/main/host.js --config <path to JSON HostConfig>
 *
 * main's launcher starts it detached, with stdio ignored, so it outlives main.
 * It imports nothing from the app: its contracts are protocol.ts's journal
 * format and socket frames. Exit codes: 0 the agent exited (or was stopped),
 * 2 bad config, 3 the agent could not be started, 4 another host holds the
 * session, 70 an internal failure (the agent's tree is reaped first).
 */
import { mkdirSync } from 'node:fs';
import { loadConfig } from './config';
import { openLog } from './files';
import { hostLogPath, sessionDir } from './paths';
import { SessionHost, type HostOutcome } from './session-host';

const EXIT_CODES: Record<HostOutcome, number> = { agent_exited: 0, spawn_failed: 3, locked: 4, failed: 70 };

async function main(): Promise<number> {
  // Journals, the log and host.json hold the agent's words and paths: private to this user (ADR 0011), whoever started us.
  if (process.platform !== 'win32') process.umask(0o077);
  const cfg = loadConfig(process.argv.slice(2));
  if (typeof cfg === 'string') {
    process.stderr.write(`baton host: ${cfg}\n`);
    return 2;
  }
  const dir = sessionDir(cfg.dataDir, cfg.sessionId);
  mkdirSync(dir, { recursive: true });
  const log = openLog(hostLogPath(dir));
  log(`host starting for session ${cfg.sessionId} (node ${process.version})`);

  const host = new SessionHost(cfg, log);
  process.on('uncaughtException', (e) => void host.fail(e));
  process.on('unhandledRejection', (e) => void host.fail(e));
  // SIGTERM/SIGINT to the host itself (logout, shutdown, a person) stop the agent cleanly rather than orphan it.
  process.on('SIGTERM', () => host.stop(3000));
  process.on('SIGINT', () => host.stop(3000));
  // Detached with no terminal: a hangup is not ours to act on.
  process.on('SIGHUP', () => log('SIGHUP ignored'));

  try {
    await host.start();
  } catch (e) {
    await host.fail(e);
  }
  return EXIT_CODES[await host.done];
}

void main().then((code) => process.exit(code));
