import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createEventHub } from '../../../src/main/api/events';
import { createRouter } from '../../../src/main/api/router';
import { startBrowserServer, type BrowserServer } from '../../../src/main/api/ws-server';
import { WS_CLOSE } from '../../../src/shared/wire';
import { testContract, testHandlers } from '../../support/test-contract';
import { connectWs, type WsClient } from '../../support/ws-client';

const TOKEN = 'test-token-123';
let server: BrowserServer | null = null;
const clients: WsClient[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  await server?.close();
  server = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function start(extra: { staticDir?: string; authTimeoutMs?: number } = {}) {
  const hub = createEventHub(testContract);
  const logs: string[] = [];
  server = await startBrowserServer({
    router: createRouter(testContract, testHandlers, { onBug: () => {} }),
    hub,
    ctx: { via: 'ws' },
    token: TOKEN,
    log: (m) => logs.push(m),
    ...extra,
  });
  return { hub, port: server.port, logs };
}

async function connect(port: number, opts: Parameters<typeof connectWs>[1] = { token: TOKEN }): Promise<WsClient> {
  const c = await connectWs(port, opts);
  clients.push(c);
  return c;
}

/** A raw HTTP GET, since fetch will not set Host or Origin. */
function get(port: number, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (r) => {
      let body = '';
      r.on('data', (d: Buffer) => (body += d.toString()));
      r.on('end', () => resolve({ status: r.statusCode ?? 0, headers: r.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('WebSocket adapter (real socket)', () => {
  it('says hello after the auth frame, then answers a valid call', async () => {
    const { port } = await start();
    const c = await connect(port);
    expect(c.frames[0]).toMatchObject({ t: 'hello', v: 2 });
    expect(await c.call('math.add', { a: 1, b: 2 })).toMatchObject({ ok: true, value: { sum: 3 } });
  });

  it('rejects invalid input, unknown procedures and thrown errors as data', async () => {
    const { port } = await start();
    const c = await connect(port);
    expect(await c.call('math.add', { a: 1 })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(((await c.call('math.add', { a: 1 })).error as { message: string }).message).toBe('The b is missing.');
    expect(await c.call('math.zzz', {})).toMatchObject({ ok: false, error: { code: 'unknown_procedure' } });
    const boom = await c.call('math.boom', {});
    expect(boom).toMatchObject({ ok: false, error: { code: 'internal', message: 'kaboom' } });
    expect(JSON.stringify(boom)).not.toContain('secretFunction');
  });

  it('delivers subscribed events only, and stops after unsubscribe', async () => {
    const { port, hub } = await start();
    const c = await connect(port);
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

  it('a per-topic event reaches only its topic’s subscribers; one that allows it also reaches a subscription to every topic, once', async () => {
    const { port, hub } = await start();
    const [one, all, both, none] = [await connect(port), await connect(port), await connect(port), await connect(port)];
    const sub = async (c: WsClient, name: string, topic?: string) => {
      c.ws.send(JSON.stringify(topic === undefined ? { t: 'sub', name } : { t: 'sub', name, topic }));
      await c.call('math.add', { a: 0, b: 0 }); // round trip: the subscription is in place (or refused)
    };
    await sub(one, 'math.fed', 'a');
    await sub(all, 'math.fed');
    await sub(both, 'math.fed', 'b');
    await sub(both, 'math.fed');
    // A topic-only event still refuses a subscription without a topic.
    await sub(none, 'math.streamed');
    expect(none.frames.find((f) => f.t === 'error')).toMatchObject({ error: { code: 'invalid_input' } });
    for (const c of [one, all, both, none]) await sub(c, 'math.ticked');
    hub.emit('math.fed', { stream: 'a', n: 1 });
    hub.emit('math.fed', { stream: 'b', n: 2 });
    hub.emit('math.ticked', { n: 0 }); // every client's end mark: events reach a client in the order emitted
    for (const c of [one, all, both, none]) await c.next((f) => f.t === 'event' && f.name === 'math.ticked');
    const fed = (c: WsClient) => c.frames.filter((f) => f.t === 'event' && f.name === 'math.fed').map((f) => [f.payload, f.topic ?? null]);
    expect(fed(one)).toEqual([[{ stream: 'a', n: 1 }, 'a']]);
    expect(fed(all)).toEqual([
      [{ stream: 'a', n: 1 }, null],
      [{ stream: 'b', n: 2 }, null],
    ]);
    // Subscribed both ways: each delivery under the subscription it matches (a page following one topic and a script every topic).
    expect(fed(both)).toEqual([
      [{ stream: 'a', n: 1 }, null],
      [{ stream: 'b', n: 2 }, 'b'],
      [{ stream: 'b', n: 2 }, null],
    ]);
    expect(fed(none)).toEqual([]);
  });

  it('refuses to subscribe to an unknown event, and the hub refuses a payload that breaks the contract', async () => {
    const { port, hub } = await start();
    const c = await connect(port);
    c.ws.send(JSON.stringify({ t: 'sub', name: 'math.nope' }));
    expect(await c.next((f) => f.t === 'error')).toMatchObject({ error: { code: 'unknown_event' } });
    // tsc refuses it first; at runtime the hub parses it anyway (a payload built from untyped data, say).
    // @ts-expect-error n is a number in the contract
    expect(() => hub.emit('math.ticked', { n: 'one' })).toThrow();
  });

  it('answers garbage frames with an error and keeps the connection', async () => {
    const { port } = await start();
    const c = await connect(port);
    c.ws.send('not json');
    expect(await c.next((f) => f.t === 'error')).toMatchObject({ error: { code: 'invalid_input' } });
    c.ws.send(JSON.stringify({ t: 'call', id: 'x' }));
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await c.call('math.add', { a: 1, b: 1 })).toMatchObject({ ok: true });
  });

  it('a wrong token in the first frame closes the connection unanswered', async () => {
    const { port } = await start();
    const c = await connect(port, { token: 'wrong', waitHello: false });
    expect(await c.closed).toMatchObject({ code: WS_CLOSE.unauthorized });
    expect(c.frames).toEqual([]);
  });

  it('accepts nothing before the auth frame: a call or a sub first closes the connection, and no event reaches it', async () => {
    const { port, hub } = await start();
    const caller = await connect(port, { token: null });
    caller.ws.send(JSON.stringify({ t: 'call', id: 1, name: 'math.add', input: { a: 1, b: 1 } }));
    expect(await caller.closed).toMatchObject({ code: WS_CLOSE.unauthorized });
    expect(caller.frames).toEqual([]);

    const subscriber = await connect(port, { token: null });
    subscriber.ws.send(JSON.stringify({ t: 'sub', name: 'math.ticked' }));
    const witness = await connect(port); // an authenticated one, to know the event went out
    witness.ws.send(JSON.stringify({ t: 'sub', name: 'math.ticked' }));
    await witness.call('math.add', { a: 0, b: 0 });
    hub.emit('math.ticked', { n: 7 });
    await witness.next((f) => f.t === 'event');
    expect(await subscriber.closed).toMatchObject({ code: WS_CLOSE.unauthorized });
    expect(subscriber.frames).toEqual([]);

    // A token in the URL query is no token: only the auth frame counts.
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${TOKEN}`);
    const queryClosed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.once('open', () => ws.send(JSON.stringify({ t: 'call', id: 1, name: 'math.add', input: { a: 1, b: 1 } })));
    expect(await queryClosed).toBe(WS_CLOSE.unauthorized);
  });

  it('closes a connection that does not authenticate in time', async () => {
    const { port } = await start({ authTimeoutMs: 300 });
    const c = await connect(port, { token: null });
    expect(await c.closed).toMatchObject({ code: WS_CLOSE.authTimeout });
    expect(c.frames).toEqual([]);
  });

  it('refuses an upgrade from any other origin with 403, whatever token it then would send', async () => {
    const { port } = await start();
    for (const origin of [`http://127.0.0.1:${port + 1}`, `http://localhost:${port + 1}`, 'http://evil.example', 'null', `https://127.0.0.1:${port}`]) {
      await expect(connect(port, { token: TOKEN, origin }), origin).rejects.toThrow(/403/);
    }
    for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`]) {
      expect((await connect(port, { token: TOKEN, origin })).frames[0], origin).toMatchObject({ t: 'hello' });
    }
  });

  it('a malformed frame (invalid UTF-8, oversized) ends only that connection', async () => {
    const { port, logs } = await start();
    const bystander = await connect(port);
    const utf8 = await connect(port);
    utf8.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect((await utf8.closed).code).toBe(1007);
    const big = await connect(port, { token: null });
    big.ws.send('x'.repeat(4 * 1024 * 1024 + 1));
    expect((await big.closed).code).toBe(1009);
    expect(await bystander.call('math.add', { a: 2, b: 2 })).toMatchObject({ ok: true, value: { sum: 4 } });
    expect(logs.join('\n')).toMatch(/UTF-8/);
  });

  it('serves the page and its assets without a credential, never sets a cookie, and guards /api/* with a bearer token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-static-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<div id="root"></div>');
    writeFileSync(join(dir, 'assets', 'x.js'), 'console.log(1)');
    const { port } = await start({ staticDir: dir });
    const host = { Host: `127.0.0.1:${port}` };
    for (const path of ['/', '/index.html', '/assets/x.js', `/?token=${TOKEN}`]) {
      const r = await get(port, path, host);
      expect(r.status, path).toBe(200);
      expect(r.headers['set-cookie'], path).toBeUndefined();
      expect(r.body, path).not.toContain(TOKEN);
    }
    const health = await get(port, '/api/health', host);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ ok: true });
    expect((await get(port, '/api/other', host)).status).toBe(401);
    expect((await get(port, '/api/other', { ...host, Cookie: `baton_token=${TOKEN}` })).status).toBe(401);
    expect((await get(port, '/api/other', { ...host, Authorization: `Bearer ${TOKEN}` })).status).toBe(404);
    expect((await get(port, '/nope.js', host)).status).toBe(404);
  });

  it('refuses requests and upgrades for another Host (DNS rebinding)', async () => {
    const { port } = await start();
    expect((await get(port, '/api/health', { Host: 'evil.example:80' })).status).toBe(421);
    const upgrade = await get(port, '/ws', {
      Host: 'evil.example:80',
      Connection: 'Upgrade',
      Upgrade: 'websocket',
      'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    }).catch((e: Error) => ({ status: -1, body: e.message }));
    expect(upgrade.status).not.toBe(101);
  });
});
