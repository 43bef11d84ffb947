/** The sessions domain's HostPort for hosts on an SSH destination: launched by the remote helper, reached through a forwarded unix socket (ADR 0018). */
import { connect as netConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import type { JournalRecord } from '../../../shared/journal';
import { fail, ok, type Result } from '../../../shared/result';
import type { HostFile } from '../../host/protocol';
import type { Liveness } from '../../host/liveness';
import type { HostInfo, HostPort, LaunchOptions } from '../../sessions/host-port';
import { handshakeHost } from '../connection';
import { identityOf, linkOf } from '../host-port';
import type { RemoteInstall } from './bootstrap';
import type { SshLink } from './link';
import { AgentLogAnswerSchema, AppendAnswerSchema, JournalAnswerSchema, LaunchAnswerSchema, ProbeAnswerSchema, TailAnswerSchema } from './answers';
import { helperCaller, helperCommand, type HelperCall } from './helper-call';
import type { RemoteLaunch } from './remote-launch';

export interface SshHostPortOptions {
  link: SshLink;
  install: RemoteInstall;
  /** `streamlocal` (default): a unix socket forwarded by the master (`-O forward -L`), no process on the remote; `bridge`: `node remote.js bridge <socket>`, for servers with AllowStreamLocalForwarding off. */
  via?: 'streamlocal' | 'bridge';
  fsyncIntervalMs?: number;
  readyTimeoutMs?: number;
  /** Each helper call's verb and the bytes its answer carried back: the figures of what crossed the link (tests, benchmarks). */
  onHelperCall?: (call: HelperCall) => void;
  /** Baton's files on the destination are gone (removed by someone): the next use installs them again. */
  onInstallGone?: () => void;
}

export { installGone, type HelperCall } from './helper-call';

/** The HostPort, plus what only a remote needs: liveness and a recovery marker asked of the remote helper. */
export interface SshHostPort extends HostPort {
  probe(sessionId: string): Promise<Result<{ host: HostFile | null; liveness: Liveness }>>;
  appendHostRecord(sessionId: string, msg: Record<string, unknown>): Promise<Result<JournalRecord>>;
}

/** Failures of a probe that leave the host's fate unknown. */
const UNKNOWN_ANSWER = new Set(['unreachable', 'helper_unreadable', 'protocol_mismatch']);

/**
 * Everything above this port speaks in session ids and host-relative paths:
 * the domain's `dataDir` (the desk's) is replaced by the remote's own, and
 * the journal stays where the host runs, read through the helper.
 */
export function createSshHostPort(o: SshHostPortOptions): SshHostPort {
  const { link, install } = o;
  const dest = link.target.destination;
  const helper = (verb: string, ...args: string[]) => helperCommand(install, verb, ...args);
  const call = helperCaller(o);

  const probe = (sessionId: string) => call('probe', [install.dataDir, sessionId], null, 15_000, ProbeAnswerSchema);

  return {
    async launch(opts: LaunchOptions): Promise<Result<HostInfo>> {
      const req: RemoteLaunch = { ...opts, dataDir: install.dataDir, fsyncIntervalMs: o.fsyncIntervalMs, readyTimeoutMs: o.readyTimeoutMs };
      const r = await call('launch', [], JSON.stringify(req), (o.readyTimeoutMs ?? 10_000) + 30_000, LaunchAnswerSchema);
      if (!r.ok) return r;
      return r.value.ok ? ok(identityOf(r.value.value)) : r.value;
    },

    async connect(sessionId, _dataDir, expected) {
      if (link.state.state !== 'connected') return fail('unreachable', `${dest} is unreachable; the session's host is left running there and Baton reconnects by itself.`);
      let target: HostInfo | null = expected;
      if (!target) {
        const p = await probe(sessionId);
        if (!p.ok) return p;
        target = p.value.host;
        if (!target) return fail('host_gone', `Session ${sessionId} has no host on ${dest}.`);
      }
      const identity = identityOf(target);
      let stream: Duplex;
      if (o.via === 'bridge') {
        const s = link.openCommandStream(helper('bridge', identity.socket));
        if (!s.ok) return s;
        stream = s.value;
      } else {
        const local = await link.forwardSocket(identity.socket);
        if (!local.ok) return local;
        stream = netConnect(local.value);
      }
      const r = await handshakeHost(stream, identity, { timeoutMs: 15_000, where: `${dest}:${identity.socket}` });
      if (r.ok) return ok({ info: identity, link: linkOf(r.value) });
      // The channel failed: the link went down meanwhile (unreachable, not gone), or the socket is not there (gone).
      if (link.state.state !== 'connected') return fail('unreachable', `${dest} became unreachable while connecting to session ${sessionId}'s host.`);
      return r;
    },

    async liveness(sessionId, _dataDir, expected) {
      if (link.state.state !== 'connected') return 'unreachable';
      const p = await probe(sessionId);
      // An answer that could not be read says nothing of the host: unknown is unreachable, never gone (ADR 0018).
      if (!p.ok) return UNKNOWN_ANSWER.has(p.error.code) || link.state.state !== 'connected' ? 'unreachable' : 'gone';
      // host.json naming another host (a relaunch) means the one asked about is gone, whatever that one's liveness.
      const h = p.value.host;
      return h && h.pid === expected.pid && h.nonce === expected.nonce && p.value.liveness.alive ? 'alive' : 'gone';
    },

    journalFile: () => null,

    async readJournal(sessionId, _dataDir, fromSeq = 0, throughSeq) {
      // Long enough for a journal of many MB over a slow link; a bounded range is found there by bisection.
      const range = throughSeq === undefined ? [String(fromSeq)] : [String(fromSeq), String(throughSeq)];
      const r = await call('journal', [install.dataDir, sessionId, ...range], null, 120_000, JournalAnswerSchema);
      if (!r.ok) return link.state.state !== 'connected' ? fail('unreachable', `The journal of session ${sessionId} on ${dest} could not be read: ${r.error.message}`) : r;
      return ok(r.value);
    },

    async readAgentLog(sessionId, _dataDir, maxBytes) {
      const r = await call('agentlog', [install.dataDir, sessionId, String(maxBytes)], null, 30_000, AgentLogAnswerSchema);
      if (!r.ok) return link.state.state !== 'connected' ? fail('unreachable', `The agent log of session ${sessionId} on ${dest} could not be read: ${r.error.message}`) : r;
      return ok(r.value);
    },

    async journalTail(sessionId, _dataDir, check) {
      const r = await call('tail', [install.dataDir, sessionId, String(check.afterSeq), String(check.throughSeq)], null, 60_000, TailAnswerSchema);
      if (!r.ok) return link.state.state !== 'connected' ? fail('unreachable', `The journal of session ${sessionId} on ${dest} could not be read: ${r.error.message}`) : r;
      return ok({ tail: r.value.tail, lines: r.value.lines });
    },

    async appendMarker(sessionId, _dataDir, msg) {
      const r = await call('append', [install.dataDir, sessionId], JSON.stringify(msg), 15_000, AppendAnswerSchema);
      if (!r.ok) return r;
      return r.value.ok ? ok(r.value.value.seq) : r.value;
    },

    probe,

    async appendHostRecord(sessionId, msg) {
      const r = await call('append', [install.dataDir, sessionId], JSON.stringify(msg), 15_000, AppendAnswerSchema);
      return r.ok ? r.value : r;
    },
  };
}
