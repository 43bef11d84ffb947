import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST_ALIAS, startSshd, type Sshd } from '../../support/sshd';

const run = promisify(execFile);
let sshd: Sshd;
beforeAll(async () => {
  sshd = await startSshd();
}, 30_000);
afterAll(() => sshd?.stop());

describe('the loopback sshd fixture', () => {
  it('logs in with its own key and known_hosts, and the remote side sees its own home', async () => {
    const r = await run('ssh', [...sshd.sshArgs(), HOST_ALIAS, 'echo "$BATON_REMOTE_HOME"'], { timeout: 15_000 });
    expect(r.stdout.trim()).toBe(sshd.remoteHome);
    await expect(run('ssh', [...sshd.sshArgs(), HOST_ALIAS, 'true'], { timeout: 15_000 })).resolves.toBeDefined();
  });

  it('refuses a host key that is not in its known_hosts (StrictHostKeyChecking yes)', async () => {
    const r = run('ssh', ['-F', sshd.configPath, '-o', 'UserKnownHostsFile=/dev/null', '-o', 'ControlMaster=no', '-o', 'ControlPath=none', HOST_ALIAS, 'true'], { timeout: 15_000 });
    await expect(r).rejects.toMatchObject({ code: 255 });
  });

  it('goes down and comes back on the same port', async () => {
    await sshd.down();
    await expect(run('ssh', [...sshd.sshArgs(), '-o', 'ControlMaster=no', '-o', 'ControlPath=none', HOST_ALIAS, 'true'], { timeout: 15_000 })).rejects.toMatchObject({ code: 255 });
    await sshd.up();
    await expect(run('ssh', [...sshd.sshArgs(), HOST_ALIAS, 'true'], { timeout: 15_000 })).resolves.toBeDefined();
  });
});
