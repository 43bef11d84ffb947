// better-sqlite3 is a native addon built for Node's ABI (tests, browser mode). Electron
// has its own ABI, so the desktop app loads a second copy built for Electron, kept apart
// under node_modules/.baton so that plain-Node runs keep working (docs/adr/0003-native-sqlite.md).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const require = createRequire(import.meta.url);

/** { binding } (the path of the Electron build of better_sqlite3.node), or { why } it could not be built. */
export function prepareElectronSqlite() {
  const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
  const source = dirname(require.resolve('better-sqlite3/package.json'));
  const target = resolve(`node_modules/.baton/better-sqlite3-electron-${electronVersion}`);
  const binding = join(target, 'build/Release/better_sqlite3.node');
  if (existsSync(binding)) return { binding };
  console.log(`baton: building better-sqlite3 for Electron ${electronVersion} (once)…`);
  mkdirSync(target, { recursive: true });
  cpSync(source, target, { recursive: true, filter: (p) => !p.includes(`${source}/build`) });
  const gyp = require.resolve('node-gyp/bin/node-gyp.js', { paths: [dirname(process.execPath) + '/../lib/node_modules/npm'] });
  const r = spawnSync(
    process.execPath,
    [gyp, 'rebuild', `--target=${electronVersion}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'],
    { cwd: target, stdio: 'inherit' },
  );
  if (r.status !== 0 || !existsSync(binding)) {
    return { why: 'better-sqlite3 could not be built for Electron (see above), so the desktop app cannot open its database' };
  }
  return { binding };
}
