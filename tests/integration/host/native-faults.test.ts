/**
 * The native session host (ADR 0034) where the machine misbehaves, found by a review with a sanitizer build and
 * kept here: an LD_PRELOAD shim (compiled by this test) changes what the host's system calls do.
 * - A socket that takes a whole 1 MiB batch at once must not stall the catch-up: main gets every record and
 *   caught_up (before the fix it got 969 of 20,001 and waited forever).
 * - A disk that fills up mid-record must leave a journal of whole lines: the failed write is cut off, the host
 *   journals host_failed on a line of its own, exits 70 and lets go of the session (before the fix the exit record
 *   was glued onto the half record, unreadable to recovery, and the host spun on the CPU holding its lock).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readHostFile } from '../../../src/main/host/liveness';
import type { JournalRecord } from '../../../src/main/host/protocol';
import { parseRecordLine } from '../../../src/main/host/journal-read';
import { isPidAlive } from '../../../src/main/host/proc';
import { findNativeHost } from '../../../src/main/runtime/host-runtime';
import { until, waitUntil } from '../../support/wait';
import { ensureHostBuilt, root, World } from './helpers';

ensureHostBuilt();
const native = findNativeHost('option');

function compileShim(w: World, name: string): string | null {
  const out = join(w.base, `${name}.so`);
  try {
    execFileSync(process.env.CC || 'cc', ['-shared', '-fPIC', '-O1', '-o', out, join(root, 'tests/integration/host/fixtures', `${name}.c`), '-ldl'], { stdio: 'pipe' });
    return out;
  } catch (e) {
    console.log(`native-faults: the ${name} shim could not be built (${(e as Error).message.split('\n')[0]})`);
    return null;
  }
}

/**
 * The native host started as launchHost would, but with a shim preloaded (launchHost gives a host a minimal
 * environment). ASAN_OPTIONS lets a sanitized build (scripts/build-native.mjs --sanitize) run with the shim first.
 */
async function startWithShim(w: World, id: string, shim: string, o: { command: string; args: string[]; journal?: string; env?: Record<string, string> }) {
  const dir = w.sessionDir(id);
  const launchId = `shim-${id}`;
  const configPath = w.hostConfig(id, { command: o.command, args: o.args, launchId });
  if (o.journal) writeFileSync(join(dir, 'journal.jsonl'), o.journal);
  const child = spawn(native.ok ? native.value : 'false', ['--config', configPath], { detached: true, stdio: 'ignore', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LD_PRELOAD: shim, ASAN_OPTIONS: 'verify_asan_link_order=0', ...o.env } });
  child.unref();
  if (child.pid) w.hostPids.add(child.pid);
  const host = await waitUntil(() => readHostFile(dir), (h) => h?.launchId === launchId && existsSync(h.socket), 10_000, `${id}: host.json and its socket`);
  return { host: host as NonNullable<typeof host>, dir };
}

describe.skipIf(!native.ok)('the native host when the machine misbehaves', () => {
  const w = new World();
  afterAll(() => w.cleanup());

  it('a socket that takes a whole batch at once: the catch-up still reaches caught_up with every record', async () => {
    const shim = compileShim(w, 'big-sndbuf');
    if (!shim) return;
    const pad = 'x'.repeat(1000);
    const lines: string[] = [];
    for (let seq = 1; seq <= 20_000; seq++) lines.push(`{"v":1,"seq":${seq},"ts":1,"dir":"in","msg":{"i":${seq},"p":"${pad}"}}`);
    const { host } = await startWithShim(w, 'stall', shim, { command: 'sleep', args: ['60'], journal: `${lines.join('\n')}\n` });
    const conn = await w.connect(host);
    const seqs: number[] = [];
    let caughtUp: number | null = null;
    void conn.attach(0, (r) => seqs.push(r.seq)).then((s) => (caughtUp = s));
    await until(() => caughtUp !== null, `caught_up (records so far: ${seqs.length})`, 20_000);
    expect(seqs.length).toBe(20_001);
    expect(seqs.at(-1)).toBe(20_001);
  });

  it('a disk that fills up mid-record: whole lines only, host_failed on a line of its own, exit, the lock let go', async () => {
    const shim = compileShim(w, 'full-disk');
    if (!shim) return;
    const { host, dir } = await startWithShim(w, 'full', shim, { command: '/bin/sh', args: ['-c', 'while :; do echo \'{"tick":1}\'; sleep 0.05; done'], env: { FULL_DISK_AT: '3' } });
    await until(() => !isPidAlive(host.pid), 'the host to end after the failed write', 20_000);
    const lines = readFileSync(join(dir, 'journal.jsonl'), 'utf8').split('\n').filter(Boolean);
    const records = lines.map((l) => parseRecordLine(l));
    expect(records.every((r) => r !== null), lines.join('\n').slice(-600)).toBe(true);
    const last = records.at(-1) as JournalRecord;
    expect(last.msg).toMatchObject({ cause: 'host_failed', error: expect.stringContaining('No space left on device') });
    expect(records.map((r) => (r as JournalRecord).seq)).toEqual(records.map((_, i) => i + 1));
    expect(existsSync(join(dir, 'host.lock'))).toBe(false);
    expect(readFileSync(join(dir, 'host.log'), 'utf8')).toContain('host exiting: failed');
  });
});

if (!native.ok) console.log(`native-faults: skipped, ${native.error.message}`);
