/** Where a terminal opens (a project's main checkout, a worktree, a session's worktree) and what its shell gets: program, arguments, environment. */
import { statSync } from 'node:fs';
import { basename, isAbsolute, posix, resolve } from 'node:path';
import { fail, ok, type Result } from '../../shared/result';
import { LOGIN_SHELL } from './host-port';

export interface PlaceDeps {
  project(id: string): { id: string; name: string; path: string; host?: { kind: 'local' } | { kind: 'ssh'; destination: string } } | null;
  worktree(id: string): { id: string; projectId: string; name: string; path: string; state: string } | null;
  session(id: string): { id: string; projectId: string; worktreeId: string | null; cwd: string; title: string } | null;
}

export interface Place {
  projectId: string;
  worktreeId: string | null;
  /** The checkout's root: a worktree's folder, or the project's own. */
  root: string;
  cwd: string;
  /** A short name for titles: the worktree's name, or "main". */
  label: string;
  /** The SSH destination the checkout is on (the terminal runs there), or null for this machine. */
  destination: string | null;
}

/** Resolves what `open` names into a checkout and a working folder that exists. */
export function resolvePlace(deps: PlaceDeps, q: { projectId?: string; worktreeId?: string; sessionId?: string; cwd?: string }): Result<Place> {
  let projectId = q.projectId;
  let worktreeId = q.worktreeId ?? null;
  let fallbackCwd: string | null = null;
  if (q.sessionId) {
    const s = deps.session(q.sessionId);
    if (!s) return fail('session_not_found', `There is no session with id ${q.sessionId}.`);
    if (projectId && projectId !== s.projectId) return fail('invalid_input', `Session ${q.sessionId} belongs to another project.`);
    projectId = s.projectId;
    worktreeId = s.worktreeId;
    fallbackCwd = s.cwd;
  }
  let root: string;
  let label: string;
  if (worktreeId) {
    const w = deps.worktree(worktreeId);
    if (!w) return fail('worktree_not_found', `There is no worktree with id ${worktreeId}.`);
    if (projectId && projectId !== w.projectId) return fail('invalid_input', `Worktree ${worktreeId} belongs to another project.`);
    if (w.state !== 'active') return fail('worktree_released', `The worktree "${w.name}" is ${w.state}; open the terminal in the project's main checkout or another worktree.`);
    projectId = w.projectId;
    root = w.path;
    label = w.name;
  } else {
    if (!projectId) return fail('invalid_input', 'Name a project, a worktree or a session to open the terminal in.');
    const p = deps.project(projectId);
    if (!p) return fail('project_not_found', `There is no project with id ${projectId}.`);
    root = fallbackCwd ?? p.path;
    label = fallbackCwd ? basename(fallbackCwd) : 'main';
  }
  const project = deps.project(projectId);
  if (!project) return fail('project_not_found', `There is no project with id ${projectId}.`);
  // On an SSH project the folder is a path of the destination: it is not looked for here, and its host there says
  // if it is missing (the shell cannot start in it), as a local host does.
  if (project.host?.kind === 'ssh') {
    const cwd = q.cwd ? (posix.isAbsolute(q.cwd) ? q.cwd : posix.resolve(root, q.cwd)) : root;
    return ok({ projectId, worktreeId, root, cwd, label, destination: project.host.destination });
  }
  const cwd = q.cwd ? (isAbsolute(q.cwd) ? q.cwd : resolve(root, q.cwd)) : root;
  try {
    if (!statSync(cwd).isDirectory()) return fail('invalid_cwd', `${cwd} is not a folder; name a folder to open the terminal in.`);
  } catch {
    return fail('invalid_cwd', `The folder ${cwd} does not exist; create it or open the terminal elsewhere.`);
  }
  return ok({ projectId, worktreeId, root, cwd, label, destination: null });
}

/** Main's own variables that a person's shell must not inherit (Electron's mode, Baton's internals and tokens). */
const DROPPED = /^(ELECTRON_|BATON_|VITEST|NODE_OPTIONS$)/;

/** The shell's environment: the person's own, the project's configured variables, and a terminal type xterm.js speaks. */
export function shellEnv(base: NodeJS.ProcessEnv | Record<string, string>, project: Record<string, string>, terminalId: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined && !DROPPED.test(k)) env[k] = v;
  return { ...env, ...project, TERM: 'xterm-256color', COLORTERM: 'truecolor', BATON_TERMINAL_ID: terminalId };
}

/** The person's login shell ($SHELL), else /bin/sh; a run terminal runs the command line through it. */
export function shellCommand(base: NodeJS.ProcessEnv, runCommand?: string): { command: string; args: string[] } {
  const shell = base.SHELL && (isAbsolute(base.SHELL) || base.SHELL === LOGIN_SHELL) ? base.SHELL : '/bin/sh';
  return runCommand ? { command: shell, args: ['-c', runCommand] } : { command: shell, args: [] };
}
