import { mkdtempSync, rmSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { controlSocketPath } from '../../../src/main/control/paths';
import { CONTROL_MAX_FRAME_BYTES } from '../../../src/shared/control';
import { killApp, startApp, type AppProcess } from '../../support/app-process';
import { buildOnce } from '../../support/build';
import { connectWs, type WsClient } from '../../support/ws-client';
import { chosenSeed, randomFrame, REAL_CALL, seededRandom, type Rng } from './generator';

/**
 * Seeded, bounded fuzzing of the two sockets the app listens on, against the
 * real app as a separate process, so a crash shows as an exit. Replay a run
 * with BATON_FUZZ_SEED=<seed> (and BATON_FUZZ_FRAMES=<n> for a longer one).
 */
const SEED = chosenSeed('BATON_FUZZ_SEED', 1201);
const FRAMES = Number(process.env.BATON_FUZZ_FRAMES ?? 2000);
const WS_MAX_PAYLOAD = 4 * 1024 * 1024;
const TOKEN = 'fuzz-token-0123456789-abcdefghijklmn';
const MAX_OVERSIZED = 6;

let dataDir: string;
let app: AppProcess;

beforeAll(async () => {
  buildOnce();
  dataDir = mkdtempSync(join(tmpdir(), 'baton-fuzz-'));
  app = await startApp({ dataDir, token: TOKEN });
}, 120_000);

afterAll(async () => {
  if (app) await killApp(app, 'SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
});

/** Resolves when the promise does or the time is up; the fuzzer moves on either way. */
const within = <T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> =>
  Promise.race([p, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref())]);

function expectAlive(stage: string): void {
  expect(app.proc.exitCode, `${stage}: the app exited (seed ${SEED})\n${app.output()}`).toBeNull();
  expect(app.proc.signalCode, `${stage}: the app was killed (seed ${SEED})\n${app.output()}`).toBeNull();
}

interface Tally {
  frames: number;
  connections: number;
  realOk: number;
  byKind: Record<string, number>;
}
const newTally = (): Tally => ({ frames: 0, connections: 0, realOk: 0, byKind: {} });
const count = (t: Tally, kind: string): void => void (t.byKind[kind] = (t.byKind[kind] ?? 0) + 1);

/** One WebSocket connection's worth of frames: authenticated, or not (then nothing may come back). */
async function wsSession(rng: Rng, port: number, t: Tally, oversized: { left: number }): Promise<void> {
  const auth = rng.pick(['right', 'right', 'right', 'right', 'wrong', 'none'] as const);
  const origin = rng.pick([undefined, `http://127.0.0.1:${port}`, `http://localhost:${port}`]);
  let c: WsClient;
  try {
    c = await connectWs(port, { token: auth === 'right' ? TOKEN : auth === 'wrong' ? 'not-the-token' : null, origin, waitHello: auth === 'right' });
  } catch (e) {
    throw new Error(`seed ${SEED}: connecting failed: ${String(e)}`, { cause: e });
  }
  t.connections++;
  const ids = { next: 1 };
  const real: number[] = [];
  const n = rng.int(1, 40);
  for (let i = 0; i < n && c.ws.readyState === WebSocket.OPEN; i++) {
    const f = randomFrame(rng, ids, WS_MAX_PAYLOAD, oversized.left > 0);
    if (f.kind === 'oversized') oversized.left--;
    if (f.realId !== undefined) real.push(f.realId);
    count(t, f.kind);
    t.frames++;
    c.ws.send(f.data, { binary: f.binary });
  }
  if (auth === 'right' && c.ws.readyState === WebSocket.OPEN) {
    // The last word: a real call, answered unless a bad frame already ended the connection.
    const probe = ids.next++;
    real.push(probe);
    c.ws.send(JSON.stringify({ t: 'call', id: probe, name: REAL_CALL, input: {} }));
    await within(Promise.race([c.next((f) => f.t === 'result' && f.id === probe).catch(() => null), c.closed]), 15_000);
  } else if (auth !== 'right') {
    await within(c.closed, 2000);
  }
  c.ws.terminate();
  for (const f of c.frames) {
    if (auth !== 'right') throw new Error(`seed ${SEED}: an unauthenticated connection got ${JSON.stringify(f).slice(0, 300)}`);
    if (f.t === 'result' && real.includes(f.id as number)) {
      expect(f, `seed ${SEED}: a real call failed`).toMatchObject({ ok: true });
      t.realOk++;
    }
  }
}

/** Raw bytes on the TCP port: garbage instead of HTTP, or a real upgrade followed by garbage frames. */
async function rawSession(rng: Rng, port: number, t: Tally): Promise<void> {
  const sock = netConnect(port, '127.0.0.1');
  sock.on('error', () => undefined);
  await new Promise<void>((r) => (sock.once('connect', () => r()), sock.once('close', () => r())));
  const upgrade = rng.chance(0.7);
  const head = upgrade
    ? `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`
    : '';
  const body = rng.bytes(rng.int(1, 2000));
  sock.write(Buffer.concat([Buffer.from(head), body]));
  count(t, upgrade ? 'raw_frames' : 'raw_http');
  t.frames++;
  t.connections++;
  await within(new Promise((r) => sock.once('close', r)), rng.int(20, 200));
  sock.destroy();
}

/** A control socket client that collects frames. */
async function controlClient(path: string) {
  const sock: Socket = netConnect(path);
  sock.on('error', () => undefined);
  const frames: Record<string, unknown>[] = [];
  let buf = '';
  let wake = (): void => undefined;
  const closed = new Promise<void>((r) => sock.once('close', () => (r(), wake())));
  sock.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) !== -1) {
      frames.push(JSON.parse(buf.slice(0, nl)) as Record<string, unknown>);
      buf = buf.slice(nl + 1);
    }
    wake();
  });
  await new Promise<void>((r, j) => (sock.once('connect', () => r()), sock.once('error', j)));
  const waitFor = async (pred: (f: Record<string, unknown>) => boolean, ms: number) => {
    const deadline = Date.now() + ms;
    while (!frames.some(pred) && !sock.destroyed && Date.now() < deadline) {
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 200).unref();
      });
    }
    return frames.find(pred);
  };
  return { sock, frames, closed, waitFor };
}

async function controlSession(rng: Rng, path: string, t: Tally, oversized: { left: number }): Promise<void> {
  const c = await controlClient(path);
  t.connections++;
  const ids = { next: 1 };
  const real: number[] = [];
  const n = rng.int(1, 60);
  for (let i = 0; i < n; i++) {
    const f = randomFrame(rng, ids, CONTROL_MAX_FRAME_BYTES, oversized.left > 0);
    if (f.kind === 'oversized') oversized.left--;
    if (f.realId !== undefined) real.push(f.realId);
    count(t, f.kind);
    t.frames++;
    // Most frames end their line; random bytes may carry newlines of their own, or none (the next frame runs on).
    c.sock.write(f.kind === 'bytes' && rng.chance(0.5) ? f.data : Buffer.concat([f.data, Buffer.from('\n')]));
  }
  if (rng.chance(0.15)) {
    // Gone mid-frame: half a line, then a reset.
    c.sock.write('{"t":"call","id":1,"na');
    c.sock.destroy();
    count(t, 'abort');
    return;
  }
  const probe = ids.next++;
  real.push(probe);
  c.sock.write(`\n${JSON.stringify({ t: 'call', id: probe, name: REAL_CALL, input: {} })}\n`);
  await c.waitFor((f) => f.t === 'result' && f.id === probe, 15_000);
  c.sock.destroy();
  for (const f of c.frames) {
    if (f.t === 'result' && real.includes(f.id as number) && f.ok === true) t.realOk++;
  }
  // The control socket survives garbage: the probe after it must have been answered.
  expect(c.frames.find((f) => f.t === 'result' && f.id === probe), `seed ${SEED}: the control socket did not answer after garbage`).toMatchObject({ ok: true });
}

describe('socket fuzzing (the real app, as its own process)', () => {
  it('survives thousands of hostile frames on the WebSocket and the control socket', async () => {
    const rng = seededRandom(SEED);
    const ws = newTally();
    const ctl = newTally();
    const started = Date.now();
    const wsOversized = { left: MAX_OVERSIZED };
    while (ws.frames < FRAMES) {
      if (rng.chance(0.1)) await rawSession(rng, app.port, ws);
      else await wsSession(rng, app.port, ws, wsOversized);
      expectAlive('websocket');
    }
    const ctlOversized = { left: MAX_OVERSIZED };
    const path = controlSocketPath(dataDir);
    while (ctl.frames < FRAMES) {
      await controlSession(rng, path, ctl, ctlOversized);
      expectAlive('control socket');
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `[fuzz] seed ${SEED} (BATON_FUZZ_SEED to replay): websocket ${ws.frames} frames on ${ws.connections} connections, ${ws.realOk} real calls ok; ` +
        `control ${ctl.frames} frames on ${ctl.connections} connections, ${ctl.realOk} real calls ok; ${seconds} s\n` +
        `[fuzz] websocket kinds ${JSON.stringify(ws.byKind)}\n[fuzz] control kinds ${JSON.stringify(ctl.byKind)}`,
    );

    expectAlive('after the run');
    const health = await fetch(`http://127.0.0.1:${app.port}/api/health`);
    expect(health.status).toBe(200);
    expect(await app.call(REAL_CALL, {})).toMatchObject({ mode: 'browser', dataDir });
    const fresh = await connectWs(app.port, { token: TOKEN });
    expect(await fresh.call('projects.list', {})).toMatchObject({ ok: true, value: [] });
    fresh.ws.terminate();
    const ctlAfter = await controlClient(path);
    ctlAfter.sock.write(`${JSON.stringify({ t: 'call', id: 1, name: 'projects.list', input: {} })}\n`);
    expect(await ctlAfter.waitFor((f) => f.t === 'result', 10_000)).toMatchObject({ ok: true, value: [] });
    ctlAfter.sock.destroy();
    expect(ws.realOk + ctl.realOk).toBeGreaterThan(50);
  }, 120_000);
});
