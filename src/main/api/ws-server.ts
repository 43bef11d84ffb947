import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Socket, type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { ErrorCode } from '../../shared/errors';
import { AuthFrame, ClientFrame, HTTP_PATHS, WIRE_VERSION, WS_CLOSE, type ServerFrame } from '../../shared/wire';
import type { EventHub } from './events';
import type { Router } from './router';
import { tokensEqual } from '../lib/tokens';
import { bearerToken, CONTENT_SECURITY_POLICY, ownOrigins } from './security';
import { readStatic } from './static-files';
import { ClientSubscriptions, eventFrame } from './subscriptions';
import { describeZodError } from './validation';

export interface BrowserServerOptions<Ctx> {
  router: Router<Ctx>;
  hub: EventHub;
  ctx: Ctx;
  token: string;
  port?: number;
  /** The built renderer; without it only the API answers (tests). */
  staticDir?: string;
  /** How long a new connection has to send its auth frame (tests shorten it). */
  authTimeoutMs?: number;
  log?: (message: string) => void;
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
const MAX_PAYLOAD_BYTES = 4 * 1024 * 1024;
const AUTH_TIMEOUT_MS = 5000;

/**
 * Browser mode: serves the renderer and the contract over one WebSocket on
 * 127.0.0.1 (ADR 0001). Browsers share cookies across every port of a host,
 * so no credential lives in a cookie: the static files are public (they hold
 * no secret), the page takes the token from the URL it was opened with and
 * sends it in the socket's first frame. The upgrade is refused to pages of
 * any other origin, and nothing is answered before that first frame.
 */
export async function startBrowserServer<Ctx>(opts: BrowserServerOptions<Ctx>): Promise<BrowserServer> {
  const { router, hub, ctx, token } = opts;
  const log = opts.log ?? ((m: string) => console.error(`[baton] ${m}`));
  const authTimeoutMs = opts.authTimeoutMs ?? AUTH_TIMEOUT_MS;
  const serverId = randomBytes(8).toString('hex');
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES });
  /** Authenticated connections only: events go nowhere else. */
  const subscriptions = new Map<WebSocket, ClientSubscriptions>();
  let port = 0;
  let own = ownOrigins(0);

  const hostAllowed = (req: IncomingMessage): boolean => own.hosts.includes(req.headers.host ?? '');
  // No Origin: not a browser (the CLI, tests), which still has to send the token. A browser always sends one.
  const originAllowed = (req: IncomingMessage): boolean => req.headers.origin === undefined || own.origins.includes(req.headers.origin);

  const plain = (res: ServerResponse, status: number, text: string): void => {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS }).end(`${text}\n`);
  };

  const server = createServer((req, res) => {
    void handleHttp(req, res).catch((e: unknown) => {
      log(`http handler failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.on('error', (e) => log(`http server error: ${e.message}`));

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (!hostAllowed(req)) return plain(res, 421, '421 Misdirected Request');
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, '405 Method Not Allowed');
    if (url.pathname === HTTP_PATHS.health) {
      // Public: it tells a reconnecting page the server is up, and nothing else.
      res.writeHead(200, { 'Content-Type': 'application/json', ...SECURITY_HEADERS }).end(JSON.stringify({ ok: true }));
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      // Any API route with authority takes the token in a header: never a cookie another port would receive.
      if (!tokensEqual(token, bearerToken(req.headers.authorization))) return plain(res, 401, '401 Unauthorized');
      return plain(res, 404, 'Not found');
    }
    const file = opts.staticDir ? await readStatic(opts.staticDir, url.pathname) : null;
    if (!file) return plain(res, 404, 'Not found');
    res.writeHead(200, { 'Content-Type': file.type, ...SECURITY_HEADERS }).end(req.method === 'HEAD' ? undefined : file.body);
  }

  const refuse = (socket: Duplex, status: string): void => {
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node hands the raw socket over without its error listener: a reset mid-handshake would be unhandled.
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (!hostAllowed(req)) return refuse(socket, '421 Misdirected Request');
    if (url.pathname !== HTTP_PATHS.socket) return refuse(socket, '404 Not Found');
    if (!originAllowed(req)) return refuse(socket, '403 Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (socket instanceof Socket) sockets.set(ws, socket);
      onConnection(ws);
    });
  });

  /** Each connection's TCP socket, corked while a burst of frames is written (see send). */
  const sockets = new WeakMap<WebSocket, Socket>();
  const corked = new Set<Socket>();
  const uncorkAll = (): void => {
    for (const sock of corked) sock.uncork();
    corked.clear();
  };
  const send = (ws: WebSocket, frame: ServerFrame): void => {
    if (ws.readyState !== WebSocket.OPEN) return;
    // Frames sent in one turn of the event loop (a frame's worth of sessions' records and changes) leave in one
    // write: a live agent's traffic as one syscall per client per turn, not one per frame.
    const sock = sockets.get(ws);
    if (sock && !corked.has(sock)) {
      if (corked.size === 0) process.nextTick(uncorkAll);
      sock.cork();
      corked.add(sock);
    }
    ws.send(JSON.stringify(frame));
  };
  const frameError = (ws: WebSocket, message: string): void => send(ws, { t: 'error', error: { code: ErrorCode.invalidInput, message } });

  function onConnection(ws: WebSocket): void {
    let authed = false;
    // Invalid UTF-8, an oversized or malformed frame: ws reports it here and closes; only this connection ends.
    ws.on('error', (e) => {
      log(`websocket: ${e.message}; closing that connection`);
      ws.terminate();
    });
    const timer = setTimeout(() => ws.close(WS_CLOSE.authTimeout, 'No auth frame in time'), authTimeoutMs);
    ws.on('close', () => {
      clearTimeout(timer);
      subscriptions.delete(ws);
    });
    ws.on('message', (data, isBinary) => {
      if (authed) {
        if (isBinary) return frameError(ws, 'Binary frames are not accepted.');
        void onMessage(ws, rawText(data)).catch((e: unknown) => {
          log(`websocket frame failed: ${String(e)}`);
          ws.terminate();
        });
        return;
      }
      clearTimeout(timer);
      if (isBinary || !tokensEqual(token, authToken(rawText(data)))) {
        ws.close(WS_CLOSE.unauthorized, 'Unauthorized: the first frame must be {"t":"auth","token":…}');
        return;
      }
      authed = true;
      subscriptions.set(ws, new ClientSubscriptions(hub));
      send(ws, { t: 'hello', v: WIRE_VERSION, serverId });
    });
  }

  async function onMessage(ws: WebSocket, text: string): Promise<void> {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return frameError(ws, 'The frame is not JSON.');
    }
    const frame = ClientFrame.safeParse(json);
    if (!frame.success) return frameError(ws, describeZodError(frame.error, 'frame'));
    const f = frame.data;
    if (f.t === 'call') {
      const result = await router.call(f.name, f.input, ctx);
      send(ws, result.ok ? { t: 'result', id: f.id, ok: true, value: result.value } : { t: 'result', id: f.id, ok: false, error: result.error });
      return;
    }
    const subs = subscriptions.get(ws);
    if (!subs) return;
    if (f.t === 'sub') {
      const refused = subs.add(f.name, f.topic ?? null);
      if (refused) send(ws, { t: 'error', error: refused });
    } else {
      subs.remove(f.name, f.topic ?? null);
    }
  }

  const stopListening = hub.listen((name, payload) => {
    const topic = hub.topicOf(name, payload);
    for (const [ws, subs] of subscriptions) {
      for (const t of subs.deliveries(name, topic)) send(ws, eventFrame(name, payload, t));
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  own = ownOrigins(port);

  return {
    port,
    // The only place the token is written: the address the person opens; the page moves it out of the bar.
    url: `http://127.0.0.1:${port}/?token=${encodeURIComponent(token)}`,
    async close() {
      stopListening();
      for (const ws of wss.clients) ws.terminate();
      subscriptions.clear();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString('utf8');
}

function authToken(text: string): string | undefined {
  try {
    const f = AuthFrame.safeParse(JSON.parse(text));
    return f.success ? f.data.token : undefined;
  } catch {
    return undefined;
  }
}
