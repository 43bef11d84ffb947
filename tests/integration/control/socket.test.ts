import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectControl, type ControlClient } from '../../../src/main/control/client';
import { createEventHub, type EventHub } from '../../../src/main/api/events';
import { createRouter } from '../../../src/main/api/router';
import { startControlServer, type ControlServerOptions, type ControlStart } from '../../../src/main/control';
import { controlSocketPath } from '../../../src/main/control/paths';
import { CONTROL_VERSION, type ToolRequest } from '../../../src/shared/control';
import { testContract, testHandlers } from '../../support/test-contract';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function dataDir(name = 'baton-ctl-'): string {
  const d = realpathSync(mkdtempSync(join(tmpdir(), name)));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

async function serve(dir: string, extra: Partial<ControlServerOptions<{ via: string }>> = {}): Promise<{ start: ControlStart; hub: EventHub; logs: string[] }> {
  const hub = createEventHub(testContract);
  const logs: string[] = [];
  const start = await startControlServer({
    dataDir: dir,
    router: createRouter(testContract, testHandlers, { onBug: () => {} }),
    hub,
    ctx: { via: 'test' },
    version: '9.9.9-test',
    log: (m) => logs.push(m),
    ...extra,
  });
  if (start.state === 'listening') cleanups.push(() => start.server.close());
  return { start, hub, logs };
}

async function client(path: string): Promise<ControlClient> {
  const c = await connectControl(path);
  if (c.state !== 'connected') throw new Error(`not connected: ${JSON.stringify(c)}`);
  cleanups.push(() => c.client.close());
  return c.client;
}

/** A raw connection, for frames the client library would never send; collects every frame. */
async function raw(path: string) {
  const sock: Socket = connect(path);
  cleanups.push(() => void sock.destroy());
  await new Promise<void>((r, j) => (sock.once('connect', () => r()), sock.once('error', j)));
  const frames: Record<string, unknown>[] = [];
  let buf = '';
  let wake: () => void = () => undefined;
  sock.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) !== -1) {
      frames.push(JSON.parse(buf.slice(0, nl)) as Record<string, unknown>);
      buf = buf.slice(nl + 1);
    }
    wake();
  });
  const next = async (pred: (f: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> => {
    const end = Date.now() + 3000;
    for (;;) {
      const i = frames.findIndex(pred);
      if (i !== -1) return frames.splice(i, 1)[0] as Record<string, unknown>;
      if (Date.now() > end) throw new Error(`no such frame; got ${JSON.stringify(frames)}`);
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 50);
      });
    }
  };
  return { sock, frames, next, send: (text: string) => sock.write(text) };
}

describe('the control socket (in process, a contract of our own)', () => {
  it('listens at <dataDir>/control.sock with mode 0600, and control.json (0600) says where', async () => {
    const dir = dataDir();
    const { start } = await serve(dir);
    expect(start.state).toBe('listening');
    const sock = join(dir, 'control.sock');
    expect(statSync(sock).isSocket()).toBe(true);
    expect(statSync(sock).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'control.json')).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(dir, 'control.json'), 'utf8'))).toEqual({ pid: process.pid, socket: sock, version: '9.9.9-test', protocol: CONTROL_VERSION });
  });

  it('says a versioned hello, answers a valid call, invalid input and an unknown procedure as data', async () => {
    const dir = dataDir();
    await serve(dir);
    const c = await client(join(dir, 'control.sock'));
    expect(c.hello).toMatchObject({ t: 'hello', v: CONTROL_VERSION, pid: process.pid, version: '9.9.9-test' });
    expect(await c.call('math.add', { a: 2, b: 3 })).toEqual({ ok: true, value: { sum: 5 } });
    const bad = await c.call('math.add', { a: 2 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(!bad.ok && bad.error.message).toBe('The b is missing.');
    expect(await c.call('math.nope', {})).toMatchObject({ ok: false, error: { code: 'unknown_procedure' } });
    expect(await c.call('math.divide', { a: 1, b: 0 })).toEqual({ ok: false, error: { code: 'division_by_zero', message: 'Cannot divide by zero.' } });
    const boom = await c.call('math.boom', {});
    expect(boom).toMatchObject({ ok: false, error: { code: 'internal', message: 'kaboom' } });
    expect(JSON.stringify(boom)).not.toContain('secretFunction');
    // Output is parsed with the contract: an undeclared field never leaves the app.
    expect(await c.call('math.leak', {})).toEqual({ ok: true, value: { name: 'visible' } });
  });

  it('delivers subscribed events only, until unsubscribed; refuses an unknown event', async () => {
    const dir = dataDir();
    const { hub } = await serve(dir);
    const c = await client(join(dir, 'control.sock'));
    const got: unknown[] = [];
    const off = c.on('math.ticked', (p) => got.push(p));
    await c.call('math.add', { a: 0, b: 0 }); // the sub frame went first: it is in place
    hub.emit('math.ticked', { n: 1 });
    await c.call('math.add', { a: 0, b: 0 });
    expect(got).toEqual([{ n: 1 }]);
    off();
    await c.call('math.add', { a: 0, b: 0 });
    hub.emit('math.ticked', { n: 2 });
    await c.call('math.add', { a: 0, b: 0 });
    expect(got).toEqual([{ n: 1 }]);

    const r = await raw(join(dir, 'control.sock'));
    r.send(JSON.stringify({ t: 'sub', name: 'math.nope' }) + '\n');
    expect(await r.next((f) => f.t === 'error')).toMatchObject({ error: { code: 'unknown_event' } });
  });

  it('answers garbage, unknown frame kinds and oversized lines with errors, and keeps the connection', async () => {
    const dir = dataDir();
    await serve(dir);
    const r = await raw(join(dir, 'control.sock'));
    expect(await r.next((f) => f.t === 'hello')).toMatchObject({ v: CONTROL_VERSION });
    r.send('not json\n');
    expect(await r.next((f) => f.t === 'error')).toMatchObject({ error: { code: 'invalid_input', message: 'The frame is not JSON.' } });
    r.send(JSON.stringify({ t: 'launch_missiles', id: 1 }) + '\n');
    expect(await r.next((f) => f.t === 'error')).toMatchObject({ error: { code: 'unknown_frame' } });
    r.send(JSON.stringify({ t: 'call', id: 'x', name: 'math.add' }) + '\n');
    expect(await r.next((f) => f.t === 'error')).toMatchObject({ error: { code: 'invalid_input' } });
    r.send(JSON.stringify({ t: 'call', id: 7, name: 'math.add', input: { a: 'x'.repeat(5 * 1024 * 1024), b: 1 } }) + '\n');
    expect(await r.next((f) => f.t === 'error')).toMatchObject({ error: { code: 'frame_too_large' } });
    // Two frames in one write, and one split across writes: framing is by newline only.
    r.send(JSON.stringify({ t: 'call', id: 8, name: 'math.add', input: { a: 1, b: 1 } }) + '\n' + JSON.stringify({ t: 'call', id: 9, name: 'math.add', input: { a: 2, b: 2 } }).slice(0, 20));
    r.send(JSON.stringify({ t: 'call', id: 9, name: 'math.add', input: { a: 2, b: 2 } }).slice(20) + '\n');
    expect(await r.next((f) => f.t === 'result' && f.id === 8)).toMatchObject({ ok: true, value: { sum: 2 } });
    expect(await r.next((f) => f.t === 'result' && f.id === 9)).toMatchObject({ ok: true, value: { sum: 4 } });
  });

  it('refuses tool frames as unknown when no tool handler is given, and hands them to one when it is', async () => {
    const dir = dataDir();
    await serve(dir);
    const c = await client(join(dir, 'control.sock'));
    expect(await c.tool({ sessionId: 's1', token: 't', name: 'list_tasks', args: {} })).toMatchObject({ ok: false, error: { code: 'unknown_frame' } });

    const dir2 = dataDir();
    const seen: ToolRequest[] = [];
    await serve(dir2, {
      onTool: async (req) => {
        seen.push(req);
        if (req.name === 'explode') throw new Error('tool blew up\n at secret (/x.ts:1:1)');
        return { ok: true, value: { echoed: req.args } };
      },
    });
    const c2 = await client(join(dir2, 'control.sock'));
    expect(await c2.tool({ sessionId: 's1', token: 'tok', name: 'list_tasks', args: { status: 'open' } })).toEqual({ ok: true, value: { echoed: { status: 'open' } } });
    expect(seen[0]).toEqual({ t: 'tool', id: 1, sessionId: 's1', token: 'tok', name: 'list_tasks', args: { status: 'open' } });
    const blew = await c2.tool({ sessionId: 's1', token: 'tok', name: 'explode', args: {} });
    expect(blew).toEqual({ ok: false, error: { code: 'internal', message: 'tool blew up' } });
  });

  it('a client learns the app went away: calls in flight and after are answered `disconnected`', async () => {
    const dir = dataDir();
    const { start } = await serve(dir);
    const c = await client(join(dir, 'control.sock'));
    if (start.state !== 'listening') throw new Error('not listening');
    await start.server.close();
    await c.closed;
    expect(await c.call('math.add', { a: 1, b: 1 })).toMatchObject({ ok: false, error: { code: 'disconnected' } });
  });

  it('a stale socket file from a crashed app does not block the next start', async () => {
    const dir = dataDir();
    const path = join(dir, 'control.sock');
    // A real process listens there and is SIGKILLed: the file stays behind with nobody listening.
    const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((r) => child.stdout.once('data', () => r()));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(statSync(path).isSocket()).toBe(true);
    expect(await connectControl(path)).toEqual({ state: 'absent' });

    const { start } = await serve(dir);
    expect(start.state).toBe('listening');
    expect((await (await client(path)).call('math.add', { a: 1, b: 1 })).ok).toBe(true);
  });

  it('a second server on the same data dir does not steal a live socket, and closing it leaves the first one working', async () => {
    const dir = dataDir();
    const first = await serve(dir);
    const info = readFileSync(join(dir, 'control.json'), 'utf8');
    const second = await serve(dir);
    expect(second.start).toEqual({ state: 'taken', socket: join(dir, 'control.sock'), pid: process.pid });
    expect(readFileSync(join(dir, 'control.json'), 'utf8')).toBe(info);
    const c = await client(join(dir, 'control.sock'));
    expect((await c.call('math.add', { a: 1, b: 1 })).ok).toBe(true);
    if (first.start.state !== 'listening') throw new Error('first did not listen');
    await first.start.server.close();
    expect(existsSync(join(dir, 'control.sock'))).toBe(false);
    expect(existsSync(join(dir, 'control.json'))).toBe(false);
  });

  it('refuses to remove something at the socket path that is not a socket', async () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'control.sock'), 'precious');
    const { start } = await serve(dir);
    expect(start).toMatchObject({ state: 'failed', message: expect.stringContaining('not a socket') });
    expect(readFileSync(join(dir, 'control.sock'), 'utf8')).toBe('precious');
  });

  it('a data dir too long for a socket path gets a private directory in the temp dir, named in control.json', async () => {
    const base = dataDir();
    const dir = join(base, 'a-rather-long-directory-name-'.repeat(4));
    mkdirSync(dir, { recursive: true });
    const { start } = await serve(dir);
    expect(start.state).toBe('listening');
    const path = controlSocketPath(dir);
    expect(path.startsWith(dir)).toBe(false);
    cleanups.push(() => rmSync(join(path, '..'), { recursive: true, force: true }));
    expect(JSON.parse(readFileSync(join(dir, 'control.json'), 'utf8')).socket).toBe(path);
    expect(statSync(join(path, '..')).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect((await (await client(path)).call('math.add', { a: 1, b: 1 })).ok).toBe(true);
  });

  it('a client of another protocol version is told so in words', async () => {
    const dir = dataDir();
    const path = join(dir, 'fake.sock');
    const { createServer } = await import('node:net');
    const fake = createServer((s) => s.write(JSON.stringify({ t: 'hello', v: CONTROL_VERSION + 1, serverId: 'x', pid: 1, version: '99.0.0' }) + '\n'));
    await new Promise<void>((r) => fake.listen(path, () => r()));
    cleanups.push(() => new Promise<void>((r) => fake.close(() => r())));
    const c = await connectControl(path);
    expect(c).toMatchObject({ state: 'failed', message: expect.stringContaining(`speaks control protocol ${CONTROL_VERSION + 1}`) });
  });
});
