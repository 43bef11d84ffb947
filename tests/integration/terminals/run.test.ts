import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectOpeners, launchOpener, openCommand } from '../../../src/main/terminals/open-in';
import { listeningInodes } from '../../../src/main/terminals/ports';
import type { TerminalView } from '../../../src/shared/contracts/terminals';
import { until, waitUntil } from '../../support/wait';
import { TermApp } from './app-world';

let world: TermApp | null = null;
afterEach(async () => {
  await world?.cleanup();
  world = null;
});

/** A tiny HTTP server on a free port, printing it: what a dev server does. */
const SERVER = `node -e "require('http').createServer((q,r)=>r.end('ok')).listen(0,'127.0.0.1',function(){console.log('port='+this.address().port)})"`;

describe('the run command and its ports', () => {
  it('runs the project run command in a terminal of its own and shows the port its server listens on', async () => {
    world = new TermApp();
    await world.start();
    await world.addProject();
    await expect(world.call('terminals.run', { projectId: world.projectId })).rejects.toThrow(/no_run_command/);
    expect(await world.call('terminals.setRunCommand', { projectId: world.projectId, command: SERVER })).toEqual({ command: SERVER });
    const t = await world.call<TerminalView>('terminals.run', { projectId: world.projectId });
    expect(t).toMatchObject({ kind: 'run', state: 'running' });
    const out = await world.waitOutput(t.id, 'port=');
    const port = Number(/port=(\d+)/.exec(out)?.[1]);
    const seen = await waitUntil(() => world?.get(t.id) as Promise<TerminalView>, (v) => v.ports.includes(port), 10_000, `port ${port} on the run terminal`);
    expect(seen.ports).toEqual([port]);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('ok');
    // One run terminal per checkout: Run again shows the one that runs.
    expect((await world.call<TerminalView>('terminals.run', { projectId: world.projectId })).id).toBe(t.id);
    const killed = await world.call<TerminalView>('terminals.kill', { id: t.id });
    expect(killed).toMatchObject({ state: 'exited', ports: [] });
  }, 60_000);
});

describe('open in editor', () => {
  it('runs $EDITOR on the checkout in a Baton terminal of its own, and lists what this machine can open', async () => {
    world = new TermApp();
    await world.start({ EDITOR: 'echo editing-in', VISUAL: '' });
    await world.addProject();
    const openers = await world.call<{ app: string; available: boolean }[]>('terminals.openers', {});
    expect(openers.map((o) => o.app)).toEqual(['vscode', 'cursor', 'editor', 'files']);
    expect(openers.find((o) => o.app === 'editor')?.available).toBe(true);
    const { how } = await world.call<{ how: string }>('terminals.openIn', { projectId: world.projectId, app: 'editor' });
    const id = /^terminal (\S+)$/.exec(how)?.[1] as string;
    expect(await world.waitOutput(id, 'editing-in .')).toContain('editing-in .');
    expect(await world.get(id)).toMatchObject({ title: 'editor', cwd: world.repo });
    // `echo` ends at once, often before its host was seen ready: the terminal still ran, and ended with code 0.
    expect(await waitUntil(() => world!.get(id), (v) => v.state === 'exited', 15_000, 'the editor terminal to end')).toMatchObject({ exitCode: 0 });
  }, 60_000);
});

describe('ports and openers, in parts', () => {
  it('says which openers are missing and why', () => {
    const found = detectOpeners({ PATH: '/nonexistent' }, 'linux');
    expect(found.find((o) => o.app === 'editor')).toMatchObject({ available: false, why: expect.stringContaining('$EDITOR') });
    expect(found.find((o) => o.app === 'vscode')).toMatchObject({ available: false, why: expect.stringContaining('`code`') });
  });

  it('reads listening sockets (state 0A) with their inodes from a /proc/net/tcp table', () => {
    const table = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0000000000000000 100 0 0 10 0',
      '   1: 0100007F:A1B2 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 4343 1 0000000000000000 20 4 30 10 -1',
    ].join('\n');
    expect([...listeningInodes(table)]).toEqual([['4242', 8080]]);
  });

  it('opens a folder with the editor CLI found on PATH, as an argument array; a missing one says how to install it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-opener-'));
    const saved = process.env.PATH;
    try {
      const record = join(dir, 'args.txt');
      const fake = join(dir, 'code');
      writeFileSync(fake, `#!/bin/sh\nprintf '%s\\n' "$@" > '${record}'\n`);
      chmodSync(fake, 0o755);
      process.env.PATH = dir;
      const folder = join(dir, 'a folder; with $(spaces)');
      const cmd = openCommand('vscode', folder);
      expect(cmd).toEqual({ ok: true, value: { command: fake, args: [folder] } });
      if (!cmd.ok) return;
      expect((await launchOpener(cmd.value)).ok).toBe(true);
      await until(() => existsSync(record) && readFileSync(record, 'utf8') === `${folder}\n`, 'the opener to get the folder as one argument');
      expect(openCommand('cursor', folder)).toMatchObject({ ok: false, error: { code: 'not_installed', message: expect.stringContaining('`cursor`') } });
    } finally {
      process.env.PATH = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
