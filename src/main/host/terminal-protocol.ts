/**
 * The terminal host's contract (ADR 0017), shared by the host and main's runtime:
 * its files, its config and its socket frames. Same conventions as the session
 * host's (protocol.ts): newline-delimited JSON frames, a hello carrying a nonce,
 * host.json naming pid + start time + nonce + socket; `kind: "terminal"` tells
 * the two apart. Types and constants only.
 */
import { join } from 'node:path';

/** Bumped when a terminal frame or file changes shape; main refuses a host that says another number. */
export const TERMINAL_PROTOCOL = 1;
export const TERMINAL_KIND = 'terminal';
/** The scrollback ring's capacity: what a reattach can replay and what is kept on disk. */
export const SCROLLBACK_BYTES = 1 << 20;
/** Added to the shell's environment as `<terminalId>.<nonce>`; how the host finds every process the shell started. */
export const TERMINAL_TAG_VAR = 'BATON_TERMINAL_TAG';
/** One input frame at most (a paste); larger ones are refused, not cut. */
export const MAX_INPUT_BYTES = 1 << 20;

/** `<dataDir>/terminals/<id>/`, mode 0700: everything a terminal host keeps. */
export const terminalDir = (dataDir: string, terminalId: string): string => join(dataDir, 'terminals', terminalId);
export const scrollbackPath = (dir: string): string => join(dir, 'scrollback.bin');
/** Written when the shell has exited: its code survives the host, so main learns it even when it was not attached. */
export const exitFilePath = (dir: string): string => join(dir, 'exit.json');

/** The host's config file (`terminal-host --config <path>`), mode 0600, deleted once read: it holds the shell's environment. */
export interface TerminalHostConfig {
  v: 1;
  terminalId: string;
  dataDir: string;
  cwd: string;
  /** The program the pty runs (a shell, or a shell running the project's run command) and its arguments. */
  command: string;
  args: string[];
  env: Record<string, string>;
  cols: number;
  rows: number;
  socketPath: string;
  launchId: string;
  /** The umask the shell runs under (the user's; the host itself keeps 077). */
  shellUmask?: number;
}

/** `<terminalDir>/host.json`, written atomically once the host listens and the pty runs. */
export interface TerminalHostFile {
  v: 1;
  kind: typeof TERMINAL_KIND;
  protocol: number;
  terminalId: string;
  pid: number;
  /** As the OS reports it (proc.ts processStartTime): a reused pid has another. */
  startTime: string;
  startedAt: number;
  nonce: string;
  socket: string;
  ptyPid: number;
  launchId: string;
}

/** `exit.json`: how the shell ended, by the host that ran it. */
export interface TerminalExit {
  code: number | null;
  signal: number | null;
  /** `killed`: main asked (kill); `exited`: the shell ended by itself. */
  cause: 'exited' | 'killed' | 'spawn_failed' | 'host_failed';
  error?: string;
  hostPid: number;
  at: number;
}

export interface TerminalHello {
  t: 'hello';
  kind: typeof TERMINAL_KIND;
  protocol: number;
  terminalId: string;
  nonce: string;
  pid: number;
  startedAt: number;
  ptyPid: number;
  cols: number;
  rows: number;
  /** Byte offsets of the ring: what a replay can give (start) and everything ever written (end). */
  start: number;
  end: number;
}

export type TerminalHostFrame =
  | TerminalHello
  /**
   * Output bytes [at, end) of the stream, as UTF-8 text. A replay frame may start at a byte
   * boundary inside a character (the ring's oldest edge); `end` is authoritative, not data's length.
   */
  | { t: 'output'; at: number; end: number; data: string }
  /** Answers an attach once its replay has been sent: what follows is live. */
  | { t: 'caught_up'; end: number }
  | { t: 'exit'; exit: TerminalExit }
  | { t: 'error'; code: 'bad_frame' | 'too_large' | 'not_running'; message: string }
  | { t: 'bye'; reason: 'exited' };

export type TerminalClientFrame =
  /** Replay the ring from byte `from` (clamped to what it holds), then stream live output. */
  | { t: 'attach'; from: number }
  /** Keystrokes or a paste, written to the pty as is. Never logged anywhere. */
  | { t: 'input'; data: string }
  | { t: 'resize'; cols: number; rows: number }
  /** SIGTERM the shell's whole tree, SIGKILL what is left after graceMs; the exit then ends the host. */
  | { t: 'kill'; graceMs: number };
