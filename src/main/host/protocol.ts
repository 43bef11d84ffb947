/**
 * The session host's two contracts, shared by the host and main's runtime:
 * the journal line format (ADR 0005) and the socket frames (ADR 0004).
 * Types and constants only: the host imports nothing from the app, and the
 * app reads these shapes from here so both sides cannot drift apart.
 */

/** Bumped when a journal record changes shape; readers reject lines with another `v`. */
export const JOURNAL_VERSION = 1;
/** Bumped when a socket frame changes shape; main refuses a host that says another number. */
export const SOCKET_PROTOCOL = 1;
/** Lines longer than this (agent stdout or main's `send`) are journaled as diagnostics, never forwarded. */
export const MAX_LINE_BYTES = 8 * 1024 * 1024;

/** Added to the agent's environment as `<sessionId>.<nonce>`; how the host finds every process the agent started. */
export const HOST_TAG_VAR = 'BATON_HOST_TAG';

export type Direction = 'in' | 'out' | 'host';

/**
 * One journal line. `in` = agent→client, `out` = client→agent, `host` = the host's own facts.
 * The app's JournalRecord (src/shared/journal.ts, from its zod schema) must stay exactly this type:
 * tests/unit/shared/journal-record.test.ts fails to compile when the two differ.
 */
export interface JournalRecord {
  v: number;
  seq: number;
  ts: number;
  dir: Direction;
  msg: unknown;
}

/** `msg` of the host record journaled when the agent is gone; its presence means the session's process ended. */
export interface ExitMessage {
  exit: { code: number | null; signal: string | null };
  stderrTail: string[];
  /** Why the agent ended: it exited by itself, main asked to stop it, or it never started. */
  cause: 'exited' | 'stopped' | 'spawn_failed' | 'host_failed';
  /** Set when the agent could not be started: what failed and why, naming the command. */
  error?: string;
  /** Descendants still running after the agent ended, signalled by the host. */
  reaped: number[];
  /**
   * The host that wrote it. A journal outlives its hosts, so a reader that
   * attaches to a new host may still be catching up on an older host's exit;
   * this tells the two apart. Absent in journals written before it existed.
   */
  hostPid?: number;
}

/** `msg` of a host diagnostic: something a person may need to see, never protocol. */
export interface DiagnosticMessage {
  diagnostic: string;
  kind: 'non_json' | 'oversized' | 'torn_journal' | 'bad_send' | 'host_error' | 'stderr_overflow';
  bytes?: number;
  preview?: string;
}

/**
 * `<dataDir>/sessions/<id>/host.json`, written atomically once the host
 * listens and the agent runs. All of pid, startTime and nonce must match a
 * live process and the socket's hello for main to trust it.
 */
export interface HostFile {
  v: number;
  protocol: number;
  sessionId: string;
  pid: number;
  /** As the OS reports it (Linux: field 22 of /proc/<pid>/stat): a reused pid has another. */
  startTime: string;
  startedAt: number;
  nonce: string;
  socket: string;
  agentPid: number | null;
  /** The launcher's token, so it can tell this host's file from an older one. */
  launchId: string;
}

/** First frame on every connection. */
export interface HelloFrame {
  t: 'hello';
  protocol: number;
  sessionId: string;
  nonce: string;
  pid: number;
  startedAt: number;
  agentPid: number | null;
  lastSeq: number;
}

/** One line the agent wrote on stderr, as the host keeps it in agent.log (ADR 0025): `n` counts from 1 over the session's life. */
export interface AgentLogLine {
  n: number;
  ts: number;
  text: string;
}

export type HostFrame =
  | HelloFrame
  /** Answers each attach, before any record of its stream: what came before it belongs to an older stream. */
  | { t: 'attached'; fromSeq: number }
  | { t: 'record'; record: JournalRecord }
  /** Every record up to `seq` has been sent since the last attach; what follows is live. */
  | { t: 'caught_up'; seq: number }
  /** `ahead`: attach asked for records after a seq the journal has not reached; the stream starts from the journal's end. */
  | { t: 'error'; code: 'bad_frame' | 'bad_send' | 'ahead'; message: string }
  /**
   * New stderr lines, already in agent.log; sent to the attached main as they come, outside the journal's stream.
   * A main that does not know this frame ignores it, so SOCKET_PROTOCOL is unchanged.
   */
  | { t: 'agent_log'; lines: AgentLogLine[] }
  /** Sent just before the host closes the connection. */
  | { t: 'bye'; reason: 'replaced' | 'exited' };

export type MainFrame =
  /** Stream every record with seq > fromSeq from the journal, then live ones. Repeating it restarts the stream. */
  | { t: 'attach'; fromSeq: number }
  /** One JSON-RPC message for the agent, as a single line of JSON; journaled `out` before the agent sees it. */
  | { t: 'send'; line: string }
  /** SIGTERM the agent and every descendant, SIGKILL what is left after graceMs, journal the exit, exit. */
  | { t: 'stop'; graceMs: number };

/**
 * What a launch names: the session, where its files go, and the agent to run. Declared once here
 * (the host imports nothing from the app); runtime's LaunchHostOptions and the sessions domain's
 * LaunchOptions are this type.
 */
export interface AgentLaunch {
  sessionId: string;
  dataDir: string;
  cwd: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Names of `env` entries that are secrets: their values are replaced wherever the agent's stderr repeats them. */
  secretEnv?: string[];
}

/** The host's config file (`host --config <path>`), written by main's launcher with mode 0600. */
export interface HostConfig extends AgentLaunch {
  v: number;
  socketPath: string;
  launchId: string;
  /** 0 = fdatasync after every record; N > 0 = at most N ms after a write (group commit). */
  fsyncIntervalMs: number;
  /** The umask the agent runs under (the user's; the host itself keeps 077). Absent: the host's own. */
  agentUmask?: number;
  /** Tests only: a crash point (`after_journal_append[:N]`, `mid_journal_write[:N]`), see debug-point.ts. */
  debugPoint?: string;
}

export const isRecordObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
export const isStringMap = (v: unknown): v is Record<string, string> => isRecordObject(v) && Object.values(v).every((x) => typeof x === 'string');
