import { spawn } from 'node:child_process';
import { cp, lstat, mkdir, realpath, symlink } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { CopyFile } from '../../shared/contracts/projects';
import { spawnErrorText, unusableEnvKeys, unusableEnvMessage } from '../lib/spawn-error';
import { withUserUmask } from '../lib/umask';

const LOG_LIMIT = 64 * 1024;
const COMMAND_TIMEOUT_MS = 10 * 60_000;

export interface SetupOutcome {
  ok: boolean;
  log: string;
}

/**
 * Prepares a new worktree: copies or links the configured files from the main
 * checkout, then runs the project's setup commands one by one. A failure is
 * recorded and shown; the worktree stays usable.
 */
export async function runSetup(opts: {
  repoPath: string;
  worktreePath: string;
  copyFiles: readonly CopyFile[];
  commands: readonly string[];
  env: NodeJS.ProcessEnv;
  onProgress?: (log: string) => void;
}): Promise<SetupOutcome> {
  let log = '';
  let ok = true;
  const append = (s: string) => {
    log = (log + s).slice(-LOG_LIMIT);
    opts.onProgress?.(log);
  };
  const realRepo = await realpath(opts.repoPath);

  for (const f of opts.copyFiles) {
    const source = join(realRepo, f.path);
    const target = join(opts.worktreePath, f.path);
    try {
      const real = await realpath(source);
      // A symlink inside the repository must not smuggle a file from elsewhere into every worktree.
      if (relative(realRepo, real).startsWith('..') || real === realRepo) throw new Error('it resolves outside the repository');
      await lstat(source);
      await mkdir(dirname(target), { recursive: true });
      if (f.mode === 'symlink') await symlink(real, target);
      else await cp(real, target, { recursive: true, errorOnExist: false, force: true });
      append(`✓ ${f.mode === 'symlink' ? 'linked' : 'copied'} ${f.path}\n`);
    } catch (e) {
      ok = false;
      append(`✗ could not ${f.mode} ${f.path}: ${(e as Error).message}\n`);
    }
  }

  const badEnv = opts.commands.length ? unusableEnvKeys(opts.env) : [];
  if (badEnv.length) {
    append(`✗ ${unusableEnvMessage(badEnv, 'Setup')}\n`);
    return { ok: false, log };
  }
  for (const command of opts.commands) {
    append(`$ ${command}\n`);
    const result = await runCommand(command, opts.worktreePath, opts.env, append);
    if (result !== 0) {
      ok = false;
      const how = typeof result === 'string' && !result.startsWith('signal') ? `could not run: ${result}` : `exited with ${result}`;
      append(`✗ ${how}; the remaining setup commands were skipped\n`);
      break;
    }
  }
  return { ok, log };
}

function runCommand(command: string, cwd: string, env: NodeJS.ProcessEnv, append: (s: string) => void): Promise<number | string> {
  // Setup commands are the user's own shell lines (e.g. `npm ci && make`), so they run in a shell, in the worktree.
  const [shell, flag] = process.platform === 'win32' ? ['cmd.exe', '/c'] : ['/bin/sh', '-c'];
  return new Promise((resolve) => {
    let child: ReturnType<typeof spawn>;
    try {
      // The files it makes are the user's: their umask, not Baton's private one.
      child = withUserUmask(() => spawn(shell, [flag, command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32' }));
    } catch (e) {
      resolve(spawnErrorText(e));
      return;
    }
    const timer = setTimeout(() => {
      append(`✗ timed out after ${COMMAND_TIMEOUT_MS / 60_000} minutes\n`);
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, COMMAND_TIMEOUT_MS);
    child.stdout?.on('data', (d: Buffer) => append(d.toString()));
    child.stderr?.on('data', (d: Buffer) => append(d.toString()));
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve(spawnErrorText(e));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? `signal ${signal ?? 'unknown'}`);
    });
  });
}

export const isInside = (child: string, parent: string): boolean => child === parent || child.startsWith(parent + sep);
