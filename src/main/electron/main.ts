import { app, BrowserWindow, dialog, ipcMain, session, shell } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { registerIpcAdapter } from '../api/ipc-adapter';
import { CONTENT_SECURITY_POLICY } from '../api/security';
import { createCore } from '../app/core';
import { takeDataDir } from '../app/instance';
import { resolveDataDir } from '../app/paths';
import { APP_VERSION } from '../app/version';
import { startAppControl } from '../control';

const here = dirname(fileURLToPath(import.meta.url));
const rendererDevUrl = process.env.ELECTRON_RENDERER_URL;
const rendererFile = join(here, '../renderer/index.html');

function isTrustedUrl(url: string): boolean {
  if (rendererDevUrl && !app.isPackaged) return url.startsWith(new URL(rendererDevUrl).origin + '/');
  return url.split(/[?#]/)[0] === pathToFileURL(rendererFile).href;
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 880,
    minHeight: 560,
    title: 'Baton',
    show: false,
    icon: join(here, '../../resources/icon.png'),
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  // Navigation is locked: the window only ever shows our renderer; links open in the user's browser.
  win.webContents.on('will-navigate', (e, url) => {
    if (!isTrustedUrl(url)) e.preventDefault();
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-attach-webview', (e) => e.preventDefault());
  if (rendererDevUrl && !app.isPackaged) void win.loadURL(rendererDevUrl);
  else void win.loadFile(rendererFile);
  return win;
}

// Electron's own lock covers one userData; ours covers the data dir (BATON_HOME, or `npm run serve` on the same one).
const dataDir = resolveDataDir(undefined, app.getPath('userData'));
const taken = app.requestSingleInstanceLock() ? takeDataDir(dataDir, { kind: 'electron', version: APP_VERSION }) : null;
if (!taken) {
  app.quit();
} else if (!taken.ok) {
  console.error(taken.line);
  dialog.showErrorBox('Baton cannot start', taken.line.replace(/^baton: /, ''));
  app.exit(1);
} else {
  const lock = taken.lock;
  const pickFolder = async (title: string): Promise<string | null> => {
    const parent = BrowserWindow.getFocusedWindow();
    const options = { title, properties: ['openDirectory' as const] };
    const r = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
    return r.canceled ? null : (r.filePaths[0] ?? null);
  };
  const core = createCore({ dataDir, mode: 'electron', version: APP_VERSION, pickFolder });
  // Listening before the window exists: `baton` works while the app starts; closed on quit before the database.
  const control = startAppControl({ dataDir, router: core.router, hub: core.hub, ctx: { via: 'ipc' }, version: APP_VERSION, onTool: (req) => core.callTool(req) });
  void control.then((c) => c.socket && lock.update({ controlSocket: c.socket }));

  void app.whenReady().then(() => {
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({
        responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
      });
    });
    registerIpcAdapter({ ipcMain, router: core.router, hub: core.hub, ctx: { via: 'ipc' }, isTrustedUrl });
    void core.recover().catch((e: unknown) => console.error('[baton] reconcile failed:', e));
    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });

  app.on('second-instance', () => {
    const [win] = BrowserWindow.getAllWindows();
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  // Quitting leaves agents working by default; the setting or the dialog may stop them. The database closes last.
  let quitting = false;
  app.on('before-quit', (e) => {
    if (quitting) return;
    e.preventDefault();
    quitting = true;
    void decideQuit()
      .then((choice) => {
        if (choice === 'cancel') {
          quitting = false;
          return;
        }
        return control
          .then((c) => c.close())
          .then(() => core.close({ stopAgents: choice === 'stop_all' }))
          .then(() => lock.release())
          .finally(() => app.exit(0));
      })
      .catch((err: unknown) => {
        console.error('[baton] quit failed:', err);
        app.exit(1);
      });
  });

  async function decideQuit(): Promise<'leave_running' | 'stop_all' | 'cancel'> {
    const behavior = core.settings().quitBehavior;
    const open = core.openSessionCount();
    if (open === 0 || behavior !== 'ask') return behavior === 'stop_all' ? 'stop_all' : 'leave_running';
    const parent = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
    const options = {
      type: 'question' as const,
      message: `${open} agent session${open === 1 ? ' is' : 's are'} still open.`,
      detail: 'Agents can keep working while Baton is closed; the board catches up when you open it again.',
      buttons: ['Quit and leave agents running', 'Stop all agents and quit', 'Cancel'],
      defaultId: 0,
      cancelId: 2,
      checkboxLabel: 'Remember my choice (change it in Settings)',
    };
    const r = parent ? await dialog.showMessageBox(parent, options) : await dialog.showMessageBox(options);
    const choice = (['leave_running', 'stop_all', 'cancel'] as const)[r.response] ?? 'cancel';
    if (r.checkboxChecked && choice !== 'cancel') await core.router.call('app.updateSettings', { quitBehavior: choice }, { via: 'ipc' });
    return choice;
  }
}
