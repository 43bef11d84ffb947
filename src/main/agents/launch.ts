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
 * resolved exactly as a launch resolves it; null when it cannot be resolved
 * (not installed, bad command line): then only the harness can be compared.
 */
export function configuredLaunch(harness: HarnessId, customCommand: string): string | null {
  const resolved = resolveHarness(harness, customCommand);
  return resolved.ok ? launchFingerprint(harness, resolved.value) : null;
}
