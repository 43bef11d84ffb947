import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createCore, type Core } from '../../src/main/app/core';
import type { BatonProcedure, Contract } from '../../src/shared/contracts';
import type { InputOf, OutputOf } from '../../src/shared/contract';
import type { Result } from '../../src/shared/result';

/** A real core (real SQLite file, real git) in a temp data dir, called through the real router. */
export interface Harness {
  core: Core;
  dataDir: string;
  events: { name: string; payload: unknown }[];
  call<N extends BatonProcedure>(name: N, input: InputOf<Contract, N>): Promise<Result<OutputOf<Contract, N>>>;
  /** Like call, but fails the test on an error result. */
  must<N extends BatonProcedure>(name: N, input: InputOf<Contract, N>): Promise<OutputOf<Contract, N>>;
  tempDir(label?: string): string;
  cleanup(): Promise<void>;
}

export function createHarness(): Harness {
  const dirs: string[] = [];
  const tempDir = (label = 'baton-test-') => {
    const d = realpathSync(mkdtempSync(join(tmpdir(), label)));
    dirs.push(d);
    return d;
  };
  const dataDir = tempDir('baton-data-');
  const core = createCore({ dataDir, mode: 'browser', version: 'test' });
  const events: { name: string; payload: unknown }[] = [];
  core.hub.listen((name, payload) => events.push({ name, payload }));
  const call = (name: string, input: unknown) => core.router.call(name, input, { via: 'test' });
  return {
    core,
    dataDir,
    events,
    call: call as Harness['call'],
    must: (async (name: string, input: unknown) => {
      const r = await call(name, input);
      if (!r.ok) throw new Error(`${name} failed: ${r.error.code}: ${r.error.message}`);
      return r.value;
    }) as Harness['must'],
    tempDir,
    async cleanup() {
      await core.close();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}

const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@x' };

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: gitEnv, encoding: 'utf8' });
}

/** A real repository with one commit on `main` and the given files. */
export function makeRepo(dir: string, files: Record<string, string> = { 'README.md': '# demo\n' }): string {
  git(dir, 'init', '-q', '-b', 'main');
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'initial');
  return dir;
}
