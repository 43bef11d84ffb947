import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../api/security';

/**
 * The desktop window's security decisions, as pure functions: no electron
 * import, so they are unit-tested under plain Node. main.ts only wires them to
 * Electron's hooks.
 *
 * The renderer is served from `app://baton/` (a privileged, standard, secure
 * scheme) rather than file://: every response then comes from one handler that
 * sets one CSP header, the origin is a real one (file:// origins are opaque and
 * every local file shares them), and nothing outside out/renderer is reachable.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'baton';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/**
 * The CSP of every app:// response: browser mode's policy (one policy for both
 * modes). The renderer needs its own scripts and stylesheet, inline styles
 * (React style props, markdown), data: images and fonts, and no connections
 * at all in the desktop window: it talks to main over IPC, not fetch or a
 * WebSocket, so connect-src 'self' allows only app:// itself.
 */
export const APP_CSP = CONTENT_SECURITY_POLICY;

/** Whether `url` is the app's own renderer: app://baton/…, or the Vite dev server's origin under `npm run dev`. */
export function isAppUrl(url: string, devOrigin?: string | null): boolean {
  const u = parse(url);
  if (!u) return false;
  if (u.protocol === `${APP_SCHEME}:`) return u.host === APP_HOST;
  return !!devOrigin && u.origin === devOrigin;
}

/**
 * The link to offer to open in the user's browser, or null when it must not
 * leave the app at all: only http(s), and never with credentials in it
 * (`https://bank.com@evil.example` reads as the bank and goes elsewhere).
 */
export function externalUrl(url: string): string | null {
  const u = parse(url);
  if (!u || (u.protocol !== 'https:' && u.protocol !== 'http:')) return null;
  if (u.username || u.password || !u.hostname) return null;
  return u.href;
}

export type NavigationDecision = { action: 'allow' } | { action: 'deny' } | { action: 'ask_external'; url: string };

/**
 * A navigation of the window (a link, a redirect, a frame): allowed only within
 * the app; an http(s) link may be opened in the browser once the user confirms;
 * anything else (file:, javascript:, data:, custom handlers) is refused.
 */
export function navigationDecision(url: string, devOrigin?: string | null): NavigationDecision {
  if (isAppUrl(url, devOrigin)) return { action: 'allow' };
  const external = externalUrl(url);
  return external ? { action: 'ask_external', url: external } : { action: 'deny' };
}

/** What the confirmation dialog says: the host stands out, the whole address below it. */
export function externalLinkPrompt(url: string): { message: string; detail: string; buttons: [string, string] } {
  const u = new URL(url);
  return {
    message: `Open ${u.host} in your browser?`,
    detail: `${url}\n\nBaton opens links outside the app only after you confirm.`,
    buttons: ['Open in browser', 'Cancel'],
  };
}

/**
 * Whether the window may use a permission: no, except writing the clipboard
 * from our own renderer (its Copy buttons; `navigator.clipboard.writeText`
 * asks for it). Camera, microphone, location, reading the clipboard, and the
 * rest stay refused. Notifications may be added here later, from app:// only,
 * when the inbox uses them.
 */
export function permissionAllowed(permission: string, requestingUrl: string | undefined, devOrigin?: string | null): boolean {
  return permission === 'clipboard-sanitized-write' && !!requestingUrl && isAppUrl(requestingUrl, devOrigin);
}

export type AppFile = { ok: true; file: string; contentType: string } | { ok: false; status: 400 | 403 | 404 };

/**
 * The file under `root` that an app:// request names. Only app://baton/, only
 * GET-able paths inside root: `..` (plain or percent-encoded), absolute paths,
 * backslashes and NUL are refused, so no request reaches outside out/renderer.
 */
export function resolveAppPath(root: string, url: string): AppFile {
  const u = parse(url);
  if (!u || u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return { ok: false, status: 400 };
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return { ok: false, status: 400 };
  }
  if (path.includes('\0') || path.includes('\\')) return { ok: false, status: 400 };
  if (path === '/' || path === '') path = '/index.html';
  const base = resolve(root);
  const file = resolve(base, `.${path}`);
  const rel = relative(base, file);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return { ok: false, status: 403 };
  const contentType = CONTENT_TYPES[extname(file).toLowerCase()];
  return contentType ? { ok: true, file, contentType } : { ok: false, status: 404 };
}

/** What the renderer build contains; any other kind of file is not served. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

/** Headers of every app:// response. */
export function appResponseHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': APP_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}
