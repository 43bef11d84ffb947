import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createEventHub } from '../../../src/main/api/events';
import { createRouter } from '../../../src/main/api/router';
import { startBrowserServer, type BrowserServer } from '../../../src/main/api/ws-server';
import { testContract, testHandlers } from '../../support/test-contract';

const TOKEN = 'test-token-123';
let server: BrowserServer | null = null;
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await server?.close();
  server = null;
});

async function start() {
  const hub = createEventHub(testContract);
  server = await startBrowserServer({
    router: createRouter(testContract, testHandlers, { onBug: () => {} }),
    hub,
    ctx: { via: 'ws' },
    token: TOKEN,
  });
  return { hub, port: server.port };
}

/** A real client on a real socket; collects every frame the server sends. */
async function connect(port: number, token = TOKEN) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${encodeURIComponent(token)}`);
  sockets.push(ws);
  const frames: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (d) => {
    frames.push(JSON.parse(d.toString()) as Record<string, unknown>);
    waiters.splice(0).forEach((w) => w());
  });
  await new Promise<void>((res, rej) => {
    ws.once('open', () => res());
    ws.once('error', rej);
  });
  const next = async (pred: (f: Record<string, unknown>) => boolean) => {
    for (;;) {
      const f = frames.find(pred);
      if (f) return f;
      await new Promise<void>((res, rej) => {
        waiters.push(res);
        setTimeout(() => rej(new Error('timed out waiting for a frame')), 3000);
      });
    }
  };
  let id = 0;
  const call = async (name: string, input: unknown, callToken = token) => {
    const myId = ++id;
    ws.send(JSON.stringify({ t: 'call', id: myId, name, input, token: callToken }));
    return next((f) => f.t === 'result' && f.id === myId);
  };
  return { ws, frames, next, call };
}

describe('WebSocket adapter (real socket)', () => {
  it('says hello, then answers a valid call', async () => {
    const { port } = await start();
    const c = await connect(port);
    await c.next((f) => f.t === 'hello');
    expect(await c.call('math.add', { a: 1, b: 2 })).toMatchObject({ ok: true, value: { sum: 3 } });
  });

  it('rejects invalid input, unknown procedures and thrown errors as data', async () => {
    const { port } = await start();
    const c = await connect(port);
    expect(await c.call('math.add', { a: 1 })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(((await c.call('math.add', { a: 1 })).error as { message: string }).message).toContain('input.b');
    expect(await c.call('math.zzz', {})).toMatchObject({ ok: false, error: { code: 'unknown_procedure' } });
    const boom = await c.call('math.boom', {});
    expect(boom).toMatchObject({ ok: false, error: { code: 'internal', message: 'kaboom' } });
    expect(JSON.stringify(boom)).not.toContain('secretFunction');
  });

  it('delivers subscribed events only, and stops after unsubscribe', async () => {
    const { port, hub } = await start();
    const c = await connect(port);
    await c.next((f) => f.t === 'hello');
    c.ws.send(JSON.stringify({ t: 'sub', name: 'math.ticked' }));
    await c.call('math.add', { a: 0, b: 0 }); // round trip: the subscription is in place
    hub.emit('math.ticked', { n: 1 });
    expect(await c.next((f) => f.t === 'event')).toEqual({ t: 'event', name: 'math.ticked', payload: { n: 1 } });
    c.ws.send(JSON.stringify({ t: 'unsub', name: 'math.ticked' }));
    await c.call('math.add', { a: 0, b: 0 });
    hub.emit('math.ticked', { n: 2 });
    await c.call('math.add', { a: 0, b: 0 });
    expect(c.frames.filter((f) => f.t === 'event')).toHaveLength(1);
  });

  it('refuses to subscribe to an unknown event, and the hub refuses a payload that breaks the contract', async () => {
    const { port, hub } = await start();
    const c = await connect(port);
    c.ws.send(JSON.stringify({ t: 'sub', name: 'math.nope' }));
    expect(await c.next((f) => f.t === 'error')).toMatchObject({ error: { code: 'unknown_event' } });
    expect(() => hub.emit('math.ticked', { n: 'one' })).toThrow();
  });

  it('answers garbage frames with an error and keeps the connection', async () => {
    const { port } = await start();
    const c = await connect(port);
    c.ws.send('not json');
    expect(await c.next((f) => f.t === 'error')).toMatchObject({ error: { code: 'invalid_input' } });
    c.ws.send(JSON.stringify({ t: 'call', id: 'x' }));
    expect(await c.call('math.add', { a: 1, b: 1 })).toMatchObject({ ok: true });
  });

  it('refuses a wrong or missing token: 401 on the socket and every HTTP path, unauthorized per call', async () => {
    const { port } = await start();
    await expect(connect(port, 'wrong')).rejects.toThrow(/401/);
    const bare = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    sockets.push(bare);
    await expect(new Promise((res, rej) => (bare.once('open', res), bare.once('error', rej)))).rejects.toThrow(/401/);
    for (const path of ['/', '/api/health', '/index.html', '/assets/x.js', '/?token=wrong']) {
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      expect(res.status, path).toBe(401);
      expect(await res.text()).toBe('401 Unauthorized\n');
    }
    const ok = await fetch(`http://127.0.0.1:${port}/api/health`, { headers: { 'x-baton-token': TOKEN } });
    expect(ok.status).toBe(200);
    const c = await connect(port);
    expect(await c.call('math.add', { a: 1, b: 1 }, 'stolen-socket-wrong-token')).toMatchObject({
      ok: false,
      error: { code: 'unauthorized' },
    });
  });

  it('refuses requests for another Host (DNS rebinding)', async () => {
    const { port } = await start();
    const res = await new Promise<number>((resolve) => {
      // fetch will not let us set Host; use a raw request.
      void import('node:http').then(({ request }) => {
        const req = request({ host: '127.0.0.1', port, path: `/api/health?token=${TOKEN}`, headers: { Host: 'evil.example:80' } }, (r) =>
          resolve(r.statusCode ?? 0),
        );
        req.end();
      });
    });
    expect(res).toBe(421);
  });
});
