import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { MIN_TOKEN_LENGTH } from './token';

/**
 * Browser mode's address, kept across restarts: an open tab reconnects by
 * itself only if the server comes back on the same port with the same token.
 * It lives in the private data directory (0600), beside the secrets it already holds.
 */
const BrowserState = z.object({
  port: z.number().int().min(1).max(65535),
  token: z.string().min(MIN_TOKEN_LENGTH),
});
export type BrowserState = z.infer<typeof BrowserState>;

export const browserStatePath = (dataDir: string): string => join(dataDir, 'browser.json');

/** The address the last run used, or null when there is none (first start, or a file we cannot read: a new address then). */
export function readBrowserState(dataDir: string): BrowserState | null {
  try {
    const parsed = BrowserState.safeParse(JSON.parse(readFileSync(browserStatePath(dataDir), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Written whole (temp file, then rename): a crash mid-write leaves the old address, never half of one. */
export function writeBrowserState(dataDir: string, state: BrowserState): void {
  const path = browserStatePath(dataDir);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state) + '\n', { mode: 0o600 });
  renameSync(tmp, path);
}

export interface LaunchAddress {
  /** The port to try first (0: whichever is free). */
  port: number;
  /** True when that port is only what the last run used: taken now, another free one will do. */
  portIsPreference: boolean;
  token: string;
  /** The token to remember for the next start: a token given with --token/BATON_TOKEN is the caller's, never written. */
  tokenToKeep: string;
}

/**
 * --port and --token/BATON_TOKEN win for this run; otherwise the last run's
 * port and token, so an open tab finds its server again; otherwise fresh ones.
 */
export function chooseLaunchAddress(opts: { port: number | null; token: string | null; stored: BrowserState | null; fresh: () => string }): LaunchAddress {
  const keep = opts.stored?.token ?? opts.fresh();
  const port = opts.port ?? opts.stored?.port ?? 0;
  return {
    port,
    portIsPreference: opts.port === null && port !== 0,
    token: opts.token ?? keep,
    tokenToKeep: keep,
  };
}
