import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { desktopDataDir, resolveClientDataDir } from '../../../src/main/app/paths';

describe('data dirs', () => {
  it("the desktop app's folder per platform", () => {
    expect(desktopDataDir('linux', {}, '/home/u')).toBe('/home/u/.config/Baton');
    expect(desktopDataDir('linux', { XDG_CONFIG_HOME: '/x' }, '/home/u')).toBe('/x/Baton');
    expect(desktopDataDir('darwin', {}, '/Users/u')).toBe('/Users/u/Library/Application Support/Baton');
    // Joined by the path module of the platform the test runs on: APPDATA, its separator, then Baton.
    const appData = 'C:\\Users\\u\\AppData\\Roaming';
    expect(desktopDataDir('win32', { APPDATA: appData }, 'C:\\Users\\u')).toBe(`${appData}${sep}Baton`);
  });

  describe('what the baton command talks to', () => {
    let home: string;
    const saved = { HOME: process.env.HOME, BATON_HOME: process.env.BATON_HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME };
    beforeEach(() => {
      home = mkdtempSync(join(tmpdir(), 'baton-home-'));
      process.env.HOME = home;
      delete process.env.BATON_HOME;
      delete process.env.XDG_CONFIG_HOME;
    });
    afterEach(() => {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
      else process.env[k] = v;
      rmSync(home, { recursive: true, force: true });
    });

    it('an explicit dir or BATON_HOME wins; else a running app; else the one with a database; else ~/.baton', () => {
      const dot = join(home, '.baton');
      const desktop = join(home, '.config', 'Baton');
      expect(resolveClientDataDir()).toBe(dot);
      mkdirSync(desktop, { recursive: true });
      writeFileSync(join(desktop, 'baton.db'), '');
      expect(resolveClientDataDir()).toBe(desktop);
      mkdirSync(dot, { recursive: true });
      writeFileSync(join(dot, 'baton.db'), '');
      expect(resolveClientDataDir()).toBe(dot);
      writeFileSync(join(desktop, 'control.json'), '{}');
      expect(resolveClientDataDir()).toBe(desktop);
      process.env.BATON_HOME = join(home, 'elsewhere');
      expect(resolveClientDataDir()).toBe(join(home, 'elsewhere'));
      expect(resolveClientDataDir('/explicit')).toBe('/explicit');
    });
  });
});
