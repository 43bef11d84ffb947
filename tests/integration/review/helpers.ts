import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import type { ProjectSummary } from '../../../src/shared/contracts/projects';
import { git, makeRepo, type Harness } from '../../support/core-harness';
import { readyForPrompt, scriptedCommand, waitUntil } from '../../support/scripted';

export { git };

/** A script whose every turn just answers: the agent is there to own a worktree. */
export const QUIET_SCRIPT = { default: { steps: [{ type: 'text', text: 'ok' }] } };

export function write(dir: string, name: string, content: string | Buffer): void {
  mkdirSync(dirname(join(dir, name)), { recursive: true });
  writeFileSync(join(dir, name), content);
}

/** Porcelain status including untracked files: what a person would see in their checkout. */
export const statusOf = (dir: string): string => git(dir, 'status', '--porcelain=v1', '--untracked-files=all');

export interface ReviewSetup {
  project: ProjectSummary;
  session: SessionSummary;
  repo: string;
  wt: string;
}

/** A real repository, a project on it and an idle worker session (scripted agent) with its worktree. */
export async function reviewSession(h: Harness, opts: { script?: unknown; files?: Record<string, string>; title?: string } = {}): Promise<ReviewSetup> {
  const repo = makeRepo(h.tempDir('baton-review-repo-'), opts.files ?? { 'README.md': '# demo\n', 'src/a.txt': lines(1, 40) });
  git(repo, 'config', 'user.name', 'Tester');
  git(repo, 'config', 'user.email', 'tester@example.com');
  const { project } = await h.must('projects.add', { path: repo, name: 'rev' });
  await h.must('projects.update', { id: project.id, patch: { workerAgent: 'custom', customCommand: scriptedCommand(h.tempDir(), opts.script ?? QUIET_SCRIPT) } });
  const created = await h.must('sessions.create', { projectId: project.id, prompt: 'Do the work', title: opts.title ?? 'Do the work' });
  const session = await waitUntil(() => h.must('sessions.get', { id: created.id }), readyForPrompt, 30_000, 'session idle');
  if (!session.worktreePath) throw new Error('no worktree');
  return { project, session, repo, wt: session.worktreePath };
}

export function lines(from: number, to: number): string {
  let s = '';
  for (let i = from; i <= to; i++) s += `line ${i}\n`;
  return s;
}

/** Stops every session and closes the harness. */
export async function teardown(h: Harness): Promise<void> {
  for (const s of await h.must('sessions.list', {})) {
    if (s.state !== 'stopped' && s.state !== 'failed') await h.call('sessions.stop', { id: s.id });
  }
  await h.cleanup();
}

/** Runs a program for assertions (no shell). */
export const run = (cwd: string, cmd: string, args: string[]): string => execFileSync(cmd, args, { cwd, encoding: 'utf8' });
