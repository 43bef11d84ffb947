import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostPort } from '../../../src/main/runtime';
import { createSshHosts } from '../../../src/main/runtime/ssh/hosts';
import { createRoutingHostPort } from '../../../src/main/runtime/ssh/routing';
import { ensureHostBuilt, root } from '../host/helpers';
import { HOST_ALIAS, startSshd, type Sshd } from '../../support/sshd';

let sshd: Sshd;
const dataDir = mkdtempSync(join(tmpdir(), 'baton-reinstall-'));
beforeAll(async () => {
  ensureHostBuilt();
  sshd = await startSshd();
}, 180_000);
afterAll(async () => {
  await sshd?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A routing port that puts every session on the loopback destination, closed after `fn`. */
async function withPort(fn: (port: ReturnType<typeof createRoutingHostPort>) => Promise<void>): Promise<void> {
  const hosts = createSshHosts({ dataDir, configFile: sshd.configPath });
  const port = createRoutingHostPort({
    local: createHostPort(),
    hosts,
    appVersion: '0.0.0-reinstall',
    bundleDir: join(root, 'out/main'),
    placeOf: () => ({ kind: 'ssh', destination: HOST_ALIAS }),
  });
  try {
    await fn(port);
  } finally {
    await hosts.close();
  }
}

describe("Baton's files removed from a destination", () => {
  it('a helper call says they are gone, and the next use installs them again', { timeout: 120_000 }, async () => {
    await withPort(async (port) => {
      const first = await port.installFor(HOST_ALIAS);
      if (!first.ok) throw new Error(first.error.message);
      expect(existsSync(join(first.value.bundleDir, 'remote.js'))).toBe(true);

      // Someone cleans the remote home.
      rmSync(first.value.bundleDir, { recursive: true, force: true });
      const read = await port.readJournal('no-such-session', dataDir);
      expect(read).toMatchObject({ ok: false, error: { code: 'remote_failed' } });
      if (!read.ok) expect(read.error.message).toMatch(/are gone .*installs them again on the next try/);

      const again = await port.installFor(HOST_ALIAS);
      if (!again.ok) throw new Error(again.error.message);
      expect(existsSync(join(again.value.bundleDir, 'remote.js'))).toBe(true);
      expect(await port.readJournal('no-such-session', dataDir)).toMatchObject({ ok: true });
    });
  });

  it('an answer of the wrong shape is refused with what was wrong and what to do, and never taken for a host gone', { timeout: 120_000 }, async () => {
    await withPort(async (port) => {
      const first = await port.installFor(HOST_ALIAS);
      if (!first.ok) throw new Error(first.error.message);
      const helper = join(first.value.bundleDir, 'remote.js');
      // A damaged file (or a helper from another build): valid JSON, but a record whose seq is not a number.
      writeFileSync(helper, `process.stdout.write(JSON.stringify({ records: [{ v: 1, seq: 'one', ts: 0, dir: 'in', msg: {} }], diagnostics: [] }));\n`);
      const read = await port.readJournal('no-such-session', dataDir);
      expect(read).toMatchObject({ ok: false, error: { code: 'helper_unreadable' } });
      if (!read.ok) expect(read.error.message).toBe(`Baton's helper on ${HOST_ALIAS} answered journal with something Baton cannot read (records.0.seq: Invalid input: expected number, received string). Remove ${first.value.bundleDir} there and Baton installs its own again on the next use.`);
      // Asked whether a host runs, an unreadable answer says nothing of it: unreachable, never gone (which would interrupt its session).
      expect(await port.liveness('no-such-session', dataDir, { pid: 1, startTime: '1', nonce: 'n', socket: '/nowhere' })).toBe('unreachable');

      // A helper from another build says so by its version.
      writeFileSync(helper, `process.stdout.write(JSON.stringify({ v: 3, tail: {}, lines: [] }));\n`);
      const tail = await port.journalTail('no-such-session', dataDir, { afterSeq: 0, throughSeq: 0 });
      expect(tail).toMatchObject({ ok: false, error: { code: 'protocol_mismatch' } });
      if (!tail.ok) expect(tail.error.message).toContain('speaks protocol 3; this Baton speaks');

      // Doing what it says: the folder removed, the next use installs Baton's own and reads again.
      rmSync(first.value.bundleDir, { recursive: true, force: true });
      expect(await port.readJournal('no-such-session', dataDir)).toMatchObject({ ok: false, error: { code: 'remote_failed' } });
      const again = await port.installFor(HOST_ALIAS);
      if (!again.ok) throw new Error(again.error.message);
      expect(await port.readJournal('no-such-session', dataDir)).toMatchObject({ ok: true });
    });
  });
});
