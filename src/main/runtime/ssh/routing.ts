/** The HostPort the core uses: each session's host runs where its project lives, this machine or an SSH destination, bootstrapped there on first use (ADR 0018). */
import { dirname } from 'node:path';
import { fail, ok, type Result } from '../../../shared/result';
import type { HostPort } from '../../sessions/host-port';
import { defaultHostScript } from '../launch';
import { bootstrapRemote, checkRemote, type RemoteInstall } from './bootstrap';
import { readHostBundle, type HostBundle } from './bundle';
import { createSshHostPort, type SshHostPort, type SshHostPortOptions } from './host-port';
import type { SshHosts } from './hosts';
import type { SshLink } from './link';

/** Where a session's host runs: decided by its project, looked up afresh on every call. */
export type HostPlace = { kind: 'local' } | { kind: 'ssh'; destination: string };

/**
 * How long a use of a link that is being dialled waits for it (it is never longer than this, whatever the host).
 * Half a second, so that a restart with a link that is black-holed rather than refused (a dead network path:
 * ssh waits out its ConnectTimeout) still shows Disconnected within 1 s, with room for the reconcile around it
 * on a busy machine; a slower handshake that then succeeds reconciles those sessions again when the link turns
 * connected, and they are reattached (a brief Disconnected on a slow link, never a wrong Interrupted).
 */
const DIAL_WAIT_MS = 500;

export interface RoutingHostPortOptions {
  local: HostPort;
  hosts: SshHosts;
  /** The session's project's host; `local` for a session that is not known (its host, if any, would be here). */
  placeOf: (sessionId: string) => HostPlace;
  /** The app's version: the remote bundle's folder is named by it and the bundle's hash. */
  appVersion: string;
  /** The built host bundle's folder (out/main); by default the one the local host script is in. */
  bundleDir?: string;
  /** Each remote helper call's figures (SshHostPortOptions.onHelperCall). */
  onHelperCall?: SshHostPortOptions['onHelperCall'];
  /** Baton is installed on a destination (each bootstrap, after a restart too): what rides every link there is set up. */
  onInstalled?: (destination: string, link: SshLink, install: RemoteInstall) => void;
}

export interface RoutingHostPort extends HostPort {
  /** Baton installed on a destination (checked and copied on first use), for git and setup run there. */
  installFor(destination: string): Promise<Result<RemoteInstall>>;
  /** Baton's files there are gone: the next use bootstraps the destination again. */
  forgetInstall(destination: string): void;
  /**
   * Baton installed on a destination and its link, for the other ports that run there (terminals): `dial` connects
   * first (a launch); without it, a link that is down answers `unreachable` at once, as every call here does.
   */
  reach(destination: string, dial: boolean): Promise<Result<{ install: RemoteInstall; link: SshLink }>>;
}

export function createRoutingHostPort(o: RoutingHostPortOptions): RoutingHostPort {
  const installs = new Map<string, Promise<Result<{ install: RemoteInstall; port: SshHostPort }>>>();
  /** Agent commands already found on a destination: each is checked once, at its first launch there. */
  const checked = new Set<string>();
  let bundle: Result<HostBundle> | null = null;

  function loadBundle(): Result<HostBundle> {
    if (bundle?.ok) return bundle;
    const dir = o.bundleDir ?? (defaultHostScript() ? dirname(defaultHostScript() as string) : null);
    bundle = dir ? readHostBundle(dir, o.appVersion) : fail('host_missing', 'The session-host bundle was not found; build the app first (npm run build).');
    return bundle;
  }

  /**
   * The destination's port once Baton is installed there. Never waits on a link that is down: `unreachable`
   * at once (the link reconnects by itself). A failed bootstrap is not kept: the next use tries again.
   */
  async function remote(destination: string, connectFirst: boolean): Promise<Result<{ install: RemoteInstall; port: SshHostPort }>> {
    const l = connectFirst ? await o.hosts.connected(destination) : o.hosts.linkFor(destination);
    if (!l.ok) return l;
    const link = l.value;
    // A link being dialled (startup) is given a moment rather than taken for down: a healthy host is not shown
    // Disconnected for the time of its handshake. Bounded: an unreachable one answers fast or is left to reconnect.
    const s = link.state;
    if (!connectFirst && (s.state === 'connecting' || (s.state === 'disconnected' && s.retryInMs === null && s.reason !== 'closed'))) await link.connect(DIAL_WAIT_MS);
    const now = link.state;
    if (now.state === 'disconnected') return fail('unreachable', `${destination} is unreachable (${now.reason}); Baton reconnects by itself.`);
    if (now.state === 'connecting') return fail('unreachable', `${destination} has not answered yet (still connecting after ${DIAL_WAIT_MS / 1000} s); Baton keeps trying and reattaches when it does.`);
    let p = installs.get(destination);
    if (!p) {
      p = (async () => {
        const b = loadBundle();
        if (!b.ok) return b;
        const r = await bootstrapRemote(link, b.value, []);
        if (!r.ok) return fail(r.error.code, r.error.message);
        o.onInstalled?.(destination, link, r.value);
        const onInstallGone = () => forget(destination, p);
        return ok({ install: r.value, port: createSshHostPort({ link, install: r.value, onInstallGone, ...(o.onHelperCall ? { onHelperCall: o.onHelperCall } : {}) }) });
      })();
      installs.set(destination, p);
      const made = p;
      void made.then((r) => {
        if (!r.ok) forget(destination, made);
      });
    }
    return p;
  }

  /** Drops a destination's install (a failed bootstrap, or files removed there), unless a newer one took its place. */
  function forget(destination: string, which?: Promise<unknown>): void {
    if (which === undefined || installs.get(destination) === which) {
      installs.delete(destination);
      for (const k of [...checked]) if (k.startsWith(`${destination}\0`)) checked.delete(k);
    }
  }

  const place = (sessionId: string): HostPlace => o.placeOf(sessionId);

  /** A call to the port where the session's host lives; a destination that cannot be reached answers with why. */
  async function route<T>(sessionId: string, call: (port: HostPort) => Promise<Result<T>>): Promise<Result<T>> {
    const where = place(sessionId);
    if (where.kind === 'local') return call(o.local);
    const r = await remote(where.destination, false);
    return r.ok ? call(r.value.port) : r;
  }

  return {
    async launch(opts) {
      const where = place(opts.sessionId);
      if (where.kind === 'local') return o.local.launch(opts);
      const r = await remote(where.destination, true);
      if (!r.ok) return r;
      // The agent's command as configured, found on the remote's PATH (or as a path there): checked once per destination.
      const key = `${where.destination}\0${opts.command}`;
      if (!checked.has(key)) {
        const l = o.hosts.linkFor(where.destination);
        if (!l.ok) return l;
        const c = await checkRemote(l.value, [opts.command]);
        if (!c.ok) return fail(c.error.code, c.error.message);
        checked.add(key);
      }
      return r.value.port.launch(opts);
    },

    connect: (sessionId, dataDir, expected) => route(sessionId, (port) => port.connect(sessionId, dataDir, expected)),

    async liveness(sessionId, dataDir, host) {
      const where = place(sessionId);
      if (where.kind === 'local') return o.local.liveness(sessionId, dataDir, host);
      const r = await remote(where.destination, false);
      return r.ok ? r.value.port.liveness(sessionId, dataDir, host) : 'unreachable';
    },

    journalFile(sessionId, dataDir) {
      return place(sessionId).kind === 'local' ? o.local.journalFile(sessionId, dataDir) : null;
    },

    readJournal: (sessionId, dataDir, fromSeq, throughSeq) => route(sessionId, (port) => port.readJournal(sessionId, dataDir, fromSeq, throughSeq)),

    journalTail: (sessionId, dataDir, check) => route(sessionId, (port) => port.journalTail(sessionId, dataDir, check)),

    readAgentLog: (sessionId, dataDir, maxBytes) => route(sessionId, (port) => port.readAgentLog(sessionId, dataDir, maxBytes)),

    appendMarker: (sessionId, dataDir, msg) => route(sessionId, (port) => port.appendMarker(sessionId, dataDir, msg)),

    async installFor(destination) {
      const r = await remote(destination, true);
      return r.ok ? ok(r.value.install) : r;
    },
    forgetInstall: (destination) => forget(destination),
    async reach(destination, dial) {
      const r = await remote(destination, dial);
      if (!r.ok) return r;
      const l = o.hosts.linkFor(destination);
      return l.ok ? ok({ install: r.value.install, link: l.value }) : l;
    },
  };
}
