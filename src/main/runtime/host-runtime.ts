/**
 * Which program runs a local session host: the Node host (out/main/host.js, from src/main/host) or its compiled
 * port (out/native/baton-host, built from native/host by scripts/build-native.mjs). Both take `--config <path>`,
 * read the same config, write the same files and speak the same socket protocol, so only the launch differs.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail, ok, type Result } from '../../shared/result';

export type HostRuntime = 'node' | 'native';

/**
 * The runtime when neither the launch nor BATON_HOST_RUNTIME names one: the native host (ADR 0034), about 2 MB a
 * session against the Node host's 50. Where it is not built (not Linux, no C compiler) sessions run on the Node
 * host without a word, since nobody asked for the native one.
 */
export const DEFAULT_HOST_RUNTIME: HostRuntime = 'native';

const HOST_RUNTIME_ENV = 'BATON_HOST_RUNTIME';
const NATIVE_HOST_ENV = 'BATON_NATIVE_HOST';
const NATIVE_HOST_FILE = 'baton-host';

const isHostRuntime = (v: unknown): v is HostRuntime => v === 'node' || v === 'native';

/** The runtime to use and whether someone asked for it (the launch or the environment) rather than took the default. */
export interface HostRuntimeChoice {
  runtime: HostRuntime;
  /** Where the choice came from: a missing native host is an error unless it is only the default. */
  from: 'option' | 'env' | 'default';
}

/** The launch's own choice, then BATON_HOST_RUNTIME, then the default; an unknown value in the environment is refused, not ignored. */
export function chooseHostRuntime(explicit: HostRuntime | undefined): Result<HostRuntimeChoice> {
  if (explicit) return ok({ runtime: explicit, from: 'option' });
  const env = process.env[HOST_RUNTIME_ENV];
  // Empty counts as unset, as `BATON_HOST_RUNTIME= npm start` means.
  if (!env) return ok({ runtime: DEFAULT_HOST_RUNTIME, from: 'default' });
  if (!isHostRuntime(env)) return fail('invalid_host_runtime', `${HOST_RUNTIME_ENV} is "${env}"; it must be "node" or "native" (or unset, for ${DEFAULT_HOST_RUNTIME} where it is built).`);
  return ok({ runtime: env, from: 'env' });
}

/**
 * Where the built native host is: BATON_NATIVE_HOST if set, else out/native beside the main bundle's folder,
 * found as findHostScript finds a script (from the bundle, from a chunk one level down, or from the sources in tests).
 */
function nativeHostPath(): string | null {
  const fromEnv = process.env[NATIVE_HOST_ENV];
  if (fromEnv) return fromEnv;
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '..', 'native', NATIVE_HOST_FILE), join(here, '..', '..', 'native', NATIVE_HOST_FILE), resolve(here, '../../../out/native', NATIVE_HOST_FILE)];
  return candidates.find((p) => existsSync(p)) ?? null;
}

/** The native host's binary, or `host_missing` saying what is missing and what to do about it. */
export function findNativeHost(from: HostRuntimeChoice['from']): Result<string> {
  // Asked for by the environment, the way back to Node is there too; a launch's own option is its caller's to change.
  const toNode = from === 'env' ? `set ${HOST_RUNTIME_ENV}=node` : null;
  if (process.platform !== 'linux') return fail('host_missing', `The native session host runs on Linux only (this is ${process.platform})${toNode ? `; ${toNode}` : ''}.`);
  const path = nativeHostPath();
  if (path && existsSync(path)) return ok(path);
  // Only BATON_NATIVE_HOST names a path that is not there; without it, no candidate was.
  const where = path ? `${path}, from ${NATIVE_HOST_ENV}` : `out/native/${NATIVE_HOST_FILE}`;
  return fail('host_missing', `The native session host was not found (${where}); run \`npm run build\` with a C compiler installed${toNode ? `, or ${toNode}` : ''}.`);
}
