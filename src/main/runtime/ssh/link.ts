/** One SSH destination reached with the system OpenSSH client over one multiplexed connection Baton owns (ADR 0018). */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isSshDestination } from '../../../shared/project-host';
import { fail, ok, type Result } from '../../../shared/result';
import { spawnErrorText } from '../../lib/spawn-error';
import { sleep } from '../../lib/wait';
import { ChildDuplex } from './child-stream';

export interface SshTarget {
  /** As the user writes it for `ssh`: an alias from ~/.ssh/config, `user@host`, or `ssh://user@host:port`. */
  destination: string;
  /** An ssh_config to use instead of the user's (`ssh -F`); tests only, via BATON_SSH_CONFIG. */
  configFile?: string;
  /** Where the ControlMaster socket goes: in Baton's data dir, mode 0700. */
  controlDir: string;
}

export type LinkState =
  | { state: 'connecting'; attempt: number }
  | { state: 'connected'; since: number }
  | { state: 'disconnected'; reason: string; since: number; retryInMs: number | null };

export interface ExecResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Waits between reconnect attempts: quick at first (a blip), then no more than every 10 s. */
export const DEFAULT_BACKOFF_MS = [250, 500, 1000, 2000, 5000, 10_000];
/** sun_path is 104 bytes on macOS, counting the NUL; ssh adds a suffix while it binds. */
const CONTROL_PATH_MAX = 80;

/** sun_path on the remote (108 on Linux, 104 on macOS, with the NUL): sshd cannot bind a longer path. */
const REMOTE_SOCKET_MAX = 100;

const lastLine = (r: ExecResult): string => r.stderr.trim().split('\n').at(-1) || `exit ${r.code}`;

/** POSIX shell single-quoting: the remote side of `ssh` always runs the command through the user's shell. */
export const shq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** A destination ssh would read as an option, or with characters no host name has, is refused before it reaches a command line. */
export const validDestination = isSshDestination;

/**
 * The control socket: named by us (not `%C`), so a stale one left by a crash can be found and removed;
 * in `<controlDir>` when the path fits sun_path, else in a private dir under the temp dir.
 */
export function controlPathFor(dir: string, target: SshTarget): string {
  const name = `m-${createHash('sha256').update(`${target.destination}\0${target.configFile ?? ''}`).digest('hex').slice(0, 20)}`;
  const inDir = join(dir, name);
  if (Buffer.byteLength(inDir) <= CONTROL_PATH_MAX) return inDir;
  const short = join(tmpdir(), `baton-ssh-${process.getuid?.() ?? 0}-${createHash('sha256').update(dir).digest('hex').slice(0, 12)}`);
  mkdirSync(short, { recursive: true, mode: 0o700 });
  assertPrivateDir(short);
  return join(short, name);
}

/**
 * The temp dir is shared with every local user, and its name is predictable: a
 * folder someone else made first (with a socket of theirs in it) would carry our
 * commands, and the secrets on their stdin, over their connection. Only ours, 0700.
 */
export function assertPrivateDir(dir: string): void {
  const st = lstatSync(dir);
  const uid = process.getuid?.();
  if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o077) !== 0) {
    throw new Error(`${dir} is not a private folder of this user (owner, mode or type differ), so Baton will not put its ssh control socket there. Remove it, or use a data dir with a shorter path.`);
  }
}

/**
 * The master connection (`ssh -M -N`) is a child of this process, so its
 * exit is the positive signal that the link is down; every command and
 * stream rides it (`-S <control path>`). When it ends, the link reports
 * `disconnected` with ssh's own words and reconnects with backoff.
 * Nothing here sees a password or a key: authentication is OpenSSH's
 * (agent, keys, Kerberos, ProxyJump from the user's config).
 */
export class SshLink {
  private master: ChildProcess | null = null;
  private current: LinkState = { state: 'disconnected', reason: 'not started', since: Date.now(), retryInMs: null };
  private listeners: Array<(s: LinkState) => void> = [];
  private closing = false;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly controlPath: string;
  /** Where forwarded sockets go: beside the control socket, private. */
  private readonly forwardDir: string;
  /** Local ends the current master forwards; a new master starts with none. */
  private forwards = new Set<string>();
  /** Remote sockets to keep forwarded back here (remote path → local socket): each new master forwards them again before it is called connected. */
  private readonly reverse = new Map<string, string>();
  /** Which of those the current master forwards. */
  private reverseDone = new Set<string>();
  private readonly reverseInFlight = new Map<string, Promise<Result<void>>>();

  constructor(
    readonly target: SshTarget,
    private readonly backoffMs: number[] = DEFAULT_BACKOFF_MS,
  ) {
    if (!validDestination(target.destination)) throw new Error(`invalid ssh destination ${JSON.stringify(target.destination)}`);
    mkdirSync(target.controlDir, { recursive: true, mode: 0o700 });
    this.controlPath = controlPathFor(target.controlDir, target);
    this.forwardDir = dirname(this.controlPath);
  }

  get state(): LinkState {
    return this.current;
  }

  onState(cb: (s: LinkState) => void): () => void {
    this.listeners.push(cb);
    return () => (this.listeners = this.listeners.filter((l) => l !== cb));
  }

  /** The options every ssh invocation shares: the config file if any, and no prompt ever (there is no terminal to answer it). */
  private baseArgs(): string[] {
    const a: string[] = [];
    if (this.target.configFile) a.push('-F', this.target.configFile);
    // `-S`, not `-o ControlPath=`: an option's value is split at spaces (macOS's data dir has one); only `%` is special to -S.
    a.push('-o', 'BatchMode=yes', '-S', this.controlPath.replace(/%/g, '%%'));
    return a;
  }

  /** Starts (or restarts) the link; resolves once connected, or with why the first attempt failed (reconnects go on). */
  async connect(timeoutMs = 15_000): Promise<Result<void>> {
    this.closing = false;
    if (this.current.state === 'connected') return ok(undefined);
    if (this.current.state !== 'connecting') this.startMaster();
    const deadline = Date.now() + timeoutMs;
    return new Promise((resolve) => {
      const check = (s: LinkState) => {
        if (s.state === 'connected') done(ok(undefined));
        else if (s.state === 'disconnected') done(fail('unreachable', `Cannot reach ${this.target.destination} over ssh: ${s.reason}. Check that \`ssh ${this.target.destination} true\` works in a terminal without a prompt (a key in ssh-agent, or Kerberos).`));
      };
      const timer = setTimeout(() => done(fail('unreachable', `ssh ${this.target.destination} did not connect within ${Math.round(timeoutMs / 1000)} s.`)), Math.max(0, deadline - Date.now()));
      const off = this.onState(check);
      const done = (r: Result<void>) => {
        clearTimeout(timer);
        off();
        resolve(r);
      };
      check(this.current);
    });
  }

  private setState(s: LinkState): void {
    this.current = s;
    for (const l of [...this.listeners]) l(s);
  }

  private startMaster(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.attempt++;
    this.setState({ state: 'connecting', attempt: this.attempt });
    void this.clearStaleMaster().then(() => {
      if (!this.closing && this.current.state === 'connecting') this.spawnMaster();
    });
  }

  /**
   * A master left by an earlier Baton that died without ending it (it still answers), or its
   * socket file (it does not): either would make ssh disable multiplexing for ours. Ended, removed.
   */
  private async clearStaleMaster(): Promise<void> {
    if (!existsSync(this.controlPath)) return;
    await this.run(['-O', 'exit', '--', this.target.destination], null, 5000);
    rmSync(this.controlPath, { force: true });
  }

  private spawnMaster(): void {
    let stderr = '';
    let child: ChildProcess;
    try {
      // ServerAlive: a link that silently died (a sleeping laptop, a dropped NAT) is noticed within ~15 s;
      // ConnectTimeout: a host that drops packets shows Disconnected in 15 s, not after the OS's TCP timeout.
      child = spawn('ssh', [...this.baseArgs(), '-M', '-N', '-o', 'ControlPersist=no', '-o', 'StreamLocalBindUnlink=yes', '-o', 'ServerAliveInterval=5', '-o', 'ServerAliveCountMax=3', '-o', 'ConnectTimeout=15', '--', this.target.destination], {
        stdio: ['ignore', 'ignore', 'pipe'],
        windowsHide: true,
      });
    } catch (e) {
      this.lost(`ssh could not be started: ${spawnErrorText(e)}`);
      return;
    }
    this.master = child;
    this.forwards = new Set();
    this.reverseDone = new Set();
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString('utf8')).slice(-2000)));
    child.once('error', (e) => {
      if (this.master !== child) return;
      this.master = null;
      this.lost(`ssh could not be started: ${spawnErrorText(e)}`);
    });
    child.once('exit', (code, signal) => {
      if (this.master !== child) return;
      this.master = null;
      const said = stderr.trim().split('\n').filter(Boolean).at(-1);
      this.lost(said ?? (signal ? `ssh was killed by ${signal}` : `ssh exited with code ${String(code)}`));
    });
    void this.waitReady(child);
  }

  /** Positive signal: the master answers `-O check` on its control socket. */
  private async waitReady(child: ChildProcess): Promise<void> {
    while (this.master === child && this.current.state === 'connecting') {
      const r = await this.run(['-O', 'check', '--', this.target.destination], null, 5000);
      if (this.master !== child) return;
      if (r.ok && r.value.code === 0) {
        // The reverse forwards come back first, so whoever sees `connected` (a reconcile, an agent's next tool call) finds them.
        for (const [remote, local] of this.reverse) {
          const f = await this.applyReverse(remote, local);
          if (!f.ok) console.warn(`[baton] ${f.error.message}`);
          if (this.master !== child) return;
        }
        this.attempt = 0;
        this.setState({ state: 'connected', since: Date.now() });
        return;
      }
      await sleep(30);
    }
  }

  private lost(reason: string): void {
    if (this.closing) {
      this.setState({ state: 'disconnected', reason: 'closed', since: Date.now(), retryInMs: null });
      return;
    }
    const wait = this.backoffMs[Math.min(this.attempt, this.backoffMs.length) - 1] ?? this.backoffMs.at(-1) ?? 1000;
    this.setState({ state: 'disconnected', reason, since: Date.now(), retryInMs: wait });
    this.retryTimer = setTimeout(() => this.startMaster(), wait);
    this.retryTimer.unref?.();
  }

  /** Runs one remote shell command line over the master. `unreachable` when the link is down; otherwise the command's own exit code. */
  async exec(remoteCommand: string, input: Buffer | string | null = null, timeoutMs = 60_000): Promise<Result<ExecResult>> {
    if (this.current.state !== 'connected') return fail('unreachable', this.downText());
    const r = await this.run(['-T', '-o', 'ControlMaster=no', '--', this.target.destination, remoteCommand], input, timeoutMs);
    if (!r.ok) return r;
    // 255 is ssh's own failure (the link), not the command's.
    if (r.value.code === 255) return fail('unreachable', `ssh ${this.target.destination} failed: ${r.value.stderr.trim().split('\n').at(-1) ?? 'exit 255'}`);
    return r;
  }

  /**
   * A local unix socket forwarded to one on the remote (`ssh -O forward -L local:remote`: OpenSSH's
   * streamlocal forwarding, on the master), so a host's socket is reached with no process on the
   * remote. The master binds it (mode 0600, replacing a stale file); a new master forwards again.
   */
  async forwardSocket(remoteSocket: string): Promise<Result<string>> {
    if (this.current.state !== 'connected') return fail('unreachable', this.downText());
    const local = join(this.forwardDir, `f-${createHash('sha256').update(remoteSocket).digest('hex').slice(0, 16)}.sock`);
    if (this.forwards.has(local)) return ok(local);
    const r = await this.run(['-O', 'forward', '-L', `${local}:${remoteSocket}`, '--', this.target.destination], null, 10_000);
    if (!r.ok) return r;
    if (r.value.code !== 0) return fail(this.current.state === 'connected' ? 'forward_failed' : 'unreachable', `ssh could not forward ${remoteSocket} on ${this.target.destination}: ${r.value.stderr.trim().split('\n').at(-1) ?? `exit ${r.value.code}`}`);
    this.forwards.add(local);
    return ok(local);
  }

  /**
   * A unix socket on the remote forwarded back to a local one (`ssh -O forward -R remote:local`, on the master), kept:
   * every new master forwards it again before the link is called connected. Its folder is made 0700 there and a stale
   * socket file removed first (sshd's StreamLocalBindUnlink is off by default, so a file left by a dropped master would
   * make the bind fail); sshd binds it 0600 (StreamLocalBindMask). Resolves once the current master forwards it.
   */
  async keepReverseForward(remoteSocket: string, localSocket: string): Promise<Result<void>> {
    if (Buffer.byteLength(remoteSocket) > REMOTE_SOCKET_MAX) {
      return fail('forward_failed', `${remoteSocket} on ${this.target.destination} is too long for a unix socket; set BATON_REMOTE_HOME there to a shorter folder.`);
    }
    this.reverse.set(remoteSocket, localSocket);
    if (this.current.state !== 'connected') return fail('unreachable', this.downText());
    return this.applyReverse(remoteSocket, localSocket);
  }

  /** One forwarding of a socket at a time: a second caller (two orchestrators starting) awaits the first rather than remove its socket. */
  private applyReverse(remote: string, local: string): Promise<Result<void>> {
    if (this.reverseDone.has(remote)) return Promise.resolve(ok(undefined));
    // Per master: one begun for a master that has since dropped says nothing about the new one.
    const key = `${this.master?.pid ?? 0}\0${remote}`;
    let p = this.reverseInFlight.get(key);
    if (!p) {
      p = this.forwardBack(remote, local).finally(() => this.reverseInFlight.delete(key));
      this.reverseInFlight.set(key, p);
    }
    return p;
  }

  private async forwardBack(remote: string, local: string): Promise<Result<void>> {
    const master = this.master;
    const dir = remote.slice(0, remote.lastIndexOf('/')) || '/';
    const prep = await this.run(['-T', '-o', 'ControlMaster=no', '--', this.target.destination, `umask 077 && mkdir -p ${shq(dir)} && chmod 700 ${shq(dir)} && rm -f ${shq(remote)}`], null, 10_000);
    if (!prep.ok) return prep;
    if (prep.value.code !== 0) return fail(prep.value.code === 255 ? 'unreachable' : 'forward_failed', `Cannot prepare ${dir} on ${this.target.destination} for Baton's control socket: ${lastLine(prep.value)}`);
    const r = await this.run(['-O', 'forward', '-R', `${remote}:${local}`, '--', this.target.destination], null, 10_000);
    if (!r.ok) return r;
    if (r.value.code !== 0) {
      return fail(
        this.master === master && this.current.state !== 'disconnected' ? 'forward_failed' : 'unreachable',
        `ssh could not forward ${remote} on ${this.target.destination} back to Baton: ${lastLine(r.value)}. The server must allow it (AllowStreamLocalForwarding yes in its sshd_config).`,
      );
    }
    if (this.master === master) this.reverseDone.add(remote);
    return ok(undefined);
  }

  /** A byte stream to a remote command's stdin and stdout (the `remote.js bridge` fallback), over the master. */
  openCommandStream(remoteCommand: string): Result<ChildDuplex> {
    if (this.current.state !== 'connected') return fail('unreachable', this.downText());
    try {
      const child = spawn('ssh', [...this.baseArgs(), '-T', '-o', 'ControlMaster=no', '--', this.target.destination, remoteCommand], { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
      return ok(new ChildDuplex(child));
    } catch (e) {
      return fail('unreachable', `ssh could not be started: ${spawnErrorText(e)}`);
    }
  }

  private downText(): string {
    const s = this.current;
    const why = s.state === 'disconnected' ? s.reason : 'still connecting';
    return `${this.target.destination} is unreachable (${why}); Baton reconnects by itself.`;
  }

  private run(args: string[], input: Buffer | string | null, timeoutMs: number): Promise<Result<ExecResult>> {
    return new Promise((resolve) => {
      let child: ChildProcess;
      try {
        child = spawn('ssh', [...this.baseArgs(), ...args], { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
      } catch (e) {
        resolve(fail('unreachable', `ssh could not be started: ${spawnErrorText(e)}`));
        return;
      }
      const out: Buffer[] = [];
      let err = '';
      child.stdout?.on('data', (d: Buffer) => out.push(d));
      child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString('utf8')).slice(-4000)));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.once('error', (e) => {
        clearTimeout(timer);
        resolve(fail('unreachable', `ssh could not be started: ${spawnErrorText(e)}`));
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        if (signal === 'SIGKILL') resolve(fail('timeout', `ssh ${this.target.destination} did not finish within ${Math.round(timeoutMs / 1000)} s.`));
        else resolve(ok({ code: code ?? 255, stdout: Buffer.concat(out), stderr: err }));
      });
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(input ?? undefined);
    });
  }

  /** Ends the master (and with it every command and stream riding it); no reconnect follows. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const m = this.master;
    if (!m || m.exitCode !== null || m.signalCode !== null) {
      this.setState({ state: 'disconnected', reason: 'closed', since: Date.now(), retryInMs: null });
      return;
    }
    const gone = new Promise<void>((r) => m.once('exit', () => r()));
    m.kill('SIGTERM');
    await gone;
  }

  /** Tests and diagnostics: the master's pid, to cut the link from this side. */
  get masterPid(): number | null {
    return this.master?.pid ?? null;
  }
}
