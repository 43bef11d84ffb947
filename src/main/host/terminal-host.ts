/**
 * The terminal host's process body (ADR 0017): one pty, its scrollback ring,
 * and any number of attached clients over a unix socket. It outlives main like
 * the session host does; keystrokes go to the pty and nowhere else.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { spawn as spawnPty, type IPty } from '@lydell/node-pty';
import { acquireLock, loadConfigFile, type Log } from './files';
import { precheck } from './agent';
import { processStartTime } from './proc';
import { isRecordObject, isStringArray, isStringMap } from './protocol';
import { hostFilePath, hostLockPath } from './paths';
import { findTree, reapTree } from './reap';
import { TerminalClient } from './terminal-client';
import { exitFilePath, scrollbackPath, SCROLLBACK_BYTES, TERMINAL_KIND, TERMINAL_PROTOCOL, TERMINAL_TAG_VAR, terminalDir, MAX_INPUT_BYTES, type TerminalExit, type TerminalHello, type TerminalHostConfig, type TerminalHostFile } from './terminal-protocol';
import { ScrollbackRing, type RingSlice } from './terminal-ring';

/** How long a flood of output is gathered into one frame; what a person cannot see in a terminal's redraw. */
const FLOOD_WINDOW_MS = 4;
/** A gathered frame goes out early at this size (UTF-16 units of pty text), so frames stay bounded. */
const FLOOD_FRAME_CHARS = 256 * 1024;
/** A window that has carried less than this is interactive (echoes, prompts): its reads go out at once. */
const INTERACTIVE_CHARS = 4096;

export type TerminalOutcome = 'exited' | 'spawn_failed' | 'locked' | 'failed';

const isDim = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 1000;

/** Checks the config's shape; a message naming the first bad field otherwise. */
export function parseTerminalConfig(raw: unknown): TerminalHostConfig | string {
  if (!isRecordObject(raw)) return 'the config is not a JSON object';
  if (raw.v !== 1) return `unsupported config version ${String(raw.v)}`;
  for (const k of ['terminalId', 'dataDir', 'cwd', 'command', 'socketPath', 'launchId'] as const) {
    if (typeof raw[k] !== 'string' || raw[k] === '') return `"${k}" must be a non-empty string`;
  }
  if (!/^[\w.-]{1,128}$/.test(raw.terminalId as string)) return '"terminalId" may hold only letters, digits, ".", "_" and "-"';
  if (!isStringArray(raw.args)) return '"args" must be an array of strings';
  if (!isStringMap(raw.env)) return '"env" must map names to strings';
  if (!isDim(raw.cols) || !isDim(raw.rows)) return '"cols" and "rows" must be integers from 1 to 1000';
  if (raw.shellUmask !== undefined && (!Number.isInteger(raw.shellUmask) || (raw.shellUmask as number) < 0 || (raw.shellUmask as number) > 0o777)) return '"shellUmask" must be an integer from 0 to 0o777';
  return raw as unknown as TerminalHostConfig;
}

/** Reads `--config <path>`, then deletes the file: it holds the shell's environment. */
export function loadTerminalConfig(argv: string[]): TerminalHostConfig | string {
  return loadConfigFile(argv, 'usage: terminal-host --config <path to JSON config>', parseTerminalConfig);
}

/** Written whole or not at all. */
function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

export class TerminalHost {
  private pty: IPty | null = null;
  private ring: ScrollbackRing | null = null;
  private server: Server | null = null;
  private readonly clients = new Set<TerminalClient>();
  private readonly laggingClients = new Set<TerminalClient>();
  private paused = false;
  private releaseLock: (() => void) | null = null;
  private killing: Promise<number[]> | null = null;
  private finished = false;
  private cols: number;
  private rows: number;
  private readonly nonce = randomBytes(16).toString('hex');
  private readonly startedAt = Date.now();
  private readonly envTag: string;
  private readonly dir: string;
  private resolveDone!: (o: TerminalOutcome) => void;
  readonly done = new Promise<TerminalOutcome>((r) => (this.resolveDone = r));

  constructor(
    private readonly cfg: TerminalHostConfig,
    private readonly log: Log,
  ) {
    this.dir = terminalDir(cfg.dataDir, cfg.terminalId);
    this.envTag = `${TERMINAL_TAG_VAR}=${cfg.terminalId}.${this.nonce}`;
    this.cols = cfg.cols;
    this.rows = cfg.rows;
  }

  async start(): Promise<void> {
    const { cfg, log } = this;
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const lock = acquireLock(hostLockPath(this.dir));
    if (!lock.ok) {
      log(`another host (pid ${lock.holder}) holds terminal ${cfg.terminalId}; exiting`);
      this.resolveDone('locked');
      return;
    }
    this.releaseLock = lock.release;
    rmSync(exitFilePath(this.dir), { force: true });
    this.ring = ScrollbackRing.open(scrollbackPath(this.dir), SCROLLBACK_BYTES);
    await this.listen();

    const bad = precheck({ command: cfg.command, args: cfg.args, cwd: cfg.cwd, env: cfg.env });
    if (bad) return this.spawnFailed(bad);
    const env: Record<string, string> = { ...cfg.env, [TERMINAL_TAG_VAR]: this.envTag.slice(TERMINAL_TAG_VAR.length + 1) };
    try {
      // The shell makes the user's files: it runs under the user's umask, the host under 077.
      const prev = cfg.shellUmask !== undefined ? process.umask(cfg.shellUmask) : null;
      try {
        this.pty = spawnPty(cfg.command, cfg.args, { name: env.TERM ?? 'xterm-256color', cols: this.cols, rows: this.rows, cwd: cfg.cwd, env });
      } finally {
        if (prev !== null) process.umask(prev);
      }
    } catch (e) {
      // node-pty's message may quote an argument; only its code is kept.
      const code = isRecordObject(e) && typeof e.code === 'string' ? e.code : 'the pty could not be created';
      return this.spawnFailed(`Cannot start "${cfg.command}": ${code}`);
    }
    const pty = this.pty;
    pty.onData((d) => this.fromPty(d));
    pty.onExit(({ exitCode, signal }) => void this.finish(exitCode, signal ?? null));
    log(`pty ${cfg.command} started as pid ${pty.pid}`);
    const info: TerminalHostFile = {
      v: 1,
      kind: TERMINAL_KIND,
      protocol: TERMINAL_PROTOCOL,
      terminalId: cfg.terminalId,
      pid: process.pid,
      startTime: processStartTime(process.pid) ?? '',
      startedAt: this.startedAt,
      nonce: this.nonce,
      socket: cfg.socketPath,
      ptyPid: pty.pid,
      launchId: cfg.launchId,
    };
    writeJsonAtomic(hostFilePath(this.dir), info);
  }

  /** SIGTERM the shell's tree, SIGKILL it after graceMs; the pty's exit then ends the host. */
  kill(graceMs: number): void {
    if (this.killing || this.finished) return;
    this.log(`kill requested, grace ${graceMs} ms`);
    this.killing = reapTree({ agentPid: this.pty?.pid ?? null, envTag: this.envTag }, graceMs);
  }

  async fail(error: unknown): Promise<void> {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    this.log(`fatal: ${text}`);
    if (this.finished) return;
    this.finished = true;
    await reapTree({ agentPid: this.pty?.pid ?? null, envTag: this.envTag }, 1000).catch(() => []);
    this.recordExit({ code: null, signal: null, cause: 'host_failed', error: text.split('\n')[0] ?? 'internal error', hostPid: process.pid, at: Date.now() });
    await this.shutdown('failed');
  }

  private hello(): TerminalHello {
    return {
      t: 'hello',
      kind: TERMINAL_KIND,
      protocol: TERMINAL_PROTOCOL,
      terminalId: this.cfg.terminalId,
      nonce: this.nonce,
      pid: process.pid,
      startedAt: this.startedAt,
      ptyPid: this.pty?.pid ?? 0,
      cols: this.cols,
      rows: this.rows,
      start: this.ring?.start ?? 0,
      end: this.ring?.end ?? 0,
    };
  }

  private async listen(): Promise<void> {
    const path = this.cfg.socketPath;
    rmSync(path, { force: true });
    const server = (this.server = createServer((sock) => {
      if (this.finished) return void sock.destroy();
      const client = new TerminalClient(
        sock,
        {
          hello: () => this.hello(),
          since: (from) => this.ring?.since(from) ?? ({ start: 0, end: 0, data: Buffer.alloc(0) } satisfies RingSlice),
          input: (data) => this.input(data),
          resize: (cols, rows) => this.resize(cols, rows),
          kill: (grace) => this.kill(grace),
          lagging: (c, lagging) => this.setLagging(c, lagging),
          log: this.log,
        },
        (c) => this.clients.delete(c),
      );
      this.clients.add(client);
    }));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (e) => this.log(`socket server error: ${e.message}`));
    chmodSync(path, 0o600);
  }

  private input(data: string): string | null {
    if (!this.pty || this.finished || this.killing) return 'The terminal is not running.';
    if (Buffer.byteLength(data) > MAX_INPUT_BYTES) return `Input over ${MAX_INPUT_BYTES} bytes was refused; send it in smaller pieces.`;
    this.pty.write(data);
    return null;
  }

  private resize(cols: number, rows: number): void {
    if (!this.pty || this.finished) return;
    this.cols = cols;
    this.rows = rows;
    this.pty.resize(cols, rows);
  }

  /** Output read but not yet in the ring nor sent: one ring write and one frame for many reads. */
  private pendingOut: string[] = [];
  private pendingLength = 0;
  private flushQueued = false;
  /** Open while output keeps coming (see fromPty); null after a quiet spell. */
  private window: ReturnType<typeof setTimeout> | null = null;
  private windowLength = 0;

  /**
   * A pty hands over at most 4 KiB a read, one read per loop turn, and the writer stalls whenever its small
   * buffer is full; each read must cost little. The first read after a quiet spell goes out at the end of its
   * turn (a keystroke's echo is not delayed), as does anything small inside a window; a flood is gathered for
   * FLOOD_WINDOW_MS (or FLOOD_FRAME_CHARS) into one ring write and one frame, instead of a frame and two disk
   * writes per read.
   */
  private fromPty(data: string): void {
    this.pendingOut.push(data);
    this.pendingLength += data.length;
    if (this.window === null) {
      this.openWindow();
      this.queueFlush();
      return;
    }
    this.windowLength += data.length;
    if (this.windowLength < INTERACTIVE_CHARS || this.pendingLength >= FLOOD_FRAME_CHARS) this.queueFlush();
  }

  private queueFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    setImmediate(() => {
      this.flushQueued = false;
      this.flushOut();
    });
  }

  private openWindow(): void {
    this.windowLength = 0;
    this.window = setTimeout(() => {
      this.window = null;
      if (this.pendingOut.length === 0) return;
      this.flushOut();
      this.openWindow();
    }, FLOOD_WINDOW_MS);
  }

  private flushOut(): void {
    const ring = this.ring;
    if (this.pendingOut.length === 0) return;
    const data = this.pendingOut.length === 1 ? (this.pendingOut[0] as string) : this.pendingOut.join('');
    this.pendingOut = [];
    this.pendingLength = 0;
    if (!ring || data.length === 0) return;
    const at = ring.end;
    try {
      ring.append(Buffer.from(data, 'utf8'));
    } catch (e) {
      // A disk that refuses the scrollback must not stop the shell: the live stream goes on, the log says why.
      this.log(`scrollback write failed: ${(e as Error).message}`);
    }
    for (const c of this.clients) c.output(at, ring.end, data);
  }

  private setLagging(c: TerminalClient, lagging: boolean): void {
    if (lagging) this.laggingClients.add(c);
    else this.laggingClients.delete(c);
    const pause = this.laggingClients.size > 0;
    if (pause === this.paused || !this.pty) return;
    this.paused = pause;
    if (pause) this.pty.pause();
    else this.pty.resume();
  }

  private spawnFailed(error: string): Promise<void> {
    this.log(error);
    this.recordExit({ code: null, signal: null, cause: 'spawn_failed', error, hostPid: process.pid, at: Date.now() });
    return this.shutdown('spawn_failed');
  }

  private recordExit(exit: TerminalExit): void {
    // The shell's last words go out (and into the ring) before its exit.
    if (this.pendingOut.length > 0) this.flushOut();
    try {
      writeJsonAtomic(exitFilePath(this.dir), exit);
    } catch (e) {
      this.log(`exit.json could not be written: ${(e as Error).message}`);
    }
    for (const c of this.clients) c.send({ t: 'exit', exit });
  }

  private async finish(code: number, signal: number | null): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    const killed = this.killing !== null;
    await this.killing;
    // Whatever the shell left running in the background goes with it: a terminal that is gone holds nothing.
    const target = { agentPid: this.pty?.pid ?? null, envTag: this.envTag };
    if (findTree(target).length > 0) await reapTree(target, 500);
    this.log(`pty exited code=${code} signal=${signal ?? 0}`);
    // Ended by a signal: there is no exit code to show (node-pty reports 0 beside the signal).
    this.recordExit({ code: signal ? null : code, signal: signal || null, cause: killed ? 'killed' : 'exited', hostPid: process.pid, at: Date.now() });
    await this.shutdown('exited');
  }

  private async shutdown(outcome: TerminalOutcome): Promise<void> {
    this.finished = true;
    if (this.window) clearTimeout(this.window);
    this.window = null;
    const server = this.server;
    if (server) server.close();
    await Promise.all([...this.clients].map((c) => c.bye()));
    if (server) rmSync(this.cfg.socketPath, { force: true });
    rmSync(hostFilePath(this.dir), { force: true });
    try {
      this.ring?.close();
    } catch (e) {
      this.log(`scrollback close failed: ${(e as Error).message}`);
    }
    this.releaseLock?.();
    this.log(`terminal host exiting: ${outcome}`);
    this.resolveDone(outcome);
  }
}

/** The host's log file inside its terminal's folder. */
export const terminalLogPath = (dir: string): string => join(dir, 'host.log');
