#!/usr/bin/env node
// `npm start`: the Electron app in development; browser mode when Electron's binary is absent.
import { build, electronBinary, foreground } from './lib.mjs';
import { prepareElectronSqlite } from './electron-sqlite.mjs';

const electron = electronBinary();
if (electron.path) {
  const binding = prepareElectronSqlite();
  foreground('npx', ['electron-vite', 'dev', ...process.argv.slice(2)], { ...process.env, BATON_SQLITE_BINDING: binding });
} else {
  console.log(`baton: Electron's binary is not installed (${electron.why}).`);
  console.log('baton: starting browser mode instead: the same app, served on 127.0.0.1 with a token.');
  console.log('baton: to get the desktop window, reinstall without ELECTRON_SKIP_BINARY_DOWNLOAD on a networked machine.\n');
  build();
  foreground(process.execPath, ['out/main/serve.js', ...process.argv.slice(2)]);
}
