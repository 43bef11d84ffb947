import { test } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { createEventHub } from '../src/main/api/events';
import { createRouter } from '../src/main/api/router';
import { startBrowserServer } from '../src/main/api/ws-server';
import { testContract, testHandlers } from '../tests/support/test-contract';

const CALLS = 5000;

/**
 * CALLS calls one after the other; `auth`: the first frame Baton's socket wants (wire v2: the token in a frame, never
 * the URL), sent before the clock starts. A frame that is not a result (a refusal, a closed socket) fails the bench
 * instead of leaving it waiting.
 */
async function roundTrips(url: string, frame: (id: number) => string, auth?: string): Promise<number> {
  const ws = new WebSocket(url);
  await new Promise((r) => ws.once('open', r));
  if (auth) {
    const hello = new Promise<void>((resolve, reject) => {
      ws.once('message', (d) => ((JSON.parse(d.toString()) as { t?: string }).t === 'hello' ? resolve() : reject(new Error(`no hello: ${String(d)}`))));
      ws.once('close', () => reject(new Error('the server closed the socket before its hello')));
    });
    ws.send(auth);
    await hello;
  }
  let left = CALLS;
  const start = performance.now();
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (d) => {
      const f = JSON.parse(d.toString()) as { t?: string; ok?: boolean };
      if (f.t !== 'result' || !f.ok) return reject(new Error(`not a result: ${String(d).slice(0, 200)}`));
      if (--left === 0) resolve();
      else ws.send(frame(CALLS - left));
    });
    ws.once('close', () => left > 0 && reject(new Error('the socket closed mid-bench')));
    ws.send(frame(0));
  });
  const ms = performance.now() - start;
  ws.close();
  return ms;
}

test('contract round trip over the WebSocket adapter vs a raw ws echo', async () => {
  const token = 'bench-token';
  const server = await startBrowserServer({
    router: createRouter(testContract, testHandlers),
    hub: createEventHub(testContract),
    ctx: { via: 'bench' },
    token,
  });
  const echo = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  echo.on('connection', (ws) => ws.on('message', (d) => ws.send(JSON.stringify({ t: 'result', id: 0, ok: true, value: JSON.parse(d.toString()) as unknown }))));
  await new Promise((r) => echo.once('listening', r));
  const echoPort = (echo.address() as { port: number }).port;

  const call = (id: number) => JSON.stringify({ t: 'call', id, name: 'math.add', input: { a: id, b: 1 } });
  const auth = JSON.stringify({ t: 'auth', token });
  // Warm both paths, then measure.
  await roundTrips(`ws://127.0.0.1:${server.port}/ws`, call, auth);
  await roundTrips(`ws://127.0.0.1:${echoPort}`, call);
  const ours = await roundTrips(`ws://127.0.0.1:${server.port}/ws`, call, auth);
  const raw = await roundTrips(`ws://127.0.0.1:${echoPort}`, call);

  console.log(`bench: contract_calls_per_s = ${Math.round((CALLS / ours) * 1000)}`);
  console.log(`bench: raw_ws_echo_per_s = ${Math.round((CALLS / raw) * 1000)}`);
  console.log(`bench: contract_vs_raw_ws_ratio = ${(ours / raw).toFixed(2)}`);
  await server.close();
  echo.close();
});
