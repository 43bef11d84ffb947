import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { controlPathFor, SshLink, shq, validDestination, type LinkState } from '../../../src/main/runtime/ssh/link';
import { HOST_ALIAS, startSshd, type Sshd } from '../../support/sshd';
import { until } from '../../support/wait';

let sshd: Sshd;
let link: SshLink | null = null;
beforeAll(async () => {
  sshd = await startSshd();
}, 30_000);
afterEach(async () => {
  await link?.close();
  link = null;
});
afterAll(() => sshd?.stop());

const newLink = (destination = HOST_ALIAS) => new SshLink({ destination, configFile: sshd.configPath, controlDir: sshd.controlDir }, [100, 200, 400]);

describe('the SSH link: one master connection, commands over it, state, reconnect', () => {
  it('connects, runs commands with their stdin, exit codes and quoting intact, over one master', async () => {
    link = newLink();
    expect(await link.connect()).toEqual({ ok: true, value: undefined });
    expect(link.state.state).toBe('connected');
    const tricky = `it's "quoted" $HOME; rm -rf /nope`;
    const r = await link.exec(`printf %s ${shq(tricky)}; cat; exit 3`, 'from stdin');
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.code).toBe(3);
    expect(r.value.stdout.toString()).toBe(`${tricky}from stdin`);
    expect(link.masterPid).not.toBeNull();
  });

  it('a data dir with a space and a % in its path (macOS: "Application Support") connects', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton app 100%-'));
    try {
      link = new SshLink({ destination: HOST_ALIAS, configFile: sshd.configPath, controlDir: join(dir, 'ssh') }, [100]);
      expect(await link.connect()).toEqual({ ok: true, value: undefined });
      const r = await link.exec('echo over-the-master');
      expect(r.ok && r.value.stdout.toString()).toBe('over-the-master\n');
    } finally {
      await link?.close();
      link = null;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a control dir too long for a socket falls back to a private temp folder, and refuses one that is not private', () => {
    const long = join(tmpdir(), 'x'.repeat(120), 'ssh');
    const path = controlPathFor(long, { destination: HOST_ALIAS, controlDir: long });
    expect(path.startsWith(tmpdir())).toBe(true);
    expect(path.length).toBeLessThan(long.length);
    // Someone else's, or opened up: never used.
    chmodSync(dirname(path), 0o755);
    try {
      expect(() => controlPathFor(long, { destination: HOST_ALIAS, controlDir: long })).toThrow(/not a private folder/);
    } finally {
      rmSync(dirname(path), { recursive: true, force: true });
    }
  });

  it('reports an unreachable destination as data, naming ssh\'s reason and the fix', async () => {
    link = new SshLink({ destination: 'nowhere.invalid', configFile: sshd.configPath, controlDir: sshd.controlDir }, [60_000]);
    const r = await link.connect();
    expect(r).toMatchObject({ ok: false, error: { code: 'unreachable' } });
    if (!r.ok) expect(r.error.message).toMatch(/nowhere\.invalid.*ssh nowhere\.invalid true/s);
    expect(link.state).toMatchObject({ state: 'disconnected', retryInMs: 60_000 });
    expect(await link.exec('true')).toMatchObject({ ok: false, error: { code: 'unreachable' } });
  });

  it('goes disconnected when the link is cut, with the reason, and reconnects with backoff once sshd is back', async () => {
    link = newLink();
    const seen: LinkState[] = [];
    link.onState((s) => seen.push(s));
    expect((await link.connect()).ok).toBe(true);
    await sshd.down();
    await until(() => link?.state.state === 'disconnected', 'the link to go disconnected');
    expect(link.state).toMatchObject({ state: 'disconnected', reason: expect.any(String) as string });
    // Retries while it stays down, each one failing and waiting again.
    await until(() => seen.filter((s) => s.state === 'connecting').length >= 3, 'reconnect attempts', 10_000);
    expect(await link.exec('true')).toMatchObject({ ok: false, error: { code: 'unreachable' } });
    await sshd.up();
    await until(() => link?.state.state === 'connected', 'the link to come back', 15_000);
    const r = await link.exec('echo back');
    expect(r.ok && r.value.stdout.toString().trim()).toBe('back');
  });

  it('a master killed outright (its control socket left behind) is replaced: the stale socket does not disable multiplexing', async () => {
    link = newLink();
    expect((await link.connect()).ok).toBe(true);
    const first = link.masterPid;
    if (!first) throw new Error('no master');
    process.kill(first, 'SIGKILL');
    await until(() => link?.state.state === 'disconnected', 'the link to show disconnected');
    await until(() => link?.state.state === 'connected' && link.masterPid !== first, 'a new master', 15_000);
    const r = await link.exec('echo again');
    expect(r.ok && r.value.stdout.toString().trim()).toBe('again');
  });

  it('refuses a destination that ssh would read as an option', () => {
    expect(validDestination('-oProxyCommand=touch /tmp/x')).toBe(false);
    expect(validDestination('devbox')).toBe(true);
    expect(validDestination('me@box.example:2222')).toBe(true);
    expect(validDestination('ssh://me@box:22')).toBe(true);
    expect(() => newLink('-oProxyCommand=x')).toThrow(/invalid ssh destination/);
  });
});
