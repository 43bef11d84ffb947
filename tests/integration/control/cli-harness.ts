// The real `baton` command's code run in process (headless unless a test starts an app), with per-test dirs and clean-up.
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll } from 'vitest';
import { run } from '../../../src/cli/index';
import { buildOnce } from '../../support/build';
import { stopAgents, type CliRun } from './helpers';

export interface InProcessCli {
  /** A fresh real directory, removed after the test. */
  temp(label: string): string;
  /** A fresh data dir that every later `baton` call in this test passes as `--data-dir`. */
  useDataDir(label: string): string;
  /** `baton <args> --data-dir <the test's data dir>`, its exit code and output captured. */
  baton(...args: string[]): Promise<CliRun>;
}

/**
 * Registers the build and the clean-up hooks for a CLI test file and returns `temp`, which makes fresh dirs removed after each test.
 * After each test: `beforeCleanup` first (e.g. stopping an app), then the agents of `dataDirToStop()` are stopped, then the dirs removed.
 */
export function cliTestDirs(dataDirToStop: () => string, beforeCleanup?: () => Promise<void>): (label: string) => string {
  const dirs: string[] = [];
  beforeAll(() => buildOnce(), 180_000);
  afterEach(async () => {
    await beforeCleanup?.();
    const dataDir = dataDirToStop();
    if (dataDir && existsSync(join(dataDir, 'baton.db'))) await stopAgents(dataDir);
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return (label) => {
    const d = realpathSync(mkdtempSync(join(tmpdir(), label)));
    dirs.push(d);
    return d;
  };
}

/** `cliTestDirs` plus `baton` run in process against the data dir the test chose with `useDataDir`. */
export function inProcessCli(opts: { beforeCleanup?: () => Promise<void> } = {}): InProcessCli {
  let dataDir = '';
  const temp = cliTestDirs(() => dataDir, opts.beforeCleanup);
  return {
    temp,
    useDataDir: (label) => (dataDir = temp(label)),
    async baton(...args) {
      let stdout = '';
      let stderr = '';
      const code = await run([...args, '--data-dir', dataDir], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
      return { code, stdout, stderr };
    },
  };
}
