import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapRemote } from '../../../src/main/runtime/ssh/bootstrap';
import { ptyPlatforms, readHostBundle, type HostBundle } from '../../../src/main/runtime/ssh/bundle';
import { SshLink, shq } from '../../../src/main/runtime/ssh/link';
import { ensureHostBuilt, root } from '../host/helpers';
import { HOST_ALIAS, startSshd, type Sshd } from '../../support/sshd';

let sshd: Sshd;
let link: SshLink;
let bundle: HostBundle;
beforeAll(async () => {
  ensureHostBuilt();
  const b = readHostBundle(join(root, 'out/main'), '0.0.0-test');
  if (!b.ok) throw new Error(b.error.message);
  bundle = b.value;
  sshd = await startSshd();
  link = new SshLink({ destination: HOST_ALIAS, configFile: sshd.configPath, controlDir: sshd.controlDir });
  const c = await link.connect();
  if (!c.ok) throw new Error(c.error.message);
}, 180_000);
afterAll(async () => {
  await link?.close();
  await sshd?.stop();
});

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

describe('bootstrap of a remote machine over ssh', () => {
  it('reads the bundle: both entries and their chunks, Node built-ins only, versioned by content', () => {
    const rels = bundle.files.map((f) => f.rel);
    // mcp-bridge.js and its tool list: an orchestrator's Baton tools, run there (the bridge passed the standalone check).
    expect(rels).toEqual(expect.arrayContaining(['host.js', 'remote.js', 'mcp-bridge.js', 'mcp-tools.json', 'package.json']));
    expect(rels.some((r) => r.startsWith('chunks/'))).toBe(true);
    expect(bundle.version).toMatch(/^0\.0\.0-test-[0-9a-f]{12}$/);
  });

  it('carries the terminal host and node-pty: its JavaScript and the N-API prebuilt of each installed platform, nothing else of node_modules', () => {
    const rels = bundle.files.map((f) => f.rel);
    expect(rels).toEqual(expect.arrayContaining(['terminal-host.js', 'node_modules/@lydell/node-pty/package.json', 'node_modules/@lydell/node-pty/index.js', 'node_modules/@lydell/node-pty/unixTerminal.js']));
    expect(ptyPlatforms(bundle.files)).toContain(`${process.platform}-${process.arch}`);
    expect(rels.filter((r) => r.startsWith('node_modules/') && !r.startsWith('node_modules/@lydell/node-pty'))).toEqual([]);
    const vendored = bundle.files.filter((f) => f.rel.startsWith('node_modules/')).reduce((n, f) => n + f.bytes.length, 0);
    const all = bundle.files.reduce((n, f) => n + f.bytes.length, 0);
    console.log(`[figures] remote bundle ${Math.round(all / 1024)} KiB, of which node-pty ${Math.round(vendored / 1024)} KiB`);
    expect(vendored).toBeLessThan(512 * 1024);
  });

  it('installs on a clean remote home, checksum-verified, then finds it there and copies nothing', async () => {
    expect(existsSync(join(sshd.remoteHome, '.baton-remote'))).toBe(false);
    const first = await bootstrapRemote(link, bundle, [process.execPath]);
    if (!first.ok) throw new Error(first.error.message);
    expect(first.value).toMatchObject({ root: join(sshd.remoteHome, '.baton-remote'), copied: true, version: bundle.version });
    expect(first.value.bundleDir).toBe(join(sshd.remoteHome, '.baton-remote', bundle.version));
    for (const f of bundle.files) expect(sha(join(first.value.bundleDir, f.rel))).toBe(f.sha256);
    expect(statSync(first.value.bundleDir).mode & 0o077).toBe(0);

    const again = await bootstrapRemote(link, bundle, [process.execPath]);
    expect(again).toMatchObject({ ok: true, value: { copied: false } });

    // A damaged file on the remote is noticed by its hash and replaced.
    writeFileSync(join(first.value.bundleDir, 'host.js'), '// damaged\n');
    const repaired = await bootstrapRemote(link, bundle, [process.execPath]);
    expect(repaired).toMatchObject({ ok: true, value: { copied: true } });
    expect(sha(join(first.value.bundleDir, 'host.js'))).toBe(bundle.files.find((f) => f.rel === 'host.js')?.sha256);

    // The copied helper runs there, under the remote's node, with nothing of Baton's node_modules.
    const probe = await link.exec(`${shq(first.value.node)} ${shq(`${first.value.bundleDir}/remote.js`)} probe ${shq(first.value.dataDir)} nobody`);
    expect(probe.ok && JSON.parse(probe.value.stdout.toString())).toEqual({ host: null, liveness: { alive: false, reason: 'no host.json' } });
  });

  it('names each missing piece with the command that fixes it', async () => {
    const r = await bootstrapRemote(link, bundle, ['no-such-agent-acp-xyz']);
    expect(r).toMatchObject({ ok: false, error: { code: 'remote_not_ready', problems: [{ piece: 'agent' }] } });
    if (!r.ok) {
      expect(r.error.message).toMatch(/"no-such-agent-acp-xyz" is not found on devbox/);
      expect(r.error.problems?.[0]?.fix).toMatch(/install it on devbox/);
    }
  });
});
