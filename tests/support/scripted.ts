import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SCRIPTED_AGENT = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/scripted-agent/agent.mjs');

/** Writes a script for the scripted ACP agent and returns the custom command line that runs it. */
export function scriptedCommand(dir: string, script: unknown, name = 'script.json'): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(script));
  return `"${process.execPath}" "${SCRIPTED_AGENT}" --script "${path}"`;
}

/**
 * Puts an executable named like a real harness's binary (e.g.
 * `claude-agent-acp`) in `dir`, running the scripted agent with `scriptPath`,
 * so that switching a project to that harness is tested for real. A server
 * or core started with `dir` first on its PATH finds it. Returns `dir`.
 */
export function fakeHarnessBinary(dir: string, bin: string, scriptPath: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, bin);
  writeFileSync(path, `#!/bin/sh\nexec "${process.execPath}" "${SCRIPTED_AGENT}" --script "${scriptPath}" "$@"\n`);
  chmodSync(path, 0o755);
  return dir;
}

export { readyForPrompt, waitUntil } from './wait';
