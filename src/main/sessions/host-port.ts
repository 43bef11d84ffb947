/** The session host as the sessions domain sees it (a port, ADR 0013): declared here, implemented by src/main/runtime/host-port.ts. */
import type { JournalRecord } from '../../shared/journal';
import type { AgentLaunch, AgentLogLine } from '../host/protocol';
import type { Result } from '../../shared/result';

/** How main finds a session host again: all four must match, so a reused pid is never mistaken for it. */
export interface HostInfo {
  pid: number;
  startTime: string;
  nonce: string;
  socket: string;
}

export interface HostLink {
  /**
   * Streams journal records with seq > fromSeq, in order, then live ones as the host writes them. Resolves with
   * the seq the journal had reached once all of it up to there has been streamed (where it got to, if the link closed).
   */
  attach(fromSeq: number, onRecord: (r: JournalRecord) => void): Promise<number>;
  /** One JSON-RPC message for the agent; the host journals it before forwarding. */
  send(msg: unknown): void;
  /** Stops the agent and every process it started, then the host. */
  stop(graceMs: number): Promise<void>;
  /** Lets go of the host without stopping it (quit, restart). */
  detach(): void;
  onClose(cb: () => void): void;
  /** New lines of the agent's stderr as the host keeps them (agent.log), live while attached. */
  onAgentLog(cb: (lines: AgentLogLine[]) => void): void;
}

/** The newest part of a session's agent log, read where its host keeps it. */
export interface AgentLogTail {
  lines: AgentLogLine[];
  /** Older lines exist that are not in `lines`. */
  truncated: boolean;
}

/** What recovery needs to know about a journal, read from its end (runtime/journal-tail.ts reads it, here or where the host runs). */
export interface JournalTail {
  /** The last valid record's seq; 0 for a missing or empty journal. */
  lastSeq: number;
  /** A prompt went out and neither its response, an exit, nor an interrupted marker came after it. */
  turnOpen: boolean;
  /** In that open turn, the agent asked for permission and no answer went back. */
  pendingPermission: boolean;
  /** The newest host run ended with this exit record (only recovery markers after it). */
  exit: { code: number | null; signal: string | null } | null;
  /**
   * With `exit`: the agent died with a turn open (its run's newest prompt had
   * no response before the exit). `turnOpen` counts the exit as the end of
   * every turn, so without this a turn the database never saw start (main
   * died before projecting the prompt) would pass for an idle session.
   */
  turnOpenAtExit: boolean;
  /** An interrupted marker follows the newest agent or client record: recovery has already appended one. */
  interruptedMarker: boolean;
}

/** A journal's tail and its lines (as written, unparsed) in the range asked for: what a reconcile reads of it. */
export interface JournalTailRead {
  tail: JournalTail;
  lines: Array<{ seq: number; text: string }>;
}

/** What the domain asks a launch for: the host protocol's own field list (ADR 0013). */
export type LaunchOptions = AgentLaunch;

/**
 * Whether a host process is there: `alive` (pid and start time match), `gone`, or `unreachable` (it runs on a
 * machine the link to which is down: nothing can be known of it, and it must not be taken for gone, ADR 0018).
 */
export type HostLiveness = 'alive' | 'gone' | 'unreachable';

/**
 * The session host as the sessions domain needs it; src/main/runtime implements it. Everything here speaks in
 * session ids: where the host runs (this machine, or an SSH destination) is the port's business. An error with
 * code `unreachable` means the host's machine cannot be reached now, never that the host is gone.
 */
export interface HostPort {
  launch(opts: LaunchOptions): Promise<Result<HostInfo>>;
  /** Connects to a live host, verifying pid, start time and nonce; an error says it is gone (or unreachable). */
  connect(sessionId: string, dataDir: string, expected: HostInfo | null): Promise<Result<{ info: HostInfo; link: HostLink }>>;
  /** Whether that host process is still there, asked where it runs. */
  liveness(sessionId: string, dataDir: string, host: HostInfo): Promise<HostLiveness>;
  /** The journal as a file on this machine (recovery reads it from its end, by bisection), or null when the host runs elsewhere. */
  journalFile(sessionId: string, dataDir: string): string | null;
  /** The journal's records in (fromSeq, throughSeq], read where the host runs, for a host that is gone; a torn last line comes back as a diagnostic. */
  readJournal(sessionId: string, dataDir: string, fromSeq?: number, throughSeq?: number): Promise<Result<{ records: JournalRecord[]; diagnostics: string[] }>>;
  /**
   * The journal's tail facts and its lines in (afterSeq, throughSeq], read where the host runs from the end and by
   * bisection: what a reconcile decides on, never the whole journal (a remote one would cross the network whole).
   */
  journalTail(sessionId: string, dataDir: string, check: { afterSeq: number; throughSeq: number }): Promise<Result<JournalTailRead>>;
  /** The newest lines of the agent's stderr whose text adds up to at most maxBytes, read where the host keeps them (whether it runs or not). */
  readAgentLog(sessionId: string, dataDir: string, maxBytes: number): Promise<Result<AgentLogTail>>;
  /** Appends a recovery marker (a host record) to the journal, under the host's lock, where it runs; returns its seq. */
  appendMarker(sessionId: string, dataDir: string, msg: { marker: string; text: string }): Promise<Result<number>>;
}
