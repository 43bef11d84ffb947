import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { secureDataDir } from '../../../src/main/app/data-dir';
import { waitUntil } from '../../support/wait';

/** Entries of the data dir come and go while it is made private: another Baton starting on it writes its lock entry aside and renames it. */
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

/** A process that writes files aside, renames and removes them in `dir` as fast as it can, until killed. */
const CHURN = `
  const { writeFileSync, renameSync, rmSync, mkdirSync } = require('node:fs');
  const dir = process.argv[1];
  let n = 0;
  for (;;) {
    const sub = dir + '/s' + (n % 4);
    try { mkdirSync(sub); } catch {}
    const f = sub + '/e' + n + '.json';
    writeFileSync(f + '.tmp', '{}', { mode: 0o644 });
    renameSync(f + '.tmp', f);
    rmSync(f);
    if (n % 50 === 0) rmSync(sub, { recursive: true, force: true });
    n++;
  }
`;

describe('making the data dir private', () => {
  it('an entry that vanishes while it is walked is skipped, not a crash and not a refusal', async () => {
    const dataDir = realpathSync(mkdtempSync(join(tmpdir(), 'baton-datadir-')));
    const lock = join(dataDir, 'baton.lock');
    mkdirSync(lock);
    const churn = spawn(process.execPath, ['-e', CHURN, lock], { stdio: 'ignore' });
    cleanups.push(() => {
      churn.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    });
    // Its files are there and changing before the walks start.
    await waitUntil(() => readdirSync(lock), (names) => names.includes('s1'), 5000, 'the churn to start');
    for (let i = 0; i < 2000; i++) expect(secureDataDir(dataDir)).toEqual({ ok: true, value: undefined });
  });
});
