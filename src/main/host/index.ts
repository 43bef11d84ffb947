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
import { loadConfig } from './config';
import { hostLogPath, sessionDir } from './paths';
import { runHostProcess } from './run-host';
import { SessionHost, type HostOutcome } from './session-host';

const EXIT_CODES: Record<HostOutcome, number> = { agent_exited: 0, spawn_failed: 3, locked: 4, failed: 70 };

void runHostProcess({
  name: 'baton host',
  loadConfig,
  dir: (cfg) => ({ path: sessionDir(cfg.dataDir, cfg.sessionId) }),
  logPath: hostLogPath,
  startMessage: (cfg) => `host starting for session ${cfg.sessionId}`,
  create: (cfg, log) => new SessionHost(cfg, log),
  onTerminate: (host) => host.stop(3000),
  exitCodes: EXIT_CODES,
}).then((code) => process.exit(code));
