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

export interface TerminalHostPort {
  launch(opts: TerminalLaunch): Promise<Result<TerminalHostInfo>>;
  /** Connects to a live host, verifying pid, start time and nonce; `terminal_host_gone` otherwise. */
  connect(terminalId: string, dataDir: string, expected: TerminalHostInfo | null): Promise<Result<{ info: TerminalHostInfo; link: TerminalLink }>>;
  /** The exit a host recorded before it ended, if any (its own file survives it). */
  exitOf(terminalId: string, dataDir: string): TerminalExitFact | null;
  /** The scrollback as the last host left it, for a terminal whose host is gone. */
  scrollback(terminalId: string, dataDir: string): { start: number; end: number; data: string };
  /** Deletes a closed terminal's files (its host is gone). */
  remove(terminalId: string, dataDir: string): void;
}
