import { isHostDebugPoint } from './debug-point';
import { loadConfigFile } from './files';
import { isRecordObject, isStringArray, isStringMap, type HostConfig } from './protocol';


/** Checks the config's shape; a message naming the first bad field otherwise. */
export function parseConfig(raw: unknown): HostConfig | string {
  if (!isRecordObject(raw)) return 'the config is not a JSON object';
  if (raw.v !== 1) return `unsupported config version ${String(raw.v)}`;
  for (const k of ['sessionId', 'dataDir', 'cwd', 'command', 'socketPath', 'launchId'] as const) {
    if (typeof raw[k] !== 'string' || raw[k] === '') return `"${k}" must be a non-empty string`;
  }
  if (!/^[\w.-]{1,128}$/.test(raw.sessionId as string)) return '"sessionId" may hold only letters, digits, ".", "_" and "-"';
  if (!isStringArray(raw.args)) return '"args" must be an array of strings';
  if (!isStringMap(raw.env)) return '"env" must map names to strings';
  if (raw.secretEnv !== undefined && !isStringArray(raw.secretEnv)) return '"secretEnv" must be an array of names';
  const fsync = raw.fsyncIntervalMs ?? 100;
  if (typeof fsync !== 'number' || !Number.isFinite(fsync) || fsync < 0) return '"fsyncIntervalMs" must be a number >= 0';
  if (raw.agentUmask !== undefined && (!Number.isInteger(raw.agentUmask) || (raw.agentUmask as number) < 0 || (raw.agentUmask as number) > 0o777)) return '"agentUmask" must be an integer from 0 to 0o777';
  // A misspelt crash point must fail loudly: a fault-injection test that silently injects nothing proves nothing.
  if (raw.debugPoint !== undefined && (typeof raw.debugPoint !== 'string' || !isHostDebugPoint(raw.debugPoint))) return `"debugPoint" must name a host debug point, got ${JSON.stringify(raw.debugPoint)}`;
  return { ...(raw as unknown as HostConfig), fsyncIntervalMs: fsync };
}

/**
 * Reads `--config <path>` from argv. The file holds the agent's environment
 * (project secrets), so it is deleted as soon as it has been read.
 */
export function loadConfig(argv: string[]): HostConfig | string {
  return loadConfigFile(argv, 'usage: host --config <path to JSON config>', parseConfig);
}
