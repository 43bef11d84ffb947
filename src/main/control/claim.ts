import { lstatSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { connect, type Server } from 'node:net';
import { dirname } from 'node:path';

/** What is at the socket path: a listener (an app is alive), nothing (a crash left the file), or no file. */
export type Probe = 'live' | 'stale' | 'absent' | { blocked: string };

/**
 * Connects and hangs up. A connect that neither succeeds nor fails in time is
 * treated as live: a busy app still owns its socket, and stealing it would cut
 * every client off from the app that is actually running.
 */
export function probe(path: string, timeoutMs = 1500): Promise<Probe> {
  return new Promise((resolve) => {
    const sock = connect(path);
    const done = (p: Probe): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve(p);
    };
    const timer = setTimeout(() => done('live'), timeoutMs);
    sock.once('connect', () => done('live'));
    sock.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNREFUSED') done('stale');
      else if (e.code === 'ENOENT') done('absent');
      else done({ blocked: `cannot reach ${path} (${e.code ?? e.message})` });
    });
  });
}

/**
 * The fallback socket directory in the temp dir is shared ground: it must be
 * ours and closed to everyone else, or someone could plant a socket there.
 */
export function ensurePrivateDir(dir: string): string | null {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = statSync(dir);
  const uid = typeof process.getuid === 'function' ? process.getuid() : st.uid;
  if (st.uid !== uid) return `${dir} belongs to another user`;
  if ((st.mode & 0o077) !== 0) return `${dir} is open to other users (mode ${(st.mode & 0o777).toString(8)})`;
  return null;
}

/**
 * Binds with a umask that makes the socket 0600 from the moment it exists; a
 * chmod afterwards would leave a window in which another user could connect.
 * The bind itself is synchronous in listen(), so the umask is restored before
 * any other code of ours runs.
 */
function listenPrivately(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    server.once('error', onError);
    const old = process.platform === 'win32' ? null : process.umask(0o177);
    try {
      server.listen(path, () => {
        server.off('error', onError);
        resolve();
      });
    } finally {
      if (old !== null) process.umask(old);
    }
  });
}

export type Claimed = { state: 'listening' } | { state: 'taken' } | { state: 'failed'; message: string };

/**
 * Listens on `path` unless a live server already does. A socket file nobody
 * listens on (the app crashed) is removed first; a second app finds the first
 * one's listener and backs off. Two starting at once: the loser's bind fails
 * with EADDRINUSE and it probes again, finding the winner alive.
 */
export async function claimSocket(server: Server, path: string, ensureDir: boolean): Promise<Claimed> {
  const win = process.platform === 'win32';
  if (!win && ensureDir) {
    const why = ensurePrivateDir(dirname(path));
    if (why) return { state: 'failed', message: `not listening: ${why}` };
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    if (!win) {
      const p = await probe(path);
      if (p === 'live') return { state: 'taken' };
      if (typeof p === 'object') return { state: 'failed', message: p.blocked };
      if (p === 'stale') {
        if (!lstatSync(path).isSocket()) return { state: 'failed', message: `${path} exists and is not a socket; remove it` };
        rmSync(path, { force: true });
      }
    }
    try {
      await listenPrivately(server, path);
      return { state: 'listening' };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // On Windows a pipe name in use means a live app: pipes vanish with their process.
      if (code === 'EADDRINUSE' && win) return { state: 'taken' };
      if (code !== 'EADDRINUSE') return { state: 'failed', message: `cannot listen on ${path} (${code ?? String(e)})` };
    }
  }
  return { state: 'failed', message: `${path} keeps being taken and released; try again` };
}
