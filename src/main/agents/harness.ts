import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import type { HarnessId } from '../../shared/harness';
import { fail, ok, type Result } from '../../shared/result';
import { splitCommandLine } from './command-line';

export interface ResolvedAgent {
  command: string;
  args: string[];
}

export interface HarnessSpec {
  bin: string;
  args: string[];
  npmPackage: string;
  install: string;
}

const npmSpec = (bin: string, args: string[], npmPackage: string): HarnessSpec => ({ bin, args, npmPackage, install: `npm install -g ${npmPackage}` });

/** How each known harness is started; `custom` is whatever command line the user gives. */
export const SPECS: Record<Exclude<HarnessId, 'custom'>, HarnessSpec> = {
  'claude-code': npmSpec('claude-agent-acp', [], '@agentclientprotocol/claude-agent-acp'),
  codex: npmSpec('codex-acp', [], '@agentclientprotocol/codex-acp'),
  gemini: npmSpec('gemini', ['--acp'], '@google/gemini-cli'),
};

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Finds a command on PATH (or checks an explicit path), like `which`. */
export function findExecutable(cmd: string, path = process.env.PATH ?? ''): string | null {
  if (cmd.includes('/') || isAbsolute(cmd)) return isExecutable(cmd) ? cmd : null;
  const exts = process.platform === 'win32' ? (process.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of path.split(delimiter).filter(Boolean)) {
    for (const ext of exts) {
      const full = join(dir, cmd + ext);
      if (isExecutable(full)) return full;
    }
  }
  return null;
}

/**
 * The harness's command as configured, not looked up here: for a project on another machine, whose PATH is
 * that machine's. The remote's bootstrap finds it there (or says how to install it) before the first launch.
 */
export function configuredHarness(id: HarnessId, customCommand = ''): Result<ResolvedAgent> {
  if (id === 'custom') {
    const split = splitCommandLine(customCommand);
    if (!split.ok) return fail('invalid_command', split.message);
    const [cmd = '', ...args] = split.argv;
    if (!cmd) return fail('invalid_command', "The project's custom agent command is empty. Set it in the project's settings.");
    return ok({ command: cmd, args });
  }
  return ok({ command: SPECS[id].bin, args: SPECS[id].args });
}

/** The harness's command for a project where it lives: looked up on this machine's PATH, or as configured for an SSH destination's. */
export function harnessFor(where: 'local' | 'ssh', id: HarnessId, customCommand = ''): Result<ResolvedAgent> {
  return where === 'ssh' ? configuredHarness(id, customCommand) : resolveHarness(id, customCommand);
}

export function resolveHarness(id: HarnessId, customCommand = ''): Result<ResolvedAgent> {
  if (id === 'custom') {
    const split = splitCommandLine(customCommand);
    if (!split.ok) return fail('invalid_command', split.message);
    const [cmd = '', ...args] = split.argv;
    const found = findExecutable(cmd);
    if (!found) return fail('agent_not_found', `"${cmd}" was not found on PATH. Check the custom command in the project's settings.`);
    return ok({ command: found, args });
  }
  const spec = SPECS[id];
  const found = findExecutable(spec.bin);
  if (!found) return fail('agent_not_found', `${spec.bin} is not installed on this machine. Install it with: ${spec.install}`);
  return ok({ command: found, args: spec.args });
}

export interface HarnessDetection {
  id: HarnessId;
  available: boolean;
  detail: string;
}

export function detectHarnesses(customCommand = ''): HarnessDetection[] {
  return (['claude-code', 'codex', 'gemini', 'custom'] as const).map((id) => {
    const r = resolveHarness(id, customCommand);
    return { id, available: r.ok, detail: r.ok ? `${r.value.command} ${r.value.args.join(' ')}`.trim() : r.error.message };
  });
}

/** What an agent's process gets: a minimal safe environment plus the project's own variables, never Baton's. */
export function agentEnvironment(projectEnv: Record<string, string>, base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const SAFE = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TERM', 'TMPDIR', 'TZ', 'SystemRoot', 'APPDATA', 'LOCALAPPDATA', 'USERPROFILE'];
  const env: Record<string, string> = {};
  for (const k of SAFE) {
    const v = base[k];
    if (typeof v === 'string') env[k] = v;
  }
  return { ...env, ...projectEnv };
}
