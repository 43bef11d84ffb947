#!/usr/bin/env node
// `npm start`: the built desktop app; browser mode when Electron's binary is absent and cannot be fetched
// (scripts/electron-fetch.mjs decides). `npm run dev` is the same with the Vite dev server and hot reload.
import { chooseMode, RETRY_FLAG } from './electron-fetch.mjs';
import { prepareElectronSqlite } from './electron-sqlite.mjs';
import { build, buildNativeHost, foreground } from './lib.mjs';

const dev = process.argv.includes('--dev');
const force = process.argv.includes(RETRY_FLAG);
const args = process.argv.slice(2).filter((a) => a !== RETRY_FLAG && a !== '--dev');

const plan = await chooseMode({ force });
const sqlite = plan.mode === 'electron' ? prepareElectronSqlite() : null;
if (plan.mode === 'electron' && sqlite.binding) {
  const env = { ...process.env, BATON_SQLITE_BINDING: sqlite.binding };
  if (dev) {
    // electron-vite dev builds the bundles; the native host is not its to build.
    buildNativeHost();
    foreground('npx', ['electron-vite', 'dev', ...args], env);
  } else {
    build();
    foreground(plan.binary, ['.', ...args], env);
  }
} else {
  console.log(plan.mode === 'browser' ? plan.line : `baton: no desktop window: ${sqlite.why}; starting browser mode instead, which needs no rebuild.`);
  build();
  foreground(process.execPath, ['out/main/serve.js', ...args]);
}
