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
import { mkdirSync } from 'node:fs';
import { openLog } from './files';
import { loadTerminalConfig, TerminalHost, terminalLogPath, type TerminalOutcome } from './terminal-host';
import { terminalDir } from './terminal-protocol';

const EXIT_CODES: Record<TerminalOutcome, number> = { exited: 0, spawn_failed: 3, locked: 4, failed: 70 };

async function main(): Promise<number> {
  // The scrollback holds whatever the terminal showed (tokens, say): private to this user.
  if (process.platform !== 'win32') process.umask(0o077);
  const cfg = loadTerminalConfig(process.argv.slice(2));
  if (typeof cfg === 'string') {
    process.stderr.write(`baton terminal host: ${cfg}\n`);
    return 2;
  }
  const dir = terminalDir(cfg.dataDir, cfg.terminalId);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Never keystrokes or output: the log says what the host did, not what passed through it.
  const log = openLog(terminalLogPath(dir));
  log(`terminal host starting for ${cfg.terminalId} (node ${process.version})`);
  const host = new TerminalHost(cfg, log);
  process.on('uncaughtException', (e) => void host.fail(e));
  process.on('unhandledRejection', (e) => void host.fail(e));
  process.on('SIGTERM', () => host.kill(2000));
  process.on('SIGINT', () => host.kill(2000));
  process.on('SIGHUP', () => log('SIGHUP ignored'));
  try {
    await host.start();
  } catch (e) {
    await host.fail(e);
  }
  return EXIT_CODES[await host.done];
}

void main().then((code) => process.exit(code));
