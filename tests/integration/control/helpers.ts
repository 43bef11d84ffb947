import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createCore } from '../../../src/main/app/core';
import { callerOf, stopAllSessions } from '../../support/core-harness';

export const BIN = resolve(__dirname, '../../../bin/baton.mjs');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The real `baton` command as a child process: argument array, never a shell. */
export function baton(args: readonly string[], opts: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((res, rej) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
    if (!opts.env?.BATON_HOME) delete env.BATON_HOME; // only --data-dir decides, unless a test says otherwise
    const proc = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      rej(new Error(`baton ${args.join(' ')} timed out\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, opts.timeoutMs ?? 60_000);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      res({ code, stdout, stderr });
    });
  });
}

/** Parses `--json` output, failing with everything the command said when it is not JSON. */
export function json<T>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${run.code}):\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
  }
}

/**
 * Headless runs leave their agents' hosts running, as they should; a test
 * stops them afterwards through a brain of its own on the same data dir.
 */
export async function stopAgents(dataDir: string): Promise<void> {
  const core = createCore({ dataDir, mode: 'browser', version: 'test' });
  try {
    await core.recover();
    await stopAllSessions(callerOf(core));
  } finally {
    await core.close();
  }
}
