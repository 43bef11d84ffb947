import { describe, expect, it } from 'vitest';
import { createCore } from '../../../src/main/app/core';
import type { NotificationsReport } from '../../../src/cli/notifications';
import type { AppSettings } from '../../../src/shared/contracts/app';
import type { ProjectSettings, ProjectSummary } from '../../../src/shared/contracts/projects';
import { callerOf, makeRepo } from '../../support/core-harness';
import { inProcessCli } from './cli-harness';
import { json } from './helpers';

/** `baton notifications`: mute and unmute a project, the sound on and off, over the contract (headless: no app running). */
const { temp, useDataDir, baton } = inProcessCli();

async function addProject(dataDir: string, name: string): Promise<ProjectSummary> {
  const core = createCore({ dataDir, mode: 'browser', version: 'test' });
  try {
    return (await callerOf(core)<{ project: ProjectSummary }>('projects.add', { path: makeRepo(temp('baton-cli-notify-repo-')), name })).project;
  } finally {
    await core.close();
  }
}

describe('baton notifications', () => {
  it('shows, mutes, unmutes and sets the sound; --json is the contract’s values', { timeout: 60_000 }, async () => {
    const dataDir = useDataDir('baton-cli-notify-');
    const shop = await addProject(dataDir, 'Shop');
    await addProject(dataDir, 'Docs');

    expect(json<NotificationsReport>(await baton('notifications', '--json'))).toEqual({
      sound: false,
      projects: [
        { id: expect.any(String), name: 'Docs', muted: false },
        { id: shop.id, name: 'Shop', muted: false },
      ],
    });

    const muted = json<ProjectSettings>(await baton('notifications', 'mute', shop.prefix, '--json'));
    expect(muted).toMatchObject({ id: shop.id, name: 'Shop', notificationsMuted: true });
    const said = await baton('notifications', 'mute', 'Shop');
    expect(said.code).toBe(0);
    expect(said.stdout).toBe('Shop: notifications muted (its sessions still count in the inbox).\n');
    const table = await baton('notifications');
    expect(table.stdout).toMatch(/Sound with notifications: off\n/);
    expect(table.stdout).toMatch(/Docs +on\n/);
    expect(table.stdout).toMatch(/Shop +muted\n/);

    expect(json<ProjectSettings>(await baton('notifications', 'unmute', shop.id.slice(0, 8), '--json')).notificationsMuted).toBe(false);
    expect(json<AppSettings>(await baton('notifications', 'sound', 'on', '--json'))).toMatchObject({ notificationSound: true });
    expect(json<NotificationsReport>(await baton('notifications', '--json'))).toMatchObject({ sound: true, projects: [{ muted: false }, { muted: false }] });
    expect((await baton('notifications', 'sound', 'off')).stdout).toBe('Sound with notifications: off.\n');
    expect(json<NotificationsReport>(await baton('notifications', '--json')).sound).toBe(false);
  });

  it('says what went wrong and what to type instead', { timeout: 60_000 }, async () => {
    const dataDir = useDataDir('baton-cli-notify-err-');
    await addProject(dataDir, 'Shop');
    const unknown = await baton('notifications', 'mute', 'nothing-like-it');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No project matches "nothing-like-it". Projects: Shop.');
    for (const args of [['mute'], ['sound'], ['sound', 'loud'], ['shout'], ['mute', 'Shop', 'extra']]) {
      const r = await baton('notifications', ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('Run `baton --help` for usage.');
    }
    expect((await baton('notifications', 'sound', 'loud')).stderr).toContain('Usage: baton notifications sound on|off; got "loud"');
    expect((await baton('--help')).stdout).toContain('notifications mute|unmute <project>');
  });
});
