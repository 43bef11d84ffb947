/**
 * git through the spawner process (ADR 0030): the same answers as git spawned here, byte for byte; timeouts kill
 * git and its hooks there; a spawner that dies fails its call with a clear error and the next call starts it again;
 * what git writes keeps the person's umask though this process runs with Baton's private one.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPidAlive } from '../../../src/main/host/proc';
import { runGit, useGitRunner } from '../../../src/main/git/exec';
import { privateUmask } from '../../../src/main/lib/umask';
import { createSpawner, type Spawner } from '../../../src/main/runtime/spawner';
import { buildOnce } from '../../support/build';
import { waitUntil } from '../../support/scripted';
import { root } from '../host/helpers';
import { cleanupAll, hangingHook, makeRepo, sh } from './helpers';

let spawner: Spawner;
let savedUmask = 0;

beforeAll(() => {
  buildOnce();
  // As the app runs: the person's umask recorded, Baton's own private one in force, then the spawner started.
  savedUmask = process.umask(0o022);
  privateUmask();
  const s = createSpawner(path.join(root, 'out/main/spawner.js'));
  if (!s) throw new Error('no spawner script');
  spawner = s;
  useGitRunner(spawner);
});

afterAll(async () => {
  useGitRunner(null);
  spawner.close();
  process.umask(savedUmask);
  await cleanupAll();
});

describe('git through the spawner', () => {
  it('answers byte for byte: binary stdout, stdin, stderr and exit codes', async () => {
    const { repo } = await makeRepo();
    const blob = Buffer.alloc(256 * 1024);
    for (let i = 0; i < blob.length; i++) blob[i] = (i * 7 + (i >> 8)) & 0xff;
    const hashed = await runGit(['hash-object', '-w', '--stdin'], { cwd: repo, input: blob });
    expect(hashed.ok && hashed.value.code).toBe(0);
    const oid = hashed.ok ? hashed.value.stdout.toString('utf8').trim() : '';
    expect(oid).toMatch(/^[0-9a-f]{40}$/);
    expect((await sh(repo, ['cat-file', '-s', oid])).trim()).toBe(String(blob.length));

    const back = await runGit(['cat-file', 'blob', oid], { cwd: repo });
    expect(back.ok && back.value.stdout.equals(blob)).toBe(true);

    const bad = await runGit(['rev-parse', '--verify', 'no-such-ref'], { cwd: repo });
    expect(bad).toMatchObject({ ok: true, value: { code: 128 } });
    expect(bad.ok && bad.value.stderr).toContain('fatal');
    expect(spawner.pid()).not.toBeNull();
  });

  it('several calls at once each get their own answer', async () => {
    const { repo } = await makeRepo();
    const runs = await Promise.all(Array.from({ length: 20 }, (_, i) => runGit(['hash-object', '--stdin'], { cwd: repo, input: `content ${i}\n` })));
    const direct = Array.from({ length: 20 }, (_, i) => execFileSync('git', ['hash-object', '--stdin'], { cwd: repo, input: `content ${i}\n`, encoding: 'utf8' }));
    expect(runs.map((r) => (r.ok ? r.value.stdout.toString('utf8') : r.error.message))).toEqual(direct);
  });

  it('a missing folder is the same clear error as without the spawner', async () => {
    const r = await runGit(['status'], { cwd: '/no/such/folder/here' });
    expect(r).toMatchObject({ ok: false, error: { code: 'git_missing' } });
  });

  it('a timeout kills git and its hook there', async () => {
    const { repo } = await makeRepo();
    const pidFile = await hangingHook(repo);
    await sh(repo, ['branch', 'other']);
    const r = await runGit(['checkout', '-q', 'other'], { cwd: repo, timeoutMs: 1500 });
    expect(r).toMatchObject({ ok: false, error: { code: 'git_timeout' } });
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    await waitUntil(() => isPidAlive(pid), (a) => !a, 10_000, 'the hook process to be killed');
  }, 30_000);

  it('a spawner that dies: its git is answered when it ends, and the next call starts the spawner again', async () => {
    const { repo } = await makeRepo();
    const release = path.join(repo, '..', 'release');
    const started = path.join(repo, '..', 'hook.started');
    // A hook that ends when the test says so: the git outlives its spawner, then finishes on its own.
    await writeFile(path.join(repo, '.git', 'hooks', 'post-checkout'), `#!/bin/sh\ntouch "${started}"\nwhile [ ! -f "${release}" ]; do sleep 0.05; done\n`, { mode: 0o755 });
    await sh(repo, ['branch', 'other']);
    let answered = false;
    try {
      const call = runGit(['checkout', '-q', 'other'], { cwd: repo, timeoutMs: 60_000 }).finally(() => (answered = true));
      const first = spawner.pid();
      await waitUntil(() => existsSync(started), (s) => s, 10_000, 'the hook to start');
      if (!first) throw new Error('the spawner is not running');
      process.kill(first, 'SIGKILL');
      // A call made before main has seen the spawner's end fails as cut short, like the one it ran; this one comes after.
      await waitUntil(() => spawner.pid(), (p) => p !== first, 10_000, 'main to see the spawner end');
      const next = await runGit(['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: repo });
      expect(next.ok && next.value.code).toBe(0);
      expect(spawner.pid()).not.toBe(first);
      // The git the dead spawner ran is still running: its call is not answered before it ends.
      expect(answered).toBe(false);
      await writeFile(release, '');
      const r = await call;
      expect(r).toMatchObject({ ok: false, error: { code: 'git_failed', kind: 'transient' } });
      expect(r.ok ? '' : r.error.message).toMatch(/cut short.*retry/);
      // It did its work (the checkout), which is why the message says to look before retrying blindly.
      expect((await sh(repo, ['rev-parse', '--abbrev-ref', 'HEAD'])).trim()).toBe('other');
    } finally {
      // Whatever failed above, the hook must not loop on after the test.
      await writeFile(release, '');
    }
  }, 30_000);

  it("a git that hangs after its spawner died is still killed by the call's timeout, with its hook", async () => {
    const { repo } = await makeRepo();
    const marker = await hangingHook(repo);
    await sh(repo, ['branch', 'other']);
    const call = runGit(['checkout', '-q', 'other'], { cwd: repo, timeoutMs: 3000 });
    const hookPid = await waitUntil(() => (existsSync(marker) ? Number(readFileSync(marker, 'utf8').trim()) : 0), (p) => p > 0, 10_000, 'the hook to start');
    const first = spawner.pid();
    if (!first) throw new Error('the spawner is not running');
    process.kill(first, 'SIGKILL');
    const r = await call;
    expect(r).toMatchObject({ ok: false, error: { code: 'git_timeout' } });
    await waitUntil(() => isPidAlive(hookPid), (a) => !a, 10_000, 'the hook process to be killed');
  }, 30_000);

  it("a terminal's Ctrl+C or SIGTERM to the group does not end it before main: its gits are still answered", async () => {
    const { repo } = await makeRepo();
    expect((await runGit(['rev-parse', 'HEAD'], { cwd: repo })).ok).toBe(true);
    const pid = spawner.pid();
    if (!pid) throw new Error('the spawner is not running');
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.kill(pid, sig);
    // A signal is delivered before the spawner can read another request: had it ended, this call would fail.
    const r = await runGit(['rev-parse', 'HEAD'], { cwd: repo });
    expect(r.ok && r.value.code).toBe(0);
    expect(spawner.pid()).toBe(pid);
    expect(isPidAlive(pid)).toBe(true);
  });

  it("what git writes keeps the person's umask, not Baton's private one", async () => {
    const { repo } = await makeRepo();
    await writeFile(path.join(repo, 'new.txt'), 'x\n');
    await sh(repo, ['add', 'new.txt']);
    await sh(repo, ['commit', '-qm', 'new']);
    await sh(repo, ['rm', '-q', '--cached', 'new.txt']);
    await sh(repo, ['commit', '-qm', 'gone']);
    await rm(path.join(repo, 'new.txt'));
    const r = await runGit(['checkout', '-q', 'HEAD~1', '--', 'new.txt'], { cwd: repo });
    expect(r.ok && r.value.code).toBe(0);
    expect(statSync(path.join(repo, 'new.txt')).mode & 0o777).toBe(0o644);
    expect(process.umask()).toBe(0o077);
  });
});
