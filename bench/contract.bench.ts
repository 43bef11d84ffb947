import { test } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { createEventHub } from '../src/main/api/events';
import { createRouter } from '../src/main/api/router';
import { startBrowserServer } from '../src/main/api/ws-server';
import { testContract, testHandlers } from '../tests/support/test-contract';

const CALLS = 5000;

async function roundTrips(url: string, frame: (id: number) => string): Promise<number> {
  const ws = new WebSocket(url);
  await new Promise((r) => ws.once('open', r));
  let left = CALLS;
  const start = performance.now();
  await new Promise<void>((resolve) => {
    ws.on('message', (d) => {
      const f = JSON.parse(d.toString()) as { t?: string };
      if (f.t === 'hello') return;
      if (--left === 0) resolve();
      else ws.send(frame(CALLS - left));
    });
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

  const call = (id: number) => JSON.stringify({ t: 'call', id, name: 'math.add', input: { a: id, b: 1 }, token });
  // Warm both paths, then measure.
  await roundTrips(`ws://127.0.0.1:${server.port}/ws?token=${token}`, call);
  await roundTrips(`ws://127.0.0.1:${echoPort}`, call);
  const ours = await roundTrips(`ws://127.0.0.1:${server.port}/ws?token=${token}`, call);
  const raw = await roundTrips(`ws://127.0.0.1:${echoPort}`, call);

  console.log(`bench: contract_calls_per_s = ${Math.round((CALLS / ours) * 1000)}`);
  console.log(`bench: raw_ws_echo_per_s = ${Math.round((CALLS / raw) * 1000)}`);
  console.log(`bench: contract_vs_raw_ws_ratio = ${(ours / raw).toFixed(2)}`);
  await server.close();
  echo.close();
});
