/** The launch request main sends to the remote helper over ssh, and its check on the remote side. */
import { isRecordObject, type AgentLaunch } from '../../host/protocol';

export interface RemoteLaunch extends AgentLaunch {
  fsyncIntervalMs?: number;
  readyTimeoutMs?: number;
  /** Environment names the launch sets on purpose and the remote must not replace with its own (PATH, HOME). */
  keepEnv?: string[];
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** The request, or a message naming its first bad field. */
export function parseRemoteLaunch(raw: unknown): RemoteLaunch | string {
  if (!isRecordObject(raw)) return 'the launch request is not a JSON object';
  for (const k of ['sessionId', 'dataDir', 'cwd', 'command'] as const) if (typeof raw[k] !== 'string' || raw[k] === '') return `"${k}" must be a non-empty string`;
  if (!isStrings(raw.args)) return '"args" must be an array of strings';
  if (!isRecordObject(raw.env) || !Object.values(raw.env).every((v) => typeof v === 'string')) return '"env" must map names to strings';
  if (raw.keepEnv !== undefined && !isStrings(raw.keepEnv)) return '"keepEnv" must be an array of strings';
  if (raw.secretEnv !== undefined && !isStrings(raw.secretEnv)) return '"secretEnv" must be an array of strings';
  for (const k of ['fsyncIntervalMs', 'readyTimeoutMs'] as const) if (raw[k] !== undefined && (typeof raw[k] !== 'number' || !Number.isFinite(raw[k]) || (raw[k] as number) < 0)) return `"${k}" must be a number >= 0`;
  return {
    sessionId: raw.sessionId as string,
    dataDir: raw.dataDir as string,
    cwd: raw.cwd as string,
    command: raw.command as string,
    args: raw.args,
    env: raw.env as Record<string, string>,
    ...(raw.fsyncIntervalMs !== undefined ? { fsyncIntervalMs: raw.fsyncIntervalMs as number } : {}),
    ...(raw.readyTimeoutMs !== undefined ? { readyTimeoutMs: raw.readyTimeoutMs as number } : {}),
    ...(raw.keepEnv !== undefined ? { keepEnv: raw.keepEnv } : {}),
    ...(raw.secretEnv !== undefined ? { secretEnv: raw.secretEnv } : {}),
  };
}
