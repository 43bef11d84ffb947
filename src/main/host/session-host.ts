import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type Server, type Socket } from 'node:net';
import { startAgent, type RunningAgent } from './agent';
import { AGENT_LOG_KEEP_BYTES, AgentLogWriter, redactor } from './agent-log';
import { MainConnection } from './connection';
import { ConnectionGate } from './connection-gate';
import { createHostFaults, DEBUG_POINT_FIRED } from './debug-point';
import { acquireLock, writeHostFile, type Log } from './files';
import { Journal, tornDiagnostic } from './journal';
import { previewOf } from './lines';
import { hostFilePath, hostLockPath, journalPath, sessionDir, tornPath } from './paths';
import { processStartTime } from './proc';
import { HOST_TAG_VAR, isRecordObject, type AgentLogLine, JOURNAL_VERSION, MAX_LINE_BYTES, SOCKET_PROTOCOL, type DiagnosticMessage, type ExitMessage, type HelloFrame, type HostConfig } from './protocol';
import { findTree, reapTree } from './reap';

/** How the host process ends; index.ts turns it into an exit code. */
export type HostOutcome = 'agent_exited' | 'spawn_failed' | 'locked' | 'failed';

/** Reaps what the agent left behind when it exited by itself: a short grace, then SIGKILL. */
const LEFTOVER_GRACE_MS = 500;
/** Stderr lines go to main in batches this far apart: a chatty agent costs one frame per tick, not one per line. */
const AGENT_LOG_FLUSH_MS = 25;

/**
 * One session: the agent, its journal, and at most one main process attached
 * over the socket. Every line is journaled before it is forwarded, in both
 * directions; nothing here depends on main being there.
 */
export class SessionHost {
  private journal: Journal | null = null;
  private server: Server | null = null;
  private agent: RunningAgent | null = null;
  private conn: MainConnection | null = null;
  private agentLog: AgentLogWriter | null = null;
  /** Stderr lines not yet sent to main; bounded like the log itself (they are on disk either way). */
  private logBatch: AgentLogLine[] = [];
  private logBatchBytes = 0;
  private logTimer: ReturnType<typeof setTimeout> | null = null;
  /** The agent's valid lines of the stdout read being split now, journaled together when it ends. */
  private fromAgentPending: string[] = [];
  private readonly gate = new ConnectionGate(
    (m) => this.log(m),
    () => this.conn !== null && !this.conn.isClosed,
    (sock, replacing) => {
      try {
        this.accept(sock, replacing);
      } catch (e) {
        // One connection that could not be set up must not take the agent down with the host.
        this.log(`accepting a connection failed: ${(e as Error).stack ?? String(e)}`);
        sock.destroy();
      }
    },
  );
  /** Set once the listening socket is closed: a stopping host takes no new connection. */
  private listenerClosed: Promise<void> | null = null;
  private releaseLock: (() => void) | null = null;
  private stopping: Promise<number[]> | null = null;
  private finished = false;
  private readonly nonce = randomBytes(16).toString('hex');
  private readonly startedAt = Date.now();
  /** Put in the agent's environment; inherited by everything it starts, so a tool that lost its parent is still ours. */
  private readonly tag: string;
  private readonly envTag: string;
  private readonly dir: string;
  private resolveDone!: (o: HostOutcome) => void;
  readonly done = new Promise<HostOutcome>((r) => (this.resolveDone = r));

  constructor(
    private readonly cfg: HostConfig,
    private readonly log: Log,
  ) {
    this.dir = sessionDir(cfg.dataDir, cfg.sessionId);
    this.tag = `${cfg.sessionId}.${this.nonce}`;
    this.envTag = `${HOST_TAG_VAR}=${this.tag}`;
  }

  async start(): Promise<void> {
    const { cfg, log } = this;
    mkdirSync(this.dir, { recursive: true });
    const lock = acquireLock(hostLockPath(this.dir));
    if (!lock.ok) {
      log(`another host (pid ${lock.holder}) holds session ${cfg.sessionId}; exiting`);
      this.resolveDone('locked');
      return;
    }
    this.releaseLock = lock.release;
    this.agentLog = new AgentLogWriter(this.dir);

    const opened = Journal.open(journalPath(this.dir), tornPath(this.dir), cfg.fsyncIntervalMs);
    const journal = (this.journal = opened.journal);
    journal.faults = createHostFaults(cfg.debugPoint, log, join(cfg.dataDir, DEBUG_POINT_FIRED));
    log(`journal open at seq ${journal.lastSeq}`);
    if (opened.torn) this.diagnostic(tornDiagnostic(opened.torn));
    // Damaged lines in the middle are skipped by every reader (and shown by main as a divergence); said here for whoever reads this log.
    for (const d of opened.diagnostics.filter((x) => x.kind !== 'torn').slice(0, 20)) log(`journal: ${d.message}`);
    journal.append('host', { started: { pid: process.pid, protocol: SOCKET_PROTOCOL, journal: JOURNAL_VERSION, command: cfg.command, args: cfg.args, cwd: cfg.cwd } });

    await this.listen();
    const started = await startAgent(
      { command: cfg.command, args: cfg.args, cwd: cfg.cwd, env: { ...cfg.env, [HOST_TAG_VAR]: this.tag }, umask: cfg.agentUmask, redact: redactor(cfg.env, cfg.secretEnv ?? []) },
      {
        onStderr: (line) => this.stderrLine(line),
        onLine: (line) => this.fromAgent(line),
        onRead: () => this.flushFromAgent(),
        onOversized: (bytes, preview) =>
          this.diagnostic({ diagnostic: `The agent wrote a line of ${bytes} bytes, over the ${MAX_LINE_BYTES}-byte limit; it was not forwarded.`, kind: 'oversized', bytes, preview: previewOf(preview) }),
        onExit: (code, signal) => void this.finish(code, signal),
      },
    );
    if (!started.ok) {
      log(started.error);
      const exit: ExitMessage = { exit: { code: null, signal: null }, stderrTail: [], cause: 'spawn_failed', error: started.error, reaped: [], hostPid: process.pid };
      this.append('host', exit);
      await this.shutdown('spawn_failed');
      return;
    }
    this.agent = started.agent;
    log(`agent ${cfg.command} started as pid ${started.agent.pid}`);
    writeHostFile(hostFilePath(this.dir), {
      v: 1,
      protocol: SOCKET_PROTOCOL,
      sessionId: cfg.sessionId,
      pid: process.pid,
      startTime: processStartTime(process.pid) ?? '',
      startedAt: this.startedAt,
      nonce: this.nonce,
      socket: cfg.socketPath,
      agentPid: started.agent.pid,
      launchId: cfg.launchId,
    });
  }

  /** SIGTERM the agent's tree, SIGKILL it after graceMs; its exit then ends the host. */
  stop(graceMs: number): void {
    if (this.stopping || this.finished) return;
    this.append('host', { stop: { graceMs } });
    this.log(`stop requested, grace ${graceMs} ms`);
    // Stopping is recorded: no main may attach from now on (the one that asked keeps its connection to see the exit).
    this.closeListener();
    this.stopping = reapTree({ agentPid: this.agent?.pid ?? null, envTag: this.envTag }, graceMs);
  }

  /** Last resort after a bug: take the agent's tree down with us rather than leave it unjournaled. */
  async fail(error: unknown): Promise<void> {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    this.log(`fatal: ${text}`);
    if (this.finished) return;
    this.finished = true;
    // What the agent wrote before this is journaled first (a failing journal lands back here and returns above).
    this.flushFromAgent();
    const reaped = await reapTree({ agentPid: this.agent?.pid ?? null, envTag: this.envTag }, 1000).catch(() => []);
    try {
      const exit: ExitMessage = { exit: { code: null, signal: null }, stderrTail: this.agent?.stderrTail() ?? [], cause: 'host_failed', error: text.split('\n')[0], reaped, hostPid: process.pid };
      this.journal?.append('host', exit);
    } catch {
      // The journal itself may be what failed.
    }
    await this.shutdown('failed');
  }

  private async listen(): Promise<void> {
    const path = this.cfg.socketPath;
    if (process.platform !== 'win32') rmSync(path, { force: true });
    const server = (this.server = createServer((sock) => this.gate.offer(sock)));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (e) => this.log(`socket server error: ${e.message}`));
    if (process.platform !== 'win32') chmodSync(path, 0o600);
  }

  /** Stops listening: connections already made go on, new ones are refused by the OS. Idempotent. */
  private closeListener(): void {
    this.gate.close();
    const server = this.server;
    if (!server || this.listenerClosed) return;
    // close()'s callback waits for open connections too; the caller bounds that wait.
    this.listenerClosed = new Promise<void>((r) => server.close(() => r()));
  }

  private accept(sock: Socket, replacing: boolean): void {
    const old = this.conn;
    const conn = new MainConnection(
      sock,
      {
        hello: () => this.hello(),
        lastSeq: () => this.journal?.lastSeq ?? 0,
        linesAfter: (after, max) => (this.journal as Journal).linesAfter(after, max),
        send: (line) => this.fromMain(line),
        stop: (grace) => this.stop(grace),
        log: this.log,
      },
      (c) => {
        // A replaced connection's end is implied by the replacement (and logged with it, coalesced).
        if (this.conn !== c) return;
        this.conn = null;
        this.log('main disconnected');
      },
    );
    this.conn = conn;
    if (!replacing) this.log('main connected');
    if (old) void old.bye('replaced');
  }

  private hello(): HelloFrame {
    return {
      t: 'hello',
      protocol: SOCKET_PROTOCOL,
      sessionId: this.cfg.sessionId,
      nonce: this.nonce,
      pid: process.pid,
      startedAt: this.startedAt,
      agentPid: this.agent?.pid ?? null,
      lastSeq: this.journal?.lastSeq ?? 0,
    };
  }

  private fromAgent(line: Buffer): void {
    if (line.length === 0) return;
    const text = line.toString('utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!isRecordObject(parsed)) {
      this.diagnostic({ diagnostic: 'The agent wrote a line that is not a JSON-RPC message; it was not forwarded.', kind: 'non_json', bytes: line.length, preview: previewOf(text) });
      return;
    }
    // Journaled with the rest of this read of stdout, in one write, before any of them is forwarded.
    this.fromAgentPending.push(text);
  }

  /** Journals the agent's lines of the last read of stdout, then tells main. Every other append calls it first, to keep the order. */
  private flushFromAgent(): void {
    const lines = this.fromAgentPending;
    if (lines.length === 0) return;
    this.fromAgentPending = [];
    const journal = this.journal;
    if (!journal) return;
    try {
      journal.appendManyJson('in', lines);
    } catch (e) {
      // A line that cannot be journaled must not be forwarded, and nothing after it could be either.
      void this.fail(e);
      return;
    }
    this.conn?.kick();
  }

  private fromMain(line: string): string | null {
    if (this.finished || !this.agent) return 'The agent is not running.';
    const bytes = Buffer.byteLength(line);
    let parsed: unknown;
    try {
      parsed = bytes <= MAX_LINE_BYTES ? JSON.parse(line) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!isRecordObject(parsed)) {
      const why = bytes > MAX_LINE_BYTES ? `is ${bytes} bytes, over the ${MAX_LINE_BYTES}-byte limit` : 'is not a JSON object';
      this.diagnostic({ diagnostic: `Main sent a line that ${why}; it was not forwarded.`, kind: 'bad_send', bytes, preview: previewOf(line) });
      return `The line ${why}.`;
    }
    // The agent reads one message per line: pretty-printed JSON is re-serialized onto one.
    const one = /[\r\n]/.test(line) ? JSON.stringify(parsed) : line;
    if (!this.appendJson('out', one)) return 'The journal could not be written; the line was not forwarded.';
    this.agent.write(one);
    return null;
  }

  /** Kept in agent.log first (it outlives main and this host), then sent to main if one is attached. */
  private stderrLine(text: string): void {
    const line = this.agentLog?.append(text);
    if (!line) return;
    this.logBatch.push(line);
    this.logBatchBytes += line.text.length;
    while (this.logBatchBytes > AGENT_LOG_KEEP_BYTES && this.logBatch.length > 1) this.logBatchBytes -= (this.logBatch.shift() as AgentLogLine).text.length;
    this.logTimer ??= setTimeout(() => this.flushLog(), AGENT_LOG_FLUSH_MS);
  }

  private flushLog(): void {
    if (this.logTimer) clearTimeout(this.logTimer);
    this.logTimer = null;
    const lines = this.logBatch;
    this.logBatch = [];
    this.logBatchBytes = 0;
    if (lines.length > 0) this.conn?.agentLog(lines);
  }

  private diagnostic(d: DiagnosticMessage): void {
    this.append('host', d);
  }

  private append(dir: 'host', msg: unknown): boolean {
    return this.appendJson(dir, JSON.stringify(msg));
  }

  /** Journal first, then tell main: the record exists on disk before anyone acts on it. */
  private appendJson(dir: 'in' | 'out' | 'host', json: string): boolean {
    this.flushFromAgent();
    const journal = this.journal;
    if (!journal) return false;
    try {
      journal.appendJson(dir, json);
    } catch (e) {
      // A line that cannot be journaled must not be forwarded, and nothing after it could be either.
      void this.fail(e);
      return false;
    }
    this.conn?.kick();
    return true;
  }

  private async finish(code: number | null, signal: string | null): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    const stopped = this.stopping !== null;
    let reaped = (await this.stopping) ?? [];
    const target = { agentPid: this.agent?.pid ?? null, envTag: this.envTag };
    if (findTree(target).length > 0) reaped = [...new Set([...reaped, ...(await reapTree(target, stopped ? 0 : LEFTOVER_GRACE_MS))])];
    const exit: ExitMessage = { exit: { code, signal }, stderrTail: this.agent?.stderrTail() ?? [], cause: stopped ? 'stopped' : 'exited', reaped, hostPid: process.pid };
    this.log(`agent exited code=${code} signal=${signal}; reaped ${reaped.length}`);
    // Its last stderr lines reach main before its exit does.
    this.flushLog();
    this.append('host', exit);
    await this.shutdown('agent_exited');
  }

  private async shutdown(outcome: HostOutcome): Promise<void> {
    this.finished = true;
    this.flushLog();
    // Before the goodbye: whoever saw this host's connection end must find it closed for good.
    this.closeListener();
    const conn = this.conn;
    if (conn) {
      await conn.drained(3000);
      await conn.bye('exited');
    }
    // close() waits for open connections; one that will not end must not keep the host alive.
    const listenerClosed = this.listenerClosed;
    if (listenerClosed) {
      await new Promise<void>((r) => {
        const t = setTimeout(r, 2000);
        void listenerClosed.then(() => {
          clearTimeout(t);
          r();
        });
      });
    }
    // Only a socket we listened on is ours to remove: a host that failed early may share the path with a live one.
    if (this.server && process.platform !== 'win32') rmSync(this.cfg.socketPath, { force: true });
    try {
      this.journal?.close();
    } catch (e) {
      this.log(`journal close failed: ${(e as Error).message}`);
    }
    this.agentLog?.close();
    this.releaseLock?.();
    this.log(`host exiting: ${outcome}`);
    this.resolveDone(outcome);
  }
}
