#!/usr/bin/env node
// Child of `npm start` (scripts/electron-fetch.mjs): fetches Electron's binary, which
// npm install skipped (package.json denies Electron's install script so that an
// offline install succeeds). It downloads through @electron/get with the same
// options as node_modules/electron/install.js, printing percent, then runs that
// install.js, which finds the file in @electron/get's cache and unpacks it.
// Usage: node scripts/fetch-electron.mjs <electron package dir>
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const electronDir = process.argv[2];
const require = createRequire(import.meta.url);
const { version } = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8'));
// Electron's own dependency, found from its package first (npm may nest it there), then from ours.
const { downloadArtifact } = require(require.resolve('@electron/get', { paths: [electronDir, dirname(fileURLToPath(import.meta.url))] }));

let shown = -1;
try {
  await downloadArtifact({
    version,
    artifactName: 'electron',
    cacheRoot: process.env.electron_config_cache,
    checksums: JSON.parse(readFileSync(join(electronDir, 'checksums.json'), 'utf8')),
    platform: process.env.npm_config_platform || process.platform,
    arch: process.env.npm_config_arch || process.arch,
    downloadOptions: {
      // Our own percent lines instead of @electron/get's bar, which appears only after 30 s.
      quiet: true,
      getProgressCallback: (p) => {
        const pct = Math.floor(p.percent * 100);
        if (pct >= shown + 10 || (pct === 100 && shown !== 100)) {
          shown = pct;
          const mb = p.total ? ` of ${Math.round(p.total / 1e6)} MB` : '';
          console.log(`baton: downloading Electron ${version}: ${pct}%${mb}`);
        }
      },
    },
  });
} catch (e) {
  // One line for the parent to quote: the first line of the error (ENOTFOUND github.com, a 404…).
  console.error(`fetch-failed: ${String(e instanceof Error ? e.message : e).split('\n')[0]}`);
  process.exit(1);
}
const r = spawnSync(process.execPath, [join(electronDir, 'install.js')], { stdio: 'inherit', env: { ...process.env, ELECTRON_GET_NO_PROGRESS: '1' } });
if (r.status !== 0) {
  console.error(`fetch-failed: unpacking the download failed (node_modules/electron/install.js exited with ${r.status ?? r.signal})`);
  process.exit(1);
}
