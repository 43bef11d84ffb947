/** Where a project lives: this machine, or an SSH destination (ADR 0018); and how `ssh://…` locations are read. */

export type ProjectHost = { kind: 'local' } | { kind: 'ssh'; destination: string };

export const LOCAL_HOST: ProjectHost = { kind: 'local' };

/** What ssh accepts as a destination: an alias, `user@host`, or `ssh://user@host:port`; never something ssh would read as an option. */
export const isSshDestination = (d: string): boolean => /^(ssh:\/\/)?[A-Za-z0-9_.@%:[\]-]{1,255}$/.test(d) && !d.startsWith('-');

export type ParsedLocation = { ok: true; host: ProjectHost; path: string } | { ok: false; message: string };

/**
 * `ssh://devbox/srv/repo` → devbox, `/srv/repo`; `ssh://me@box:2222/srv/repo` → `ssh://me@box:2222`
 * (ssh reads that form itself, port included), `/srv/repo`. Anything else is a local path, unchanged.
 */
export function parseProjectLocation(input: string): ParsedLocation {
  const s = input.trim();
  if (!/^ssh:\/\//i.test(s)) return { ok: true, host: LOCAL_HOST, path: s };
  const rest = s.slice('ssh://'.length);
  const slash = rest.indexOf('/');
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? '' : rest.slice(slash);
  if (!authority) return { ok: false, message: `"${s}" names no host; write ssh://<host or ~/.ssh/config alias>/<absolute path of the repository>.` };
  if (!path || path === '/') return { ok: false, message: `"${s}" names no repository; add its absolute path on ${authority}, e.g. ssh://${authority}/home/me/repo.` };
  const hasPort = /:\d+$/.test(authority);
  const destination = hasPort ? `ssh://${authority}` : authority;
  if (!isSshDestination(destination)) return { ok: false, message: `"${authority}" is not a host name, alias or user@host that ssh accepts.` };
  if (path.includes('\0')) return { ok: false, message: 'The path holds a NUL character.' };
  const normalized = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return { ok: true, host: { kind: 'ssh', destination }, path: normalized };
}

/** How a location is written back: the path for local, `ssh://<host>/<path>` otherwise. */
export function formatProjectLocation(host: ProjectHost, path: string): string {
  if (host.kind === 'local') return path;
  const authority = host.destination.replace(/^ssh:\/\//, '');
  return `ssh://${authority}${path}`;
}

/** What a person sees for a project's host; null for a local project (nothing to say). One rule for sidebar, header and CLI. */
export function hostLinkLabel(host: ProjectHost, link: { state: 'idle' | 'connecting' | 'connected' | 'disconnected'; reason: string | null } | null): string | null {
  if (host.kind === 'local') return null;
  const where = `on ${host.destination.replace(/^ssh:\/\//, '')}`;
  switch (link?.state ?? 'idle') {
    case 'connected':
      return `${where} · Connected`;
    case 'connecting':
      return `${where} · Connecting…`;
    case 'disconnected':
      return `${where} · Disconnected (host unreachable)`;
    default:
      return where;
  }
}
