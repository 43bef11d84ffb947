import { expect, test } from '@playwright/test';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { findChromium, HOW_TO_GET_CHROMIUM } from './support/chromium';
import { removeDir, startServer, stopServer, type RunningServer } from './support/server';

test.skip(!findChromium(), HOW_TO_GET_CHROMIUM);

/**
 * Another server on 127.0.0.1 (a dev server an agent started from an
 * untrusted repository, say) and the page it serves, in the same browser as
 * an open Baton tab: it must get no credential and no way in.
 */
let baton: RunningServer | null = null;
let other: Server | null = null;

test.afterEach(async () => {
  if (baton) {
    await stopServer(baton);
    removeDir(baton.dataDir);
    baton = null;
  }
  if (other) {
    other.closeAllConnections();
    await new Promise((r) => other?.close(r));
    other = null;
  }
});

/** A tiny server on another loopback port that records every request it gets. */
async function startOtherServer(): Promise<{ port: number; seen: { url: string; headers: IncomingHttpHeaders }[] }> {
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
  other = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end('<!doctype html><title>dev server</title><p>hello from a dev server</p>');
  });
  await new Promise<void>((r) => other?.listen(0, '127.0.0.1', () => r()));
  return { port: (other.address() as AddressInfo).port, seen };
}

interface Attempt {
  url: string;
  opened: boolean;
  messages: string[];
  closeCode: number | null;
}

test('a page on another loopback port gets no Baton credential and can neither call nor subscribe', async ({ context, page }) => {
  baton = await startServer();
  await page.goto(baton.url);
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'connected');
  // No cookie at all: the browser would send it to every port of 127.0.0.1.
  expect(await context.cookies()).toEqual([]);

  const dev = await startOtherServer();
  const devPage = await context.newPage();
  await devPage.goto(`http://127.0.0.1:${dev.port}/`);
  await expect(devPage.locator('p')).toHaveText('hello from a dev server');
  await devPage.goto(`http://localhost:${dev.port}/second`);

  // Every way in the page could try: no token, guessed tokens (in the URL and in an auth frame), even the
  // real one (as if it had leaked): the upgrade is refused for its origin before any frame is read.
  const attempts = await devPage.evaluate(
    async ({ batonPort, realToken }) => {
      const tryOne = (url: string, token: string | null) =>
        new Promise<Attempt>((resolve) => {
          const result: Attempt = { url, opened: false, messages: [], closeCode: null };
          const ws = new WebSocket(url);
          ws.onopen = () => {
            result.opened = true;
            if (token !== null) ws.send(JSON.stringify({ t: 'auth', token }));
            ws.send(JSON.stringify({ t: 'sub', name: 'sessions.changed' }));
            ws.send(JSON.stringify({ t: 'call', id: 1, name: 'projects.list', input: {} }));
          };
          ws.onmessage = (ev) => result.messages.push(String(ev.data));
          ws.onclose = (ev) => {
            result.closeCode = ev.code;
            resolve(result);
          };
        });
      const out: Attempt[] = [];
      for (const host of [`127.0.0.1:${batonPort}`, `localhost:${batonPort}`]) {
        out.push(await tryOne(`ws://${host}/ws`, null));
        out.push(await tryOne(`ws://${host}/ws?token=guess`, 'guess'));
        out.push(await tryOne(`ws://${host}/ws`, realToken));
      }
      let healthReadable = true;
      try {
        await (await fetch(`http://127.0.0.1:${batonPort}/api/health`, { credentials: 'include' })).text();
      } catch {
        healthReadable = false; // no CORS header: the answer is not this page's to read
      }
      return { out, healthReadable };
    },
    { batonPort: baton.port, realToken: baton.token },
  );
  for (const a of attempts.out) {
    expect(a, a.url).toMatchObject({ opened: false, messages: [] });
    expect(a.closeCode, a.url).toBe(1006); // refused during the handshake
  }
  expect(attempts.healthReadable).toBe(false);

  // What the dev server received: the page loads and whatever else the browser sent, none with a credential.
  expect(dev.seen.length).toBeGreaterThanOrEqual(2);
  for (const req of dev.seen) {
    expect(req.headers.cookie, req.url).toBeUndefined();
    expect(req.headers.authorization, req.url).toBeUndefined();
    const all = JSON.stringify(req).toLowerCase();
    expect(all, req.url).not.toContain(baton.token.toLowerCase());
    expect(all, req.url).not.toContain('token');
  }

  // Baton's own tab is untouched by all that, and a reload keeps it connected (the token lives in this tab's sessionStorage).
  await page.reload();
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'connected');
  expect(page.url()).not.toContain('token=');
  expect(await context.cookies()).toEqual([]);
});

test('a wrong token is told apart from a lost connection: the page says to open the printed address', async ({ page }) => {
  baton = await startServer();
  const wrong = new URL(baton.url);
  wrong.searchParams.set('token', 'not-the-token');
  await page.goto(wrong.toString());
  const state = page.getByTestId('connection-state');
  await expect(state).toHaveAttribute('data-state', 'disconnected');
  await expect(state).toContainText('Open the address it printed');
});
