import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isPidAlive } from '../../../src/main/host/proc';
import { SCROLLBACK_BYTES, scrollbackPath, terminalDir } from '../../../src/main/host/terminal-protocol';
import { RING_HEADER_BYTES } from '../../../src/main/host/terminal-ring';
import { until, waitUntil } from '../../support/wait';
import { TermWorld } from './helpers';

let world: TermWorld;
afterEach(async () => world?.cleanup());

/** The terminal host on its own (slice 1): a real pty in a detached process, over its socket. */
describe('terminal host', () => {
  it('runs a command and streams its output; the shell exit code is recorded and the host ends', async () => {
    world = new TermWorld();
    const { info, link, screen } = await world.open('t1');
    link.input('echo $((6*7))\r');
    await screen.waitFor(/^42\r?$/m, 'the computed 42');
    const dir = terminalDir(world.dataDir, 't1');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(scrollbackPath(dir)).mode & 0o777).toBe(0o600);
    expect(await world.port.scrollback('t1', world.dataDir)).toMatchObject({ ok: true, value: { data: expect.stringContaining('42') } });
    const closed = new Promise((r) => link.onClose(r));
    link.input('exit 3\r');
    expect(await closed).toEqual({ code: 3, signal: null, cause: 'exited' });
    await until(() => !isPidAlive(info.pid), 'the host to end after its shell');
    expect(await world.port.exitOf('t1', world.dataDir)).toEqual({ ok: true, value: { code: 3, signal: null, cause: 'exited' } });
  }, 30_000);

  it('resizes the pty (stty size follows)', async () => {
    world = new TermWorld();
    const { link, screen } = await world.open('t2', { cols: 80, rows: 24 });
    link.input('stty size\r');
    await screen.waitFor(/^24 80\r?$/m, 'the first size');
    link.resize(100, 30);
    link.input('stty size\r');
    await screen.waitFor(/^30 100\r?$/m, 'the new size');
  }, 30_000);

  it('Ctrl+C is input: it interrupts a running sleep and the shell goes on', async () => {
    world = new TermWorld();
    const { link, screen } = await world.open('t3');
    link.input('sleep 30; echo slept-$((1+1))-through\r');
    // The shell's child is running before the interrupt is sent.
    await until(() => readdirSync('/proc').some((p) => /^\d+$/.test(p) && safeRead(`/proc/${p}/cmdline`) === 'sleep\u000030\u0000'), 'sleep 30 to run');
    const t0 = Date.now();
    link.input('\x03');
    link.input('echo "status=$?"\r');
    await screen.waitFor(/status=130/, 'the interrupted status');
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(screen.text).not.toContain('slept-2-through');
  }, 30_000);

  it('a reattach replays the scrollback, then streams live output; a second client sees the same stream', async () => {
    world = new TermWorld();
    const { info, link, screen } = await world.open('t4');
    link.input('echo before-$((1+1))\r');
    await screen.waitFor('before-2');
    link.detach();
    const again = await world.attach('t4', info);
    expect(again.screen.text).toContain('before-2');
    const other = await world.attach('t4', info, again.screen.end);
    again.link.input('echo after-$((2+2))\r');
    await again.screen.waitFor('after-4');
    await other.screen.waitFor('after-4');
    expect(other.screen.text).not.toContain('before-2');
  }, 30_000);

  it('kill ends the shell and every process it started, and says so', async () => {
    world = new TermWorld();
    const { info, link, screen } = await world.open('t5');
    link.input('sleep 300 & echo bg=$!\r');
    await screen.waitFor(/bg=\d+/);
    const bg = Number(/bg=(\d+)/.exec(screen.text)?.[1]);
    expect(isPidAlive(bg)).toBe(true);
    const exit = await link.kill(1000);
    // Killed by a signal: the signal is recorded, and no exit code is made up for it.
    expect(exit).toMatchObject({ cause: 'killed', code: null, signal: expect.any(Number) });
    await until(() => !isPidAlive(info.pid) && !isPidAlive(bg), 'the host and the background sleep to end');
  }, 30_000);

  it('the scrollback stays bounded at 1 MiB on disk and in a replay', async () => {
    world = new TermWorld();
    const { info, link, screen } = await world.open('t6');
    link.input("head -c 3000000 /dev/zero | tr '\\0' a; echo; echo done-$((3*3))\r");
    await screen.waitFor('done-9', 'the end of 3 MB of output', 30_000);
    const file = scrollbackPath(terminalDir(world.dataDir, 't6'));
    expect(statSync(file).size).toBe(SCROLLBACK_BYTES + RING_HEADER_BYTES);
    link.detach();
    const again = await world.attach('t6', info);
    expect(again.screen.end).toBeGreaterThan(3_000_000);
    expect(Buffer.byteLength(again.screen.text)).toBeLessThanOrEqual(SCROLLBACK_BYTES);
    expect(again.screen.text).toContain('done-9');
  }, 60_000);

  it('keystrokes reach no file but the scrollback (and a secret typed without echo reaches none)', async () => {
    world = new TermWorld();
    const { info, link, screen } = await world.open('t7');
    link.input('stty -echo; echo ready-$((5+5)); read secret; stty echo; echo "len=${#secret}"\r');
    // Typed only once echo is off, as a password prompt would be.
    await screen.waitFor('ready-10');
    link.input('hunter2-XYZ\r');
    await screen.waitFor('len=11');
    link.input('exit\r');
    await waitUntil(async () => { const e = await world.port.exitOf('t7', world.dataDir); return e.ok && e.value !== null && !isPidAlive(info.pid); }, (v) => v, 10_000, 'the exit record and the host gone');
    const dir = terminalDir(world.dataDir, 't7');
    for (const f of readdirSync(dir)) expect(readFileSync(join(dir, f), 'latin1'), f).not.toContain('hunter2');
  }, 30_000);
});

function safeRead(p: string): string {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return '';
  }
}

/** A command that ends at once (`$EDITOR` set to echo, a run command that fails) may end its host before the launch saw it ready: that is a terminal that ran and exited, never "host_failed". */
describe('a command that ends before its host is seen ready', () => {
  it('launches, and its exit is what it leaves: 12 launches of `true`, each ok with exit code 0', async () => {
    world = new TermWorld();
    for (let i = 0; i < 12; i++) {
      const id = `quick-${i}`;
      const launched = await world.port.launch({ terminalId: id, dataDir: world.dataDir, cwd: world.base, command: '/bin/sh', args: ['-c', i % 2 ? 'true' : 'echo said-$0; exit 4'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, cols: 80, rows: 24 });
      expect(launched.ok ? 'ok' : launched.error.message).toBe('ok');
      const exit = await waitUntil(() => world.port.exitOf(id, world.dataDir), (r) => !r.ok || r.value !== null, 10_000, `terminal ${id} to record its exit`);
      expect(exit).toEqual({ ok: true, value: { code: i % 2 ? 0 : 4, signal: null, cause: 'exited' } });
    }
  }, 60_000);
});
