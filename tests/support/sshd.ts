/**
 * A real OpenSSH server on loopback for remote-host tests: its own host key, user key,
 * authorized_keys, known_hosts, ssh_config (Host `devbox`) and remote home, all in one
 * temp dir. Nothing touches the machine's own ssh setup (/etc/ssh, ~/.ssh).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { descendantsOf, isPidAlive } from '../../src/main/host/proc';
import { processesNaming } from './hosts';
import { until, waitUntil } from './wait';

export const SSHD = '/usr/sbin/sshd';
export const HOST_ALIAS = 'devbox';

export interface Sshd {
  /** The temp dir holding every file below. */
  readonly dir: string;
  readonly port: number;
  /** `-F` this: Host `devbox` with its key, known_hosts and StrictHostKeyChecking yes. */
  readonly configPath: string;
  /** The remote side's home for Baton (BATON_REMOTE_HOME, sent with SetEnv): empty at start. */
  readonly remoteHome: string;
  /** A short dir for ControlPath sockets (sun_path is ~104 bytes). */
  readonly controlDir: string;
  /** The `ssh` arguments that reach the fixture, before the destination. */
  sshArgs(): string[];
  /** Link down: the listener stops and every open connection is cut. Positive signal: the port refuses. */
  down(): Promise<void>;
  /** Link back up on the same port; resolves once sshd answers with its banner. */
  up(): Promise<void>;
  /**
   * Link black-holed: sshd stops, every open connection is cut, and the port accepts connections that never
   * answer (a dead network path or a hung server), so ssh waits out its ConnectTimeout instead of being refused.
   * Positive signal: a connect succeeds and no banner comes. `up()` ends it.
   */
  block(): Promise<void>;
  /** Cuts the open connections only (a flaky link); the listener stays. */
  dropConnections(): Promise<number[]>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Positive readiness: a TCP connect that receives the server's `SSH-2.0` banner. */
function bannerSeen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    const done = (v: boolean) => {
      sock.destroy();
      resolve(v);
    };
    sock.setTimeout(1000, () => done(false));
    sock.once('data', (d: Buffer) => done(d.toString('latin1').startsWith('SSH-')));
    sock.once('error', () => done(false));
  });
}

function refuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(false);
    });
    sock.once('error', () => resolve(true));
  });
}

export async function startSshd(): Promise<Sshd> {
  if (!existsSync(SSHD)) throw new Error(`${SSHD} is missing: install Debian's openssh-server (.ci/run does) to run the remote-host tests.`);
  // As root, sshd insists on its privilege-separation dir; Debian's service creates it at boot, a container may not have.
  if (process.getuid?.() === 0 && !existsSync('/run/sshd')) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  // Short: ControlPath sockets live in here and sun_path is small.
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'bsshd-')));
  const remoteHome = join(dir, 'rhome');
  const controlDir = join(dir, 'cm');
  mkdirSync(remoteHome, { mode: 0o700 });
  mkdirSync(controlDir, { mode: 0o700 });
  const keygen = (file: string) => execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'baton-test', '-f', file], { stdio: 'ignore' });
  keygen(join(dir, 'host_key'));
  keygen(join(dir, 'user_key'));
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'user_key.pub')), { mode: 0o600 });
  const port = await freePort();
  const hostPub = readFileSync(join(dir, 'host_key.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
  writeFileSync(join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${hostPub}\n`);
  const sshdConfig = join(dir, 'sshd_config');
  writeFileSync(
    sshdConfig,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      // The temp dir is not root-owned 0755 all the way up, which StrictModes would refuse.
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'PermitRootLogin prohibit-password',
      'AllowStreamLocalForwarding yes',
      'AcceptEnv BATON_REMOTE_HOME',
      // The remote user is this machine's user: its shell would read the real ~/.bashrc (pyenv's rehash lock there,
      // left behind when a test cuts a connection mid-rehash, hung every later ssh command) and write its history.
      // Commands and terminals "there" get the empty remote home as HOME instead.
      `SetEnv HOME=${remoteHome}`,
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  const configPath = join(dir, 'ssh_config');
  writeFileSync(
    configPath,
    [
      `Host ${HOST_ALIAS}`,
      '  HostName 127.0.0.1',
      `  Port ${port}`,
      `  User ${userInfo().username}`,
      `  IdentityFile ${join(dir, 'user_key')}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${join(dir, 'known_hosts')}`,
      '  StrictHostKeyChecking yes',
      '  BatchMode yes',
      '  ConnectTimeout 5',
      // The remote side's Baton folder lives here rather than in the real home (same user, other HOME).
      `  SetEnv BATON_REMOTE_HOME=${remoteHome}`,
      '  ControlMaster auto',
      `  ControlPath ${join(controlDir, '%C')}`,
      '  ControlPersist 60',
      '',
    ].join('\n'),
  );

  let child: ChildProcess | null = null;
  let log = '';
  /** The silent listener of a blocked link, and the connections it holds without a word. */
  let hole: { server: Server; held: Set<Socket> } | null = null;
  const unblock = async () => {
    const h = hole;
    if (!h) return;
    hole = null;
    for (const s of h.held) s.destroy();
    await new Promise<void>((r) => h.server.close(() => r()));
  };
  const launch = async () => {
    await unblock();
    // -D: stays in the foreground as our child; -e: errors to stderr, kept for the failure message.
    const c = spawn(SSHD, ['-D', '-e', '-f', sshdConfig], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = c;
    c.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    let exited = false;
    c.once('exit', () => (exited = true));
    await waitUntil(
      async () => (exited ? 'exited' : (await bannerSeen(port)) ? 'up' : 'waiting'),
      (s) => s !== 'waiting',
      10_000,
      `sshd to listen on 127.0.0.1:${port}`,
    ).then((s) => {
      if (s === 'exited') throw new Error(`sshd exited before it listened: ${log.trim()}`);
    });
  };
  await launch();

  const sessions = () => (child?.pid ? descendantsOf(child.pid).map((p) => p.pid) : []);
  const killAll = async (pids: number[]) => {
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    await until(() => pids.every((p) => !isPidAlive(p)), 'the cut ssh connections to end');
    return pids;
  };
  const stopListener = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill('SIGKILL');
    await gone;
  };

  return {
    dir,
    port,
    configPath,
    remoteHome,
    controlDir,
    sshArgs: () => ['-F', configPath],
    async down() {
      const open = sessions();
      await stopListener();
      await killAll(open);
      await waitUntil(() => refuses(port), (v) => v, 5000, `port ${port} to refuse`);
    },
    up: launch,
    async block() {
      const open = sessions();
      await stopListener();
      await killAll(open);
      const held = new Set<Socket>();
      const server = createServer((s) => {
        held.add(s);
        s.on('error', () => undefined);
        s.on('close', () => held.delete(s));
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => resolve());
      });
      hole = { server, held };
      // Accepted, and silent: no SSH banner within a second.
      const silent = await new Promise<boolean>((resolve) => {
        const sock = createConnection({ host: '127.0.0.1', port });
        sock.setTimeout(1000, () => {
          sock.destroy();
          resolve(true);
        });
        sock.once('data', () => {
          sock.destroy();
          resolve(false);
        });
        sock.once('error', () => resolve(false));
      });
      if (!silent) throw new Error(`port ${port} answered while blocked`);
    },
    dropConnections: () => killAll(sessions()),
    async stop() {
      await unblock();
      const open = sessions();
      await stopListener();
      await killAll(open);
      // A ControlMaster left from the test would outlive it: ask each to exit.
      try {
        execFileSync('ssh', ['-F', configPath, '-O', 'exit', HOST_ALIAS], { stdio: 'ignore', timeout: 5000 });
      } catch {
        // None running.
      }
      // What ran "there" and outlives its test (a terminal or session host, a helper call still finishing) would
      // write into the folder while it is removed: each process naming it is ended first, and the removal retries.
      await killAll(processesNaming(dir));
      rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
}

