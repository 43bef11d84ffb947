import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureHostBuilt, Peer, waitUntil, World } from './helpers';

let w: World;
const sockets: Socket[] = [];
beforeAll(() => ensureHostBuilt(), 180_000);
afterEach(() => {
  for (const s of sockets.splice(0)) s.destroy();
  w?.cleanup();
});

const BURST = 300;

describe('session host: connection replacement is rate-limited', () => {
  it('a burst of connections (two Batons on one data dir) keeps the log bounded, and the newest connection still works', async () => {
    w = new World();
    const id = 'gate-1';
    const info = await w.launch(id, {});
    let ended = 0;
    // Each one would replace the one before it: what two main processes fighting over a host look like.
    for (let i = 0; i < BURST; i++) {
      const s = connect(info.socket);
      s.on('error', () => undefined);
      s.on('close', () => ended++);
      s.resume();
      sockets.push(s);
    }
    // Positive barrier: every burst connection was taken in or turned away, bar the one attached now.
    await waitUntil(() => ended >= BURST - 1, 30_000, 'the burst to be settled');

    // The legitimate main comes last and gets the host, within a replacement interval.
    const peer = new Peer(await w.connect(info));
    await peer.attach(0);
    const agentSession = await peer.open(w.cwd);
    expect(agentSession).toMatch(/^scripted-/);

    const log = readFileSync(join(w.sessionDir(id), 'host.log'), 'utf8').split('\n');
    const about = log.filter((l) => /connect|replac/.test(l));
    // Before the gate: one "replacing" and one "disconnected" line per connection, 600 for this burst.
    expect(about.length, about.join('\n')).toBeLessThanOrEqual(6);
  }, 120_000);
});
