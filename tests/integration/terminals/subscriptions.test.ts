/** Per-terminal output subscriptions over the browser-mode socket: a UI receives the output of the terminals it has open, and no other. */
import { afterEach, describe, expect, it } from 'vitest';
import type { TerminalOutput, TerminalView } from '../../../src/shared/contracts/terminals';
import { connectWs, type Frame, type WsClient } from '../../support/ws-client';
import { TermApp } from './app-world';

let world: TermApp;
afterEach(async () => world?.cleanup());

const outputs = (c: WsClient, terminalId?: string): TerminalOutput[] =>
  c.frames.flatMap((f) => {
    if (f.t !== 'event' || f.name !== 'terminals.output') return [];
    const o = f.payload as TerminalOutput;
    return terminalId === undefined || o.terminalId === terminalId ? [o] : [];
  });

/** Sends a frame, then a call on the same connection: frames are handled in order, so once it is answered the frame took effect. */
async function sendAndSettle(c: WsClient, frame: Frame): Promise<void> {
  c.ws.send(JSON.stringify(frame));
  await c.call('app.status', {});
}

const isChangedFor = (id: string) => (f: Frame) => f.t === 'event' && f.name === 'terminals.changed' && (f.payload as { terminalId: string }).terminalId === id;

/**
 * Waits for a positive sign that each client has had every output event of a terminal whose output ended in
 * `marker`: once main's mirror (the scrollback) holds it, closing the terminal flushes main's last batch and
 * then emits a change, which every client subscribed to changes receives after any output sent to it.
 * (The shell is killed rather than left to exit: a pty can drop the tail of what a shell wrote just before
 * exiting, in raw node-pty as well.)
 */
async function settle(w: TermApp, id: string, marker: string, clients: WsClient[]): Promise<void> {
  await w.waitOutput(id, marker, 20_000);
  const marks = clients.map((c) => c.frames.length);
  await w.call('terminals.close', { id, kill: true });
  await Promise.all(clients.map((c, i) => c.next((f) => isChangedFor(id)(f) && c.frames.indexOf(f) >= (marks[i] as number), 20_000)));
}

describe('terminal output subscriptions', () => {
  it('reaches only the clients subscribed to that terminal, all of it and in order', async () => {
    world = new TermApp();
    const app = await world.start();
    await world.addProject();
    const one = await world.call<TerminalView>('terminals.open', { projectId: world.projectId });
    const two = await world.call<TerminalView>('terminals.open', { projectId: world.projectId });
    await world.waitOutput(one.id, '$ ');
    await world.waitOutput(two.id, '$ ');

    const watcher = await connectWs(app.port, { token: world.token });
    const bystander = await connectWs(app.port, { token: world.token });
    // Both follow changes (as every UI does); each has one terminal open, and the bystander a third client with none.
    const idle = await connectWs(app.port, { token: world.token });
    for (const c of [watcher, bystander, idle]) await sendAndSettle(c, { t: 'sub', name: 'terminals.changed' });
    await sendAndSettle(watcher, { t: 'sub', name: 'terminals.output', topic: one.id });
    await sendAndSettle(bystander, { t: 'sub', name: 'terminals.output', topic: two.id });

    await world.call('terminals.input', { id: two.id, data: 'seq 1 3000; echo end-$((40+2))\r' });
    await world.call('terminals.input', { id: one.id, data: 'seq 1 3000; echo end-$((40+2))\r' });

    await settle(world, one.id, 'end-42', [watcher, bystander, idle]);
    await settle(world, two.id, 'end-42', [watcher, bystander, idle]);

    expect(outputs(idle)).toEqual([]);
    expect(outputs(watcher, two.id)).toEqual([]);
    expect(outputs(bystander, one.id)).toEqual([]);
    for (const [c, id] of [[watcher, one.id], [bystander, two.id]] as const) {
      const got = outputs(c, id);
      expect(got.length).toBeGreaterThan(0);
      // In order and without gaps: each chunk starts where the one before ended.
      for (let i = 1; i < got.length; i++) expect(got[i]!.at).toBe(got[i - 1]!.end);
      const numbers = got.map((o) => o.data).join('').split(/\r?\n/).filter((l) => /^\d+$/.test(l));
      expect(numbers).toEqual(Array.from({ length: 3000 }, (_, i) => String(i + 1)));
    }
    for (const c of [watcher, bystander, idle]) c.ws.close();
  }, 60_000);

  it('stops after unsubscribe, and refuses a subscription to terminal output without a terminal', async () => {
    world = new TermApp();
    const app = await world.start();
    await world.addProject();
    const t = await world.call<TerminalView>('terminals.open', { projectId: world.projectId });
    await world.waitOutput(t.id, '$ ');
    const c = await connectWs(app.port, { token: world.token });

    c.ws.send(JSON.stringify({ t: 'sub', name: 'terminals.output' }));
    const refused = await c.next((f) => f.t === 'error');
    expect((refused.error as { message: string }).message).toMatch(/terminal's id/);

    await sendAndSettle(c, { t: 'sub', name: 'terminals.changed' });
    await sendAndSettle(c, { t: 'sub', name: 'terminals.output', topic: t.id });
    await world.call('terminals.input', { id: t.id, data: 'echo before-$((1+1))\r' });
    await c.next((f) => f.t === 'event' && f.name === 'terminals.output' && JSON.stringify(f).includes('before-2'));

    await sendAndSettle(c, { t: 'unsub', name: 'terminals.output', topic: t.id });
    const seen = outputs(c).length;
    await world.call('terminals.input', { id: t.id, data: 'echo after-$((1+1))\r' });
    await settle(world, t.id, 'after-2', [c]);
    expect(outputs(c).length).toBe(seen);
    c.ws.close();
  }, 60_000);
});
