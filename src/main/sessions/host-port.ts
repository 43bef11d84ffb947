/** The session host as the sessions domain sees it (a port, ADR 0013): declared here, implemented by src/main/runtime/host-port.ts. */
import type { JournalRecord } from '../../shared/journal';
import type { AgentLaunch } from '../host/protocol';
import type { Result } from '../../shared/result';

/** How main finds a session host again: all four must match, so a reused pid is never mistaken for it. */
export interface HostInfo {
  pid: number;
  startTime: string;
  nonce: string;
  socket: string;
}

export interface HostLink {
  /** Streams journal records with seq > fromSeq, in order, then live ones as the host writes them. */
  attach(fromSeq: number, onRecord: (r: JournalRecord) => void): void;
  /** One JSON-RPC message for the agent; the host journals it before forwarding. */
  send(msg: unknown): void;
  /** Stops the agent and every process it started, then the host. */
  stop(graceMs: number): Promise<void>;
  /** Lets go of the host without stopping it (quit, restart). */
  detach(): void;
  onClose(cb: () => void): void;
}

/** What the domain asks a launch for: the host protocol's own field list (ADR 0013). */
export type LaunchOptions = AgentLaunch;

/** The session host as the sessions domain needs it; src/main/runtime implements it. */
export interface HostPort {
  launch(opts: LaunchOptions): Promise<Result<HostInfo>>;
  /** Connects to a live host, verifying pid, start time and nonce; an error says it is gone. */
  connect(sessionId: string, dataDir: string, expected: HostInfo | null): Promise<Result<{ info: HostInfo; link: HostLink }>>;
  /** The journal read from disk, for a host that is gone; a torn last line comes back as a diagnostic. */
  readJournal(sessionId: string, dataDir: string): { records: JournalRecord[]; diagnostics: string[] };
}
