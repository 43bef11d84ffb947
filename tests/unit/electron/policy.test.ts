import { describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import {
  APP_CSP,
  APP_ENTRY,
  appResponseHeaders,
  externalLinkPrompt,
  externalUrl,
  isAppUrl,
  navigationDecision,
  permissionAllowed,
  resolveAppPath,
} from '../../../src/main/electron/policy';

const ROOT = resolve('/srv/baton/out/renderer');
const DEV = 'http://localhost:5173';

describe('app:// paths', () => {
  it.each([
    ['app://baton/', 'index.html', 'text/html; charset=utf-8'],
    ['app://baton/index.html', 'index.html', 'text/html; charset=utf-8'],
    ['app://baton/index.html?x=1#top', 'index.html', 'text/html; charset=utf-8'],
    ['app://baton/assets/index-DDYnsZnj.js', 'assets/index-DDYnsZnj.js', 'text/javascript; charset=utf-8'],
    ['app://baton/assets/index-_r4bedYC.css', 'assets/index-_r4bedYC.css', 'text/css; charset=utf-8'],
    ['app://baton/favicon.svg', 'favicon.svg', 'image/svg+xml'],
    ['app://baton/assets/a%20b.woff2', 'assets/a b.woff2', 'font/woff2'],
  ])('%s serves %s', (url, file, contentType) => {
    expect(resolveAppPath(ROOT, url)).toEqual({ ok: true, file: join(ROOT, file), contentType });
  });

  it.each([
    // `..` and `.` segments are removed by the URL parser itself; what survives it must still stay inside.
    ['app://baton/../../etc/passwd', 404],
    ['app://baton/..%2f..%2fetc%2fpasswd', 403],
    ['app://baton/assets/..%2F..%2F..%2Fmain%2Findex.js', 403],
    ['app://baton/..%5c..%5csecret.js', 400],
    ['app://baton/a%00.js', 400],
    ['app://baton/%E0%A4%A', 400],
    ['app://other/index.html', 400],
    ['file:///srv/baton/out/renderer/index.html', 400],
    ['app://baton/assets/', 404],
    ['app://baton/notes.txt', 404],
    ['not a url', 400],
  ])('%s is refused (%i)', (url, status) => {
    expect(resolveAppPath(ROOT, url)).toEqual({ ok: false, status });
  });

  it('treats encoded dot segments as the URL parser does: removed, so the file is inside the root', () => {
    expect(resolveAppPath(ROOT, 'app://baton/%2e%2e/%2e%2e/secret.json')).toMatchObject({ ok: true, file: join(ROOT, 'secret.json') });
  });

  it('never resolves outside the root, whatever the URL', () => {
    for (const url of ['app://baton/..%2f', 'app://baton/%2e%2e%2f%2e%2e%2fx.js', 'app://baton/assets/%2e%2e%2f%2e%2e%2fx.js', 'app://baton//etc/passwd.js']) {
      const r = resolveAppPath(ROOT, url);
      if (r.ok) expect(r.file.startsWith(ROOT + '/')).toBe(true);
    }
  });
});

describe('the CSP of every app:// response', () => {
  it('allows only the app itself: no remote script, no inline script, no connection elsewhere, no framing', () => {
    const directives = new Map(APP_CSP.split(';').map((d) => { const [k, ...v] = d.trim().split(/\s+/); return [k, v.join(' ')] as const; }));
    expect(directives.get('default-src')).toBe("'self'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('connect-src')).toBe("'self'");
    expect(directives.get('object-src')).toBe("'none'");
    expect(directives.get('frame-ancestors')).toBe("'none'");
    expect(directives.get('base-uri')).toBe("'none'");
    expect(APP_CSP).not.toMatch(/unsafe-eval|\*/);
    expect(appResponseHeaders('text/html')).toMatchObject({ 'Content-Security-Policy': APP_CSP, 'X-Content-Type-Options': 'nosniff', 'Content-Type': 'text/html' });
  });
});

describe('navigation', () => {
  it('stays in the app: its own pages are allowed, the dev server only when running it', () => {
    expect(navigationDecision(APP_ENTRY)).toEqual({ action: 'allow' });
    expect(navigationDecision('app://baton/index.html#/project/1')).toEqual({ action: 'allow' });
    expect(navigationDecision(`${DEV}/`, DEV)).toEqual({ action: 'allow' });
    expect(navigationDecision(`${DEV}/`)).toEqual({ action: 'ask_external', url: `${DEV}/` });
    expect(navigationDecision('app://evil/index.html')).toEqual({ action: 'deny' });
  });

  it('offers http(s) links to the browser (after a confirmation) and refuses everything else', () => {
    expect(navigationDecision('https://example.com/docs?q=1')).toEqual({ action: 'ask_external', url: 'https://example.com/docs?q=1' });
    expect(navigationDecision('http://example.com')).toEqual({ action: 'ask_external', url: 'http://example.com/' });
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,<script>1</script>', 'vscode://x', 'smb://host/share', 'mailto:a@b.c', 'ftp://host/x', 'about:blank', 'garbage']) {
      expect(navigationDecision(url)).toEqual({ action: 'deny' });
      expect(externalUrl(url)).toBeNull();
    }
  });

  it('refuses links whose credentials would make them read as another host', () => {
    expect(externalUrl('https://github.com@evil.example/login')).toBeNull();
    expect(externalUrl('https://user:pass@example.com/')).toBeNull();
  });

  it('the confirmation names the host and shows the whole address', () => {
    expect(externalLinkPrompt('https://example.com/a?b=1')).toEqual({
      message: 'Open example.com in your browser?',
      detail: 'https://example.com/a?b=1\n\nBaton opens links outside the app only after you confirm.',
      buttons: ['Open in browser', 'Cancel'],
    });
  });

  it('tells its own renderer from anything else (IPC trusts only it)', () => {
    expect(isAppUrl('app://baton/index.html')).toBe(true);
    expect(isAppUrl('app://baton.evil/index.html')).toBe(false);
    expect(isAppUrl('file:///srv/baton/out/renderer/index.html')).toBe(false);
    expect(isAppUrl(`${DEV}/index.html`, DEV)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', DEV)).toBe(false);
  });
});

describe('permissions', () => {
  it('refuses every permission but the clipboard write of our own Copy buttons', () => {
    expect(permissionAllowed('clipboard-sanitized-write', 'app://baton')).toBe(true);
    expect(permissionAllowed('clipboard-sanitized-write', 'app://baton/index.html')).toBe(true);
    expect(permissionAllowed('clipboard-sanitized-write', 'https://example.com')).toBe(false);
    expect(permissionAllowed('clipboard-sanitized-write', undefined)).toBe(false);
    for (const p of ['notifications', 'media', 'geolocation', 'clipboard-read', 'openExternal', 'fileSystem', 'hid', 'usb', 'serial', 'unknown']) {
      expect(permissionAllowed(p, 'app://baton')).toBe(false);
    }
  });
});
