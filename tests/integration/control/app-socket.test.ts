import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectControl } from '../../../src/main/control/client';
import type { StatusReport } from '../../../src/cli/commands';
import { killApp, startApp, type AppProcess } from '../../support/app-process';
import { buildOnce } from '../../support/build';
import { baton, json } from './helpers';

let dataDir: string;
const apps: AppProcess[] = [];
beforeAll(() => buildOnce(), 120_000);
afterEach(async () => {
  for (const a of apps.splice(0)) await killApp(a, 'SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(token = 'control-socket-app-token-0123456789'): Promise<AppProcess> {
  const a = await startApp({ dataDir, token });
  apps.push(a);
  return a;
}

const info = () => JSON.parse(readFileSync(join(dataDir, 'control.json'), 'utf8')) as { pid: number; socket: string; version: string; protocol: number };

describe('the app process and its control socket', () => {
  it('browser mode listens on <dataDir>/control.sock (0600) and answers the real contract; a clean shutdown removes it', async () => {
    dataDir = realpathSync(mkdtempSync(join(tmpdir(), 'baton-ctl-app-')));
    const app = await start();
    expect(info()).toEqual({ pid: app.proc.pid, socket: join(dataDir, 'control.sock'), version: '0.1.0', protocol: 1 });
    expect(statSync(join(dataDir, 'control.sock')).mode & 0o777).toBe(0o600);
    const c = await connectControl(info().socket);
    if (c.state !== 'connected') throw new Error(JSON.stringify(c));
    expect(await c.client.call('projects.list', {})).toEqual({ ok: true, value: [] });
    expect(await c.client.call('projects.add', { path: '' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await c.client.call('projects.nope', {})).toMatchObject({ ok: false, error: { code: 'unknown_procedure' } });
    // Events: a setting change is broadcast to a subscriber on the socket, as to the UI.
    const seen: unknown[] = [];
    c.client.on('app.statusChanged', (p) => seen.push(p));
    await c.client.call('app.status', {});
    expect(await c.client.call('app.updateSettings', { quitBehavior: 'leave_running' })).toMatchObject({ ok: true });
    await c.client.call('app.status', {});
    // Startup's reconcile may broadcast too; the setting's own broadcast must be among what arrived.
    expect(seen).toContainEqual(expect.objectContaining({ settings: { quitBehavior: 'leave_running' } }));
    c.client.close();

    apps.splice(0);
    await killApp(app, 'SIGINT');
    expect(existsSync(join(dataDir, 'control.sock'))).toBe(false);
    expect(existsSync(join(dataDir, 'control.json'))).toBe(false);
  });

  it('after a SIGKILL the stale socket and control.json do not block the next start', async () => {
    dataDir = realpathSync(mkdtempSync(join(tmpdir(), 'baton-ctl-app-')));
    const crashed = await start();
    apps.splice(0);
    await killApp(crashed, 'SIGKILL');
    expect(statSync(join(dataDir, 'control.sock')).isSocket()).toBe(true);
    expect(info().pid).toBe(crashed.proc.pid);
    // Meanwhile the command line notices nobody is there and answers headless.
    const headless = await baton(['status', '--json', '--data-dir', dataDir]);
    expect(json<StatusReport>(headless).connection.kind).toBe('headless');

    const next = await start();
    expect(info().pid).toBe(next.proc.pid);
    expect(next.output()).not.toContain('control socket');
    const report = json<StatusReport>(await baton(['status', '--json', '--data-dir', dataDir]));
    expect(report.connection).toMatchObject({ kind: 'app', pid: next.proc.pid });
  });

  // A second app no longer runs beside the first without a socket: it refuses to start (tests/integration/app/instance.test.ts).
  it('a second app on the same data dir refuses to start and leaves the first one and its socket alone', async () => {
    dataDir = realpathSync(mkdtempSync(join(tmpdir(), 'baton-ctl-app-')));
    const first = await start();
    await expect(start('control-socket-second-token-0123456789')).rejects.toThrow(`app exited with 1: baton: Baton is already running on ${dataDir} (pid ${first.proc.pid}`);
    expect(info().pid).toBe(first.proc.pid);
    const report = json<StatusReport>(await baton(['status', '--json', '--data-dir', dataDir]));
    expect(report.connection).toMatchObject({ kind: 'app', pid: first.proc.pid });
  });
});
