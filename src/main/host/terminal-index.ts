/**
 * The terminal host: a standalone process, one per live terminal (ADR 0017).
 *
 *   node out/main/terminal-host.js --config <path to JSON TerminalHostConfig>
 *
 * Started detached with stdio ignored, so it outlives main, like the session
 * host (index.ts). Exit codes: 0 the shell exited (or was killed), 2 bad
 * config, 3 the shell could not be started, 4 another host holds the
 * terminal, 70 an internal failure (the shell's tree is reaped first).
 */
import { runHostProcess } from './run-host';
import { loadTerminalConfig, TerminalHost, terminalLogPath, type TerminalOutcome } from './terminal-host';
import { terminalDir } from './terminal-protocol';

const EXIT_CODES: Record<TerminalOutcome, number> = { exited: 0, spawn_failed: 3, locked: 4, failed: 70 };

void runHostProcess({
  name: 'baton terminal host',
  loadConfig: loadTerminalConfig,
  dir: (cfg) => ({ path: terminalDir(cfg.dataDir, cfg.terminalId), mode: 0o700 }),
  // Never keystrokes or output: the log says what the host did, not what passed through it.
  logPath: terminalLogPath,
  startMessage: (cfg) => `terminal host starting for ${cfg.terminalId}`,
  create: (cfg, log) => new TerminalHost(cfg, log),
  onTerminate: (host) => host.kill(2000),
  exitCodes: EXIT_CODES,
}).then((code) => process.exit(code));
