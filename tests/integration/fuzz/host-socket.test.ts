import { connect as netConnect } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isPidAlive } from '../../../src/main/host/proc';
import { ensureHostBuilt, World } from '../host/helpers';
import { chosenSeed, randomFrame, seededRandom } from './generator';

/**
 * The session host's socket: whatever a connection sends, the host (and the
 * agent it keeps) lives on, and main's side of the socket ends that one
 * connection instead of the main process when a frame's handler fails.
 */
const SEED = chosenSeed('BATON_FUZZ_SEED', 1202);
const FRAMES = Math.floor(Number(process.env.BATON_FUZZ_FRAMES ?? 2000) / 4);

let w: World;
beforeAll(() => ensureHostBuilt(), 180_000);
afterEach(() => w?.cleanup());

describe('session host socket under hostile frames', () => {
  it('the host survives garbage, resets and broken frames on its socket, and main can attach afterwards', async () => {
    w = new World();
    const host = await w.launch('fuzz-host', { prompts: [] });
    const rng = seededRandom(SEED);
    let frames = 0;
    let connections = 0;
    while (frames < FRAMES) {
      const sock = netConnect(host.socket);
      sock.on('error', () => undefined);
      await new Promise<void>((r) => (sock.once('connect', () => r()), sock.once('close', () => r())));
      connections++;
      const ids = { next: 1 };
      for (let i = rng.int(1, 30); i > 0; i--) {
        const f = randomFrame(rng, ids, 1024, false);
        frames++;
        // The host's own frames (send, stop, attach) are left out: a random `stop` would be obeyed, as it should.
        sock.write(Buffer.concat([f.data, Buffer.from('\n')]));
      }
      if (rng.chance(0.3)) sock.write('{"t":"att'); // cut off mid-frame
      // End politely or with a reset, once the host has said hello (it may already have replaced us).
      await new Promise<void>((r) => {
        sock.once('data', () => r());
        sock.once('close', () => r());
      });
      if (rng.chance(0.5)) sock.destroy();
      else sock.end();
      expect(isPidAlive(host.pid), `seed ${SEED}: the host died`).toBe(true);
    }
    console.log(`[fuzz] host socket: seed ${SEED}, ${frames} frames on ${connections} connections`);

    const conn = await w.connect(host);
    const reached = await conn.attach(0, () => undefined);
    expect(reached).toBeGreaterThan(0);
    expect(isPidAlive(host.pid)).toBe(true);
  }, 120_000);

  it("a record main cannot apply ends that connection ('lost'), not the main process; a new one attaches", async () => {
    w = new World();
    const host = await w.launch('fuzz-apply', { prompts: [] });
    const conn = await w.connect(host);
    void conn.attach(0, () => {
      throw new Error('applying the record failed');
    });
    expect(await conn.closed).toBe('lost');
    expect(isPidAlive(host.pid)).toBe(true);
    const again = await w.connect(host);
    expect(await again.attach(0, () => undefined)).toBeGreaterThan(0);
  }, 60_000);
});
