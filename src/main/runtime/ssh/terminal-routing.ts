/** The TerminalHostPort the core uses: each terminal's host runs where its project lives, this machine or an SSH destination (ADR 0017's amendment). */
import { ok, type Result } from '../../../shared/result';
import type { TerminalHostPort } from '../../terminals/host-port';
import type { RemoteInstall } from './bootstrap';
import type { SshLink } from './link';
import type { HostPlace, RoutingHostPort } from './routing';
import { createSshTerminalHostPort } from './terminal-port';

export interface RoutingTerminalHostPortOptions {
  local: TerminalHostPort;
  /** The sessions' routing port: it owns each destination's install (bootstrap on first use) and link. */
  hosts: Pick<RoutingHostPort, 'reach' | 'forgetInstall'>;
  /** The terminal's project's host; `local` for a terminal that is not known. */
  placeOf: (terminalId: string) => HostPlace;
}

export function createRoutingTerminalHostPort(o: RoutingTerminalHostPortOptions): TerminalHostPort {
  /** One port per install: a reinstall (files removed there) or a new link gets a new one. */
  const ports = new WeakMap<RemoteInstall, { link: SshLink; port: TerminalHostPort }>();

  async function route<T>(terminalId: string, dial: boolean, call: (port: TerminalHostPort) => Promise<Result<T>>): Promise<Result<T>> {
    const where = o.placeOf(terminalId);
    if (where.kind === 'local') return call(o.local);
    const r = await o.hosts.reach(where.destination, dial);
    if (!r.ok) return r;
    let p = ports.get(r.value.install);
    if (!p || p.link !== r.value.link) {
      p = { link: r.value.link, port: createSshTerminalHostPort({ ...r.value, onInstallGone: () => o.hosts.forgetInstall(where.destination) }) };
      ports.set(r.value.install, p);
    }
    return call(p.port);
  }

  return {
    launch: (opts) => route(opts.terminalId, true, (p) => p.launch(opts)),
    connect: (terminalId, dataDir, expected) => route(terminalId, false, (p) => p.connect(terminalId, dataDir, expected)),
    exitOf: (terminalId, dataDir) => route(terminalId, false, (p) => p.exitOf(terminalId, dataDir)),
    scrollback: (terminalId, dataDir) => route(terminalId, false, (p) => p.scrollback(terminalId, dataDir)),
    async remove(terminalId, dataDir) {
      const where = o.placeOf(terminalId);
      if (where.kind === 'local') return o.local.remove(terminalId, dataDir);
      await route(terminalId, false, async (p) => {
        await p.remove(terminalId, dataDir);
        return ok(undefined);
      });
    },
  };
}
