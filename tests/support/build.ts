import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Tests that spawn the built app rebuild it when any source is newer than the build. */
export function buildOnce(): void {
  const serve = resolve(root, 'out/main/serve.js');
  const stale = !existsSync(serve) || statSync(serve).mtimeMs < Math.max(newestMtime(join(root, 'src')), statSync(join(root, 'electron.vite.config.ts')).mtimeMs);
  if (stale) execFileSync('npx', ['electron-vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
}

/**
 * A private copy of the built main bundle (serve.js, host.js and their
 * chunks), for suites that restart the app hundreds of times: a rebuild of
 * out/ by another run in the same tree cannot pull files from under them.
 * It lives inside the repository so that bare imports still resolve from
 * its node_modules.
 */
export function snapshotBuild(): { serve: string; remove: () => void } {
  buildOnce();
  const dir = mkdtempSync(join(root, 'node_modules', '.baton-test-build-'));
  cpSync(join(root, 'out/main'), join(dir, 'main'), { recursive: true });
  return { serve: join(dir, 'main', 'serve.js'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
