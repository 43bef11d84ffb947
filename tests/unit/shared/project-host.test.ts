import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../src/main/store/db';
import { migrations } from '../../../src/main/store/migrations';
import { formatProjectLocation, hostLinkLabel, isSshDestination, parseProjectLocation } from '../../../src/shared/project-host';

describe('project locations: a local path or ssh://<destination>/<path>', () => {
  const cases: Array<[string, ReturnType<typeof parseProjectLocation>]> = [
    ['/home/me/repo', { ok: true, host: { kind: 'local' }, path: '/home/me/repo' }],
    ['ssh://devbox/srv/repo', { ok: true, host: { kind: 'ssh', destination: 'devbox' }, path: '/srv/repo' }],
    ['ssh://devbox/srv/repo/', { ok: true, host: { kind: 'ssh', destination: 'devbox' }, path: '/srv/repo' }],
    ['ssh://me@box.example/srv/repo', { ok: true, host: { kind: 'ssh', destination: 'me@box.example' }, path: '/srv/repo' }],
    ['ssh://me@box.example:2222/srv/repo', { ok: true, host: { kind: 'ssh', destination: 'ssh://me@box.example:2222' }, path: '/srv/repo' }],
  ];
  for (const [input, want] of cases) it(`reads ${input}`, () => expect(parseProjectLocation(input)).toEqual(want));

  it('says what is missing or wrong', () => {
    expect(parseProjectLocation('ssh://devbox')).toMatchObject({ ok: false, message: expect.stringMatching(/names no repository/) as string });
    expect(parseProjectLocation('ssh:///srv/repo')).toMatchObject({ ok: false, message: expect.stringMatching(/names no host/) as string });
    expect(parseProjectLocation('ssh://-oProxyCommand=x/srv')).toMatchObject({ ok: false });
    expect(parseProjectLocation('ssh://bad host/srv')).toMatchObject({ ok: false });
  });

  it('writes a location back as it was read', () => {
    for (const s of ['ssh://devbox/srv/repo', 'ssh://me@box:2222/srv/repo', '/home/me/repo']) {
      const p = parseProjectLocation(s);
      if (!p.ok) throw new Error(p.message);
      expect(formatProjectLocation(p.host, p.path)).toBe(s);
    }
  });

  it('never takes an option for a destination', () => {
    expect(isSshDestination('-F/etc/passwd')).toBe(false);
    expect(isSshDestination('a;b')).toBe(false);
    expect(isSshDestination('devbox')).toBe(true);
  });
});

describe('migration 013: where a project lives', () => {
  it('makes every existing project local, and holds a destination exactly when the kind is ssh', () => {
    const db = new Database(':memory:');
    migrate(db, migrations.filter((m) => m.version < 13));
    const insert = (id: string, path: string, prefix: string) =>
      db.prepare("INSERT INTO projects (id, name, path, prefix, base_branch, orchestrator_agent, worker_agent, created_at, updated_at) VALUES (?, 'n', ?, ?, 'main', 'custom', 'custom', 'now', 'now')").run(id, path, prefix);
    insert('old', '/old', 'old');
    migrate(db, migrations);
    expect(db.prepare("SELECT host_kind, host_destination FROM projects WHERE id = 'old'").get()).toEqual({ host_kind: 'local', host_destination: null });
    db.prepare("UPDATE projects SET host_kind = 'ssh', host_destination = 'devbox' WHERE id = 'old'").run();
    expect(() => db.prepare("UPDATE projects SET host_destination = NULL WHERE id = 'old'").run()).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE projects SET host_kind = 'local' WHERE id = 'old'").run()).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE projects SET host_kind = 'k8s', host_destination = 'x' WHERE id = 'old'").run()).toThrow(/CHECK/);
    db.close();
  });
});

describe('what a person sees for a project host', () => {
  const ssh = { kind: 'ssh' as const, destination: 'devbox' };
  const table: Array<[Parameters<typeof hostLinkLabel>[0], Parameters<typeof hostLinkLabel>[1], string | null]> = [
    [{ kind: 'local' }, null, null],
    [ssh, null, 'on devbox'],
    [ssh, { state: 'idle', reason: null }, 'on devbox'],
    [ssh, { state: 'connecting', reason: null }, 'on devbox · Connecting…'],
    [ssh, { state: 'connected', reason: null }, 'on devbox · Connected'],
    [ssh, { state: 'disconnected', reason: 'Connection refused' }, 'on devbox · Disconnected (host unreachable)'],
    [{ kind: 'ssh', destination: 'ssh://me@box:2222' }, { state: 'connected', reason: null }, 'on me@box:2222 · Connected'],
  ];
  for (const [host, link, want] of table) it(`${JSON.stringify(host)} ${link?.state ?? 'no link'} → ${String(want)}`, () => expect(hostLinkLabel(host, link)).toBe(want));
});
