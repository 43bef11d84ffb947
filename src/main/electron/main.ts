import { app, BrowserWindow, dialog, ipcMain, protocol, session, shell, type WebContents } from 'electron';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerIpcAdapter } from '../api/ipc-adapter';
import { createCore } from '../app/core';
import { takeDataDir } from '../app/instance';
import { resolveDataDir } from '../app/paths';
import { APP_VERSION } from '../app/version';
import { startAppControl } from '../control';
import { NOTIFICATION_DEFAULTS } from '../../shared/contracts/app';
import { followInbox } from './attention';
import { mutedProjectsVia } from './notify-decide';
import { APP_ENTRY, APP_SCHEME, appResponseHeaders, externalLinkPrompt, externalUrl, isAppUrl, navigationDecision, permissionAllowed, resolveAppPath } from './policy';

const here = dirname(fileURLToPath(import.meta.url));
const rendererDir = join(here, '../renderer');
// Only `npm run dev` (electron-vite dev) sets it; a packaged app never loads from a server.
const rendererDevUrl = !app.isPackaged ? (process.env.ELECTRON_RENDERER_URL ?? null) : null;
const devOrigin = rendererDevUrl ? new URL(rendererDevUrl).origin : null;
const isTrustedUrl = (url: string): boolean => isAppUrl(url, devOrigin);

// Before `ready`, as Electron requires: app:// is standard (real origin, relative URLs) and secure (a secure context).
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

/** Serves out/renderer on app://baton/, with the one CSP header on every response; nothing outside it. */
function serveRenderer(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const target = request.method === 'GET' ? resolveAppPath(rendererDir, request.url) : ({ ok: false, status: 405 } as const);
    if (!target.ok) return new Response(null, { status: target.status, headers: appResponseHeaders('text/plain') });
    try {
      return new Response(await readFile(target.file), { headers: appResponseHeaders(target.contentType) });
    } catch {
      return new Response(null, { status: 404, headers: appResponseHeaders('text/plain') });
    }
  });
}

/** Opens an http(s) link in the user's browser, only after they confirm; anything else is dropped. */
async function offerExternal(parent: BrowserWindow | null, url: string): Promise<void> {
  const safe = externalUrl(url);
  if (!safe) return;
  const prompt = externalLinkPrompt(safe);
  const options = { type: 'question' as const, message: prompt.message, detail: prompt.detail, buttons: prompt.buttons, defaultId: 1, cancelId: 1, noLink: true };
  const r = parent ? await dialog.showMessageBox(parent, options) : await dialog.showMessageBox(options);
  if (r.response === 0) await shell.openExternal(safe);
}

/**
 * The window only ever shows our renderer: every way of navigating away (a link, a redirect, a subframe,
 * window.open) is refused; an http(s) link the user followed may open in their browser after a confirmation.
 */
function lockNavigation(win: BrowserWindow, contents: WebContents): void {
  // A main-frame navigation raises both will-frame-navigate and will-navigate (whichever cancels first
  // ends it): both refuse, and one confirmation is offered per link, not two.
  let offered: { url: string; at: number } | null = null;
  const guard = (e: { url: string; preventDefault(): void }, mainFrame: boolean): void => {
    const d = navigationDecision(e.url, devOrigin);
    if (d.action === 'allow') return;
    e.preventDefault();
    if (d.action !== 'ask_external' || !mainFrame) return;
    if (offered && offered.url === d.url && Date.now() - offered.at < 2000) return;
    offered = { url: d.url, at: Date.now() };
    void offerExternal(win, d.url);
  };
  contents.on('will-navigate', (e) => guard(e, true));
  contents.on('will-frame-navigate', (e) => guard(e, e.isMainFrame));
  // A redirect is never a link the user chose: refused unless it stays in the app, and nothing is offered.
  contents.on('will-redirect', (e) => guard(e, false));
  contents.setWindowOpenHandler(({ url }) => {
    void offerExternal(win, url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (e) => e.preventDefault());
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
  lockNavigation(win, win.webContents);
  void win.loadURL(rendererDevUrl ?? APP_ENTRY);
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
    // Every permission is refused, asked or merely checked, but the clipboard write of our Copy buttons (policy.ts).
    session.defaultSession.setPermissionCheckHandler((_wc, permission, origin) => permissionAllowed(permission, origin, devOrigin));
    session.defaultSession.setPermissionRequestHandler((_wc, permission, callback, details) => callback(permissionAllowed(permission, details.requestingUrl, devOrigin)));
    serveRenderer();
    registerIpcAdapter({ ipcMain, router: core.router, hub: core.hub, ctx: { via: 'ipc' }, isTrustedUrl });
    followInbox(core.hub, {
      mutedProjects: () => mutedProjectsVia(core.router, { via: 'ipc' }),
      sound: () => core.settings().notificationSound ?? NOTIFICATION_DEFAULTS.notificationSound,
      createWindow: () => {
        const win = createWindow();
        return new Promise((res) => win.once('ready-to-show', () => res(win)));
      },
    });
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
