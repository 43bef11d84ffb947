/** The terminals domain's TerminalHostPort for terminal hosts on an SSH destination: launched by the remote helper, reached through a forwarded unix socket (ADR 0017's amendment). */
import { connect as netConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import { fail, ok, type Result } from '../../../shared/result';
import type { TerminalHostInfo, TerminalHostPort, TerminalLaunch } from '../../terminals/host-port';
import { handshakeTerminalHost } from '../terminal-connection';
import type { RemoteInstall } from './bootstrap';
import { AnyAnswerSchema, TerminalAliveAnswerSchema, TerminalExitAnswerSchema, TerminalLaunchAnswerSchema, TerminalScrollbackAnswerSchema } from './answers';
import { helperCaller, helperCommand, type HelperCallerOptions } from './helper-call';
import type { SshLink } from './link';

export interface SshTerminalHostPortOptions extends HelperCallerOptions {
  link: SshLink;
  install: RemoteInstall;
  /** As for sessions (SshHostPortOptions.via): `bridge` pipes through `remote.js bridge` where streamlocal forwarding is off. */
  via?: 'streamlocal' | 'bridge';
}

/**
 * Main's `dataDir` is replaced by the remote install's own: a terminal's folder (host.json, scrollback.bin,
 * exit.json) is on the machine its shell runs on. A failure to ask that machine while its link is down is
 * `unreachable`, never an answer about the terminal.
 */
export function createSshTerminalHostPort(o: SshTerminalHostPortOptions): TerminalHostPort {
  const { link, install } = o;
  const dest = link.target.destination;
  const call = helperCaller(o);
  /** A failed call: `unreachable` when the link is not up (the question never reached the remote). */
  const why = <T>(r: Result<unknown>, what: string): Result<T> => {
    if (r.ok) return fail('remote_failed', `${what} on ${dest} failed.`);
    return link.state.state !== 'connected' || r.error.code === 'unreachable' ? fail('unreachable', `${dest} is unreachable (${what}): ${r.error.message}`) : fail(r.error.code, r.error.message);
  };
  // The helper's version is checked with every answer (answers.ts `checkAnswer`).
  const checked = <T>(r: Result<T>, what: string): Result<T> => (r.ok ? r : why(r, what));

  return {
    async launch(opts: TerminalLaunch): Promise<Result<TerminalHostInfo>> {
      const r = await call('terminal', ['launch'], JSON.stringify({ ...opts, dataDir: install.dataDir }), 45_000, TerminalLaunchAnswerSchema);
      if (!r.ok) return why(r, 'starting the terminal host');
      return r.value;
    },

    async connect(terminalId, _dataDir, expected) {
      if (link.state.state !== 'connected') return fail('unreachable', `${dest} is unreachable; the terminal runs on there and Baton reconnects by itself.`);
      if (!expected) return fail('terminal_host_gone', `Terminal ${terminalId} has no host on ${dest}.`);
      let stream: Duplex;
      if (o.via === 'bridge') {
        const s = link.openCommandStream(helperCommand(install, 'bridge', expected.socket));
        if (!s.ok) return s;
        stream = s.value;
      } else {
        const local = await link.forwardSocket(expected.socket);
        if (!local.ok) return local.error.code === 'unreachable' ? local : why(local, 'forwarding the terminal host socket');
        stream = netConnect(local.value);
      }
      const r = await handshakeTerminalHost(stream, expected, 15_000);
      if (r.ok) return ok({ info: expected, link: r.value });
      // The channel failed: the link went down meanwhile (unreachable), or the socket is not answered there (gone).
      if (link.state.state !== 'connected') return fail('unreachable', `${dest} became unreachable while connecting to terminal ${terminalId}'s host.`);
      // A master that died but is not yet seen as down (its forward refused) is not a dead host: the host is asked
      // about there, and one that runs is unreachable for now, never lost.
      const alive = checked(await call('terminal', ['alive', install.dataDir, terminalId, String(expected.pid), expected.nonce], null, 15_000, TerminalAliveAnswerSchema), 'asking whether the terminal host runs');
      if (!alive.ok || alive.value.alive) return fail('unreachable', `Terminal ${terminalId}'s host on ${dest} could not be reached (${r.error.message}); Baton tries again when the link reconnects.`);
      return r;
    },

    async exitOf(terminalId) {
      const r = checked(await call('terminal', ['exit', install.dataDir, terminalId], null, 15_000, TerminalExitAnswerSchema), 'reading the terminal exit');
      return r.ok ? ok(r.value.exit) : r;
    },

    async scrollback(terminalId) {
      const r = checked(await call('terminal', ['scrollback', install.dataDir, terminalId], null, 30_000, TerminalScrollbackAnswerSchema), 'reading the terminal scrollback');
      return r.ok ? ok(r.value.scrollback) : r;
    },

    async remove(terminalId) {
      // Best effort: a folder left on an unreachable machine holds at most 1 MiB of scrollback, private to that user.
      await call('terminal', ['remove', install.dataDir, terminalId], null, 15_000, AnyAnswerSchema);
    },
  };
}
