/** The terminal host as the terminals domain sees it (a port, ADR 0013/0017): declared here, implemented by src/main/runtime/terminal-port.ts. */
import type { Result } from '../../shared/result';

/** How main finds a terminal host again: all four must match, so a reused pid is never mistaken for it. */
export interface TerminalHostInfo {
  pid: number;
  startTime: string;
  nonce: string;
  socket: string;
}

/** How a shell ended, as its host recorded it. */
export interface TerminalExitFact {
  code: number | null;
  signal: number | null;
  cause: 'exited' | 'killed' | 'spawn_failed' | 'host_failed';
  error?: string;
}

/** `command` meaning the login shell of the machine the terminal runs on ($SHELL there, else /bin/sh). */
export const LOGIN_SHELL = '$SHELL';

export interface TerminalLaunch {
  terminalId: string;
  dataDir: string;
  cwd: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  cols: number;
  rows: number;
}

export interface TerminalLink {
  /** Replays the ring from byte `from`, then streams live output; resolves with the stream's end once the replay is in. */
  attach(from: number, onOutput: (at: number, end: number, data: string) => void): Promise<number>;
  input(data: string): void;
  resize(cols: number, rows: number): void;
  /** Kills the shell's tree; resolves when the host has gone, with the exit it reported. */
  kill(graceMs: number): Promise<TerminalExitFact | null>;
  /** Lets go of the host without stopping it (quit, restart of main). */
  detach(): void;
  /** The connection ended: with the exit the host reported, or null (detached, or the host vanished). */
  onClose(cb: (exit: TerminalExitFact | null) => void): void;
}

/** A terminal's stream as a host left it: bytes [start, end) as text. */
export interface TerminalScrollback {
  start: number;
  end: number;
  data: string;
}

/**
 * Where the host runs is the port's business (this machine, or an SSH destination: ADR 0017's amendment). A
 * host on a machine that cannot be reached now answers `unreachable` from every call that must ask it: not
 * gone, not exited — it runs on there, and Baton follows it again when the link returns.
 */
export interface TerminalHostPort {
  launch(opts: TerminalLaunch): Promise<Result<TerminalHostInfo>>;
  /** Connects to a live host, verifying pid, start time and nonce; `terminal_host_gone` otherwise, `unreachable` when its machine cannot be reached. */
  connect(terminalId: string, dataDir: string, expected: TerminalHostInfo | null): Promise<Result<{ info: TerminalHostInfo; link: TerminalLink }>>;
  /** The exit a host recorded before it ended, or null (its own file survives it); `unreachable` when it cannot be asked. */
  exitOf(terminalId: string, dataDir: string): Promise<Result<TerminalExitFact | null>>;
  /** The scrollback as the last host left it, for a terminal whose host is gone (or cannot be reached). */
  scrollback(terminalId: string, dataDir: string): Promise<Result<TerminalScrollback>>;
  /** Deletes a closed terminal's files (its host is gone); best effort where its machine cannot be reached. */
  remove(terminalId: string, dataDir: string): Promise<void>;
}
