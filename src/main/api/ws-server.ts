import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { ErrorCode } from '../../shared/errors';
import { ClientFrame, HTTP_PATHS, TOKEN_COOKIE, WIRE_VERSION, type ServerFrame } from '../../shared/wire';
import type { EventHub } from './events';
import type { Router } from './router';
import { CONTENT_SECURITY_POLICY, readCookie, tokensEqual } from './security';
import { readStatic } from './static-files';
import { describeZodError } from './validation';

export interface BrowserServerOptions<Ctx> {
  router: Router<Ctx>;
  hub: EventHub;
  ctx: Ctx;
  token: string;
  port?: number;
  /** The built renderer; without it only the API answers (tests). */
  staticDir?: string;
}

export interface BrowserServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

export const newToken = (): string => randomBytes(24).toString('base64url');

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

/**
 * Browser mode: serves the renderer and the contract over one WebSocket on
 * 127.0.0.1. The per-launch token gates the page, every asset, the socket and
 * every call; anything without it gets a bare 401.
 */
export async function startBrowserServer<Ctx>(opts: BrowserServerOptions<Ctx>): Promise<BrowserServer> {
  const { router, hub, ctx, token } = opts;
  const serverId = randomBytes(8).toString('hex');
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 * 1024 });
  const subscriptions = new Map<WebSocket, Set<string>>();
  let port = 0;

  const hostAllowed = (req: IncomingMessage): boolean => {
    const host = req.headers.host ?? '';
    return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
  };
  const tokenFrom = (req: IncomingMessage, url: URL): string | undefined =>
    url.searchParams.get('token') ??
    (typeof req.headers['x-baton-token'] === 'string' ? req.headers['x-baton-token'] : undefined) ??
    readCookie(req.headers.cookie, TOKEN_COOKIE);

  const unauthorized = (res: ServerResponse): void => {
    res.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS }).end('401 Unauthorized\n');
  };

  const server = createServer((req, res) => {
    void handleHttp(req, res).catch((e: unknown) => {
      console.error('[baton] http handler failed:', e);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (!hostAllowed(req)) {
      res.writeHead(421, SECURITY_HEADERS).end();
      return;
    }
    if (!tokensEqual(token, tokenFrom(req, url))) {
      unauthorized(res);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, SECURITY_HEADERS).end();
      return;
    }
    if (url.pathname === HTTP_PATHS.health) {
      res.writeHead(200, { 'Content-Type': 'application/json', ...SECURITY_HEADERS });
      res.end(JSON.stringify({ ok: true, serverId }));
      return;
    }
    const file = opts.staticDir ? await readStatic(opts.staticDir, url.pathname) : null;
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS }).end('Not found\n');
      return;
    }
    const headers: Record<string, string> = { 'Content-Type': file.type, ...SECURITY_HEADERS };
    if (url.searchParams.has('token')) {
      // The page's own asset requests cannot carry the query token; a strict, HttpOnly cookie carries it for them.
      headers['Set-Cookie'] = `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`;
    }
    res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : file.body);
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname !== HTTP_PATHS.socket || !hostAllowed(req) || !tokensEqual(token, tokenFrom(req, url))) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws));
  });

  const send = (ws: WebSocket, frame: ServerFrame): void => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
  };

  function onConnection(ws: WebSocket): void {
    subscriptions.set(ws, new Set());
    send(ws, { t: 'hello', v: WIRE_VERSION, serverId });
    ws.on('close', () => subscriptions.delete(ws));
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        send(ws, { t: 'error', error: { code: ErrorCode.invalidInput, message: 'Binary frames are not accepted.' } });
        return;
      }
      void onMessage(ws, data.toString());
    });
  }

  async function onMessage(ws: WebSocket, text: string): Promise<void> {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      send(ws, { t: 'error', error: { code: ErrorCode.invalidInput, message: 'The frame is not JSON.' } });
      return;
    }
    const frame = ClientFrame.safeParse(json);
    if (!frame.success) {
      send(ws, { t: 'error', error: { code: ErrorCode.invalidInput, message: describeZodError(frame.error, 'frame') } });
      return;
    }
    const f = frame.data;
    if (f.t === 'call') {
      if (!tokensEqual(token, f.token)) {
        send(ws, { t: 'result', id: f.id, ok: false, error: { code: ErrorCode.unauthorized, message: 'Unauthorized' } });
        return;
      }
      const result = await router.call(f.name, f.input, ctx);
      send(ws, result.ok ? { t: 'result', id: f.id, ok: true, value: result.value } : { t: 'result', id: f.id, ok: false, error: result.error });
      return;
    }
    const subs = subscriptions.get(ws);
    if (!subs) return;
    if (f.t === 'sub') {
      if (!hub.has(f.name)) {
        send(ws, { t: 'error', error: { code: ErrorCode.unknownEvent, message: `There is no event named "${f.name}".` } });
        return;
      }
      subs.add(f.name);
    } else {
      subs.delete(f.name);
    }
  }

  const stopListening = hub.listen((name, payload) => {
    for (const [ws, subs] of subscriptions) if (subs.has(name)) send(ws, { t: 'event', name, payload });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    port,
    url: `http://127.0.0.1:${port}/?token=${encodeURIComponent(token)}`,
    async close() {
      stopListening();
      for (const ws of subscriptions.keys()) ws.terminate();
      subscriptions.clear();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
