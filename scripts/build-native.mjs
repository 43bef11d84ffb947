#!/usr/bin/env node
// The native session host: native/host/*.c compiled into out/native/baton-host. `npm run build` runs this after
// electron-vite; scripts/lib.mjs's build and the tests' buildOnce call buildNative. Sessions run it only when
// BATON_HOST_RUNTIME (or a launch) asks for it, so a machine without a C compiler still builds and runs Baton:
// that is one line and exit 0. A C file that does not compile is a failed build, never a silently older binary.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const NATIVE_SOURCE_DIR = join(ROOT, 'native', 'host');
export const NATIVE_HOST_BINARY = join(ROOT, 'out', 'native', 'baton-host');
export const CFLAGS = ['-O2', '-std=c11', '-D_GNU_SOURCE', '-Wall', '-Wextra', '-Werror', '-pthread'];

/** The newest mtime of every file under dir (0 for none). */
function newestMtime(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);

/** `CC` as the shell's ${CC:-cc} would run it: a command and any words after it (`ccache gcc`). */
function compiler(env) {
  const words = (env.CC ?? '').trim().split(/\s+/).filter(Boolean);
  return words.length ? words : ['cc'];
}

/** A path inside the repository as the repository names it; any other in full. */
const rel = (p) => (relative(ROOT, p).startsWith('..') ? p : relative(ROOT, p));

/**
 * Builds the native host when its sources are newer than the binary (or this script, whose flags it was built
 * with). Returns `{ built, path, compiled, reason? }`: built means an up-to-date binary is at `path`; compiled
 * means this call made it. A compile error comes back as `{ built: false, failed: true, reason, output }`.
 * A binary older than its sources that cannot be rebuilt is removed: nothing may run a stale host.
 */
export function buildNative({ sourceDir = NATIVE_SOURCE_DIR, out = NATIVE_HOST_BINARY, env = process.env, platform = process.platform } = {}) {
  const not = (reason) => ({ built: false, path: out, compiled: false, reason });
  if (platform !== 'linux') return not(`it is built on Linux only (this is ${platform})`);
  const sources = existsSync(sourceDir) ? readdirSync(sourceDir).filter((f) => f.endsWith('.c')).sort() : [];
  if (sources.length === 0) return not(`no C sources in ${rel(sourceDir)}`);
  if (mtime(out) > Math.max(newestMtime(sourceDir), mtime(fileURLToPath(import.meta.url)))) return { built: true, path: out, compiled: false };
  const [cc, ...ccArgs] = compiler(env);
  const probe = spawnSync(cc, [...ccArgs, '--version'], { stdio: 'ignore', env });
  if (probe.error || probe.status !== 0) {
    rmSync(out, { force: true });
    return not(`no C compiler found (${cc}${probe.error ? `: ${probe.error.code ?? probe.error.message}` : ''}); install one or set CC`);
  }
  mkdirSync(dirname(out), { recursive: true });
  // Renamed into place once complete (atomically replacing the old one, which another process may be running):
  // nothing ever picks up a half-written binary, and a parallel build never leaves a moment with none.
  const tmp = `${out}.${process.pid}.tmp`;
  const r = spawnSync(cc, [...ccArgs, ...CFLAGS, '-o', tmp, ...sources.map((f) => join(sourceDir, f))], { encoding: 'utf8', env });
  if (r.error || r.status !== 0) {
    rmSync(tmp, { force: true });
    rmSync(out, { force: true });
    const output = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() || (r.error ? r.error.message : `${cc} exited with ${r.status ?? r.signal}`);
    return { built: false, path: out, compiled: false, failed: true, reason: `${cc} failed on ${rel(sourceDir)}`, output };
  }
  renameSync(tmp, out);
  return { built: true, path: out, compiled: true };
}

/** buildNative, saying what happened as `npm run build` shows it: nothing when up to date, the compiler's output when it failed. */
export function buildNativeReported() {
  const r = buildNative();
  if (r.failed) {
    console.error(r.output);
    console.error(`baton: the native session host did not compile (${r.reason}); fix the error above.`);
  } else if (!r.built) console.log(`baton: the native session host was not built (${r.reason}); sessions use the Node host.`);
  else if (r.compiled) console.log(`baton: built the native session host (${rel(r.path)}).`);
  return r;
}

/**
 * A build for hunting memory errors: AddressSanitizer and UBSan, their reports written under `logDir` (a host runs
 * detached with its stdio ignored and a minimal environment, so ASAN_OPTIONS would never reach it: the options
 * are compiled in). Run the suites on it with BATON_NATIVE_HOST=<the path printed>; a file appearing in `logDir`
 * is a finding. Never the default build: it is slow and large.
 */
export function buildSanitized(logDir) {
  const dir = resolve(logDir);
  mkdirSync(dir, { recursive: true });
  const out = join(ROOT, 'out', 'native', 'baton-host-sanitized');
  const options = join(dir, 'sanitizer-options.c');
  writeFileSync(
    options,
    `const char *__asan_default_options(void) { return "detect_leaks=0:log_path=${join(dir, 'asan')}"; }\n` +
      `const char *__ubsan_default_options(void) { return "print_stacktrace=1:log_path=${join(dir, 'ubsan')}"; }\n`,
  );
  const [cc, ...ccArgs] = compiler(process.env);
  const sources = readdirSync(NATIVE_SOURCE_DIR).filter((f) => f.endsWith('.c')).map((f) => join(NATIVE_SOURCE_DIR, f));
  mkdirSync(dirname(out), { recursive: true });
  const flags = ['-g', '-O1', '-fsanitize=address,undefined', '-fno-omit-frame-pointer', '-std=c11', '-D_GNU_SOURCE', '-Wall', '-Wextra', '-pthread'];
  const r = spawnSync(cc, [...ccArgs, ...flags, '-o', out, ...sources, options], { stdio: 'inherit' });
  if (r.error || r.status !== 0) {
    console.error(`baton: the sanitized native host did not build (${r.error ? r.error.message : `${cc} exited with ${r.status}`}).`);
    return false;
  }
  console.log(`baton: built ${rel(out)}; its reports go to ${dir}. Run with BATON_NATIVE_HOST=${out}`);
  return true;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--sanitize');
  if (i >= 0) process.exit(buildSanitized(process.argv[i + 1] ?? 'test-results/native-sanitizer') ? 0 : 1);
  if (buildNativeReported().failed) process.exit(1);
}
