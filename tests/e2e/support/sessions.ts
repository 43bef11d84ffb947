import { expect, type Locator, type Page } from '@playwright/test';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPidAlive } from '../../../src/main/host/proc';
import { killSessionProcesses } from '../../support/hosts';
import { until } from '../../support/wait';
import { SCRIPTED_AGENT } from '../../support/scripted';

/** The custom agent command line that runs the scripted ACP agent with `scriptPath`. */
const scriptedAgentCommand = (scriptPath: string): string => `"${process.execPath}" "${SCRIPTED_AGENT}" --script "${scriptPath}"`;

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

/** The project's orchestrator card, on the Board and the Tasks tabs. */
export const orchestratorCard = (page: Page): Locator => page.getByTestId('orchestrator-card');

/** Starts a session with the custom (scripted) agent and waits for its view. */
export async function startSession(page: Page, prompt: string): Promise<void> {
  await page.getByRole('button', { name: 'New session' }).click();
  const dialog = page.getByTestId('new-session-dialog');
  await dialog.getByRole('combobox', { name: /^Agent/ }).selectOption('custom');
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

/** Every terminal host this data dir started (they outlive the server by design), ended with SIGTERM: it reaps its shell. */
async function killTerminalHosts(dataDir: string): Promise<void> {
  const dir = join(dataDir, 'terminals');
  const pids = (existsSync(dir) ? readdirSync(dir) : [])
    .map((id) => join(dir, id, 'host.json'))
    .filter((f) => existsSync(f))
    .map((f) => (JSON.parse(readFileSync(f, 'utf8')) as { pid: number }).pid)
    .filter(ours(dataDir));
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // Gone already.
    }
  }
  await until(() => pids.every((p) => !isPidAlive(p)), 'the terminal hosts to end');
}

/** Cleanup: every host (session hosts and their agents, terminal hosts) the data directory knows of. */
export async function killAllHosts(dataDir: string): Promise<void> {
  for (const id of sessionIds(dataDir)) await killHost(dataDir, id);
  await killTerminalHosts(dataDir);
}
