import { expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killSessionProcesses } from '../../support/hosts';

export const SCRIPTED_AGENT = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/scripted-agent/agent.mjs');

const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@x' };

/** A one-commit git repository at `<work>/<name>`. */
export function makeRepo(work: string, name: string): string {
  const repo = join(work, name);
  mkdirSync(repo);
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: repo, env: gitEnv });
  writeFileSync(join(repo, 'README.md'), `# ${name}\n`);
  execFileSync('git', ['add', '-A'], { cwd: repo, env: gitEnv });
  execFileSync('git', ['commit', '-q', '-m', 'init'], { cwd: repo, env: gitEnv });
  return repo;
}

/** The custom agent command line that runs the scripted ACP agent with `scriptPath`. */
export const scriptedAgentCommand = (scriptPath: string): string => `"${process.execPath}" "${SCRIPTED_AGENT}" --script "${scriptPath}"`;

/** Which agent the project's settings name for each role (`custom` is the custom command). */
export interface ProjectAgents {
  orchestrator?: 'claude-code' | 'codex' | 'gemini' | 'custom';
  worker?: 'claude-code' | 'codex' | 'gemini' | 'custom';
}

/**
 * Adds the repository as a project whose custom agent is `command` (default:
 * the scripted agent running `scriptPath`), through the UI; `agents` also
 * picks the orchestrator and worker agents in the same save.
 */
export async function addProjectWithScriptedAgent(page: Page, repo: string, scriptPath: string, command = scriptedAgentCommand(scriptPath), agents: ProjectAgents = {}): Promise<void> {
  await page.getByTestId('projects-empty').getByRole('button', { name: 'Add project' }).click();
  await page.getByLabel('Repository folder').fill(repo);
  await expect(page.getByTestId('path-check')).toHaveAttribute('data-state', 'ok');
  await page.getByTestId('add-project-dialog').getByRole('button', { name: 'Add project' }).click();
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByLabel('Custom agent command').fill(command);
  if (agents.orchestrator) await page.getByLabel('Orchestrator agent').selectOption(agents.orchestrator);
  if (agents.worker) await page.getByLabel('Worker agent').selectOption(agents.worker);
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Saved')).toBeVisible();
}

/** Starts a session with the custom (scripted) agent and waits for its view. */
export async function startSession(page: Page, prompt: string): Promise<void> {
  await page.getByRole('button', { name: 'New session' }).click();
  const dialog = page.getByTestId('new-session-dialog');
  await dialog.getByLabel('Agent').selectOption('custom');
  await dialog.getByLabel('First prompt').fill(prompt);
  await dialog.getByRole('button', { name: 'Start session' }).click();
  await expect(page.getByTestId('session-view')).toBeVisible();
}

export const sessionIds = (dataDir: string): string[] => {
  const dir = join(dataDir, 'sessions');
  return existsSync(dir) ? readdirSync(dir) : [];
};

export const journalPath = (dataDir: string, sessionId: string): string => join(dataDir, 'sessions', sessionId, 'journal.jsonl');

/** Only processes this test started: a pid from an old host.json may belong to someone else by now. */
const ours = (dataDir: string) => (pid: number): boolean => {
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmd.includes(dataDir) || cmd.includes('scripted-agent');
  } catch {
    return false;
  }
};

/**
 * Kills a session's host, then its agent, with SIGKILL: a crash, not a stop,
 * so nothing gets journaled on the way out. Resolves once both are gone.
 */
export async function killHost(dataDir: string, sessionId: string): Promise<void> {
  await killSessionProcesses(dataDir, sessionId, { only: ours(dataDir), timeoutMs: 5_000 });
}

/** Cleanup: every host (and agent) the data directory knows of. */
export async function killAllHosts(dataDir: string): Promise<void> {
  for (const id of sessionIds(dataDir)) await killHost(dataDir, id);
}

/**
 * Puts an executable named like a real harness's binary (e.g.
 * `claude-agent-acp`) in `dir`, running the scripted agent with `scriptPath`,
 * so that switching a project to that harness is tested for real. A server
 * started with `dir` first on its PATH finds it.
 */
export function fakeHarnessBinary(dir: string, bin: string, scriptPath: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, bin);
  writeFileSync(path, `#!/bin/sh\nexec "${process.execPath}" "${SCRIPTED_AGENT}" --script "${scriptPath}" "$@"\n`);
  chmodSync(path, 0o755);
  return dir;
}
