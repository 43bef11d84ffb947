import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: a plain .mjs script module, without types.
import { buildNative } from '../../scripts/build-native.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** What scripts/build-native.mjs's buildNative answers. */
export interface NativeBuild {
  /** An up-to-date binary is at `path`. */
  built: boolean;
  path: string;
  /** Why there is none: not Linux, no C compiler, no sources, or (with `failed`) a compile error. */
  reason?: string;
  failed?: boolean;
  /** The compiler's output, when it failed. */
  output?: string;
}

/**
 * The native session host (out/native/baton-host), compiled again when native/host is newer than it; a binary
 * older than its sources is never left behind. A compile error throws unless the Node host is the one under
 * test (BATON_HOST_RUNTIME=node, the node-host project): the native host is the default, and a C file that
 * does not compile must fail the tests rather than leave them running the Node host unnoticed. BATON_NATIVE_HOST
 * names a binary built some other way (a sanitizer build, say): that one is used as it is.
 */
export function ensureNativeHost(): NativeBuild {
  const given = process.env.BATON_NATIVE_HOST;
  if (given) return existsSync(given) ? { built: true, path: given } : { built: false, path: given, reason: `${given}, from BATON_NATIVE_HOST, does not exist` };
  const r = (buildNative as () => NativeBuild)();
  if (r.failed && process.env.BATON_HOST_RUNTIME !== 'node') throw new Error(`The native session host did not compile (${r.reason}):\n${r.output}`);
  return r;
}

/** Tests that spawn the built app rebuild it (and the native host) when any source is newer than the build. */
export function buildOnce(): void {
  const serve = resolve(root, 'out/main/serve.js');
  const stale = !existsSync(serve) || statSync(serve).mtimeMs < Math.max(newestMtime(join(root, 'src')), statSync(join(root, 'electron.vite.config.ts')).mtimeMs);
  if (stale) execFileSync('npx', ['electron-vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  ensureNativeHost();
}

/**
 * A private copy of the built main bundle (serve.js, host.js and their
 * chunks) and of the native host beside it (dir/native, where the app looks
 * for it from dir/main), for suites that restart the app hundreds of times:
 * a rebuild of out/ by another run in the same tree cannot pull files from
 * under them. It lives inside the repository so that bare imports still
 * resolve from its node_modules.
 */
export function snapshotBuild(): { serve: string; remove: () => void } {
  buildOnce();
  const dir = mkdtempSync(join(root, 'node_modules', '.baton-test-build-'));
  cpSync(join(root, 'out/main'), join(dir, 'main'), { recursive: true });
  // Only the binary: a parallel build's half-written temp file beside it is not part of the build.
  const native = join(root, 'out/native/baton-host');
  if (existsSync(native)) cpSync(native, join(dir, 'native', 'baton-host'));
  return { serve: join(dir, 'main', 'serve.js'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
