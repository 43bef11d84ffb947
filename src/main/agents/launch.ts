import { createHash } from 'node:crypto';
import type { HarnessId } from '../../shared/harness';
import { resolveHarness, type ResolvedAgent } from './harness';

/**
 * A short, stable digest of a whole launch: the harness, the command and
 * every argument. Two launches are the same agent started the same way iff
 * their fingerprints match. A digest, not the command line, because that line
 * can carry secrets (a token in an argument) and the project list is shown
 * everywhere.
 */
export function launchFingerprint(harness: string, launch: ResolvedAgent): string {
  return createHash('sha256').update(JSON.stringify([harness, launch.command, launch.args])).digest('hex').slice(0, 16);
}

/**
 * The fingerprint of what starting the project's orchestrator would run now,
 * resolved exactly as a launch resolves it. A custom command line that does
 * not resolve still gets one (of the line itself): it is not what the running
 * orchestrator was started with, so Restart needed shows, and Replace's
 * preflight says why it cannot start. A known harness that is not installed
 * gives null: nothing in the settings changed, so only the harness is compared.
 */
export function configuredLaunch(harness: HarnessId, customCommand: string): string | null {
  const resolved = resolveHarness(harness, customCommand);
  if (resolved.ok) return launchFingerprint(harness, resolved.value);
  return harness === 'custom' ? launchFingerprint(harness, { command: `unresolved:${customCommand}`, args: [] }) : null;
}
