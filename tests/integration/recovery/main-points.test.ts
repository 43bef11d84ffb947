import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkProjection, checkRecovered, waitTurnFinished } from './invariants';
import { useSnapshotBuild } from './world';
import { cleanupWorlds, crashMainAt, runFinishes } from './main-crash';

/**
 * The main process's crash points on a running session (src/main/recovery/
 * debug-points.ts, hit in sessions/live.ts and sessions/service.ts):
 * serve.js kills itself there, its host and agent live on, and a new
 * serve.js recovers the session. Crashes while a session starts are in
 * spawn-points.test.ts.
 */

const build = useSnapshotBuild();
beforeAll(build.before, 180_000);
afterAll(build.after);
afterEach(() => cleanupWorlds());

describe('crash points in the main process', () => {
  // Each commit of a batch is one hit; the 8th falls inside the tool run (the first few carry initialize and session/new).
  // Twelve tools, each after a pause: even when a loaded main merges batches, twelve pauses leave more than eight
  // commits before the turn's last one (with four, the 8th hit could come after the turn had ended).
  for (const point of ['after_projection_commit', 'before_broadcast'] as const) {
    it(`${point}: the host and agent live on; a new main reattaches, catches up from the last applied seq, and the run finishes`, async () => {
      const { world, s, before } = await crashMainAt(`${point}:8`, 12);
      expect(before.hostAlive).toBe(true);
      expect(before.db.state).toBe('busy');
      await world.start();
      await checkRecovered(world, s.id, before);
      await runFinishes(world, s.id);
    });
  }

  for (const point of ['after_turn_checkpoint', 'before_prompt_send'] as const) {
    it(`${point}: the turn is checkpointed but never sent; after recovery the checkpointed prompt goes out and its turn ends, then the next prompt runs`, async () => {
      const { world, s, before } = await crashMainAt(point);
      expect(before.hostAlive).toBe(true);
      expect(before.facts.lastPromptAt).toBe(-1);
      expect(world.readDb().turns.map((t) => t.status)).toEqual(['dispatching']);
      await world.start();
      await checkRecovered(world, s.id, before);
      // Persist, then act, across the crash: the checkpoint is sent by the new main.
      await waitTurnFinished(world, s.id, 1, s.id, 20_000);
      expect(world.readDb().turns.map((t) => t.status)).toEqual(['ended']);
      await world.call('sessions.prompt', { id: s.id, text: 'Run them again', idempotencyKey: `again-${s.id}` });
      await waitTurnFinished(world, s.id, 2, s.id, 20_000);
      await checkProjection(world, s.id, true);
    }, 60_000);
  }

  // The checkpoint is acted on after recovery: the prompt goes out under its own turn (resendCheckpointed).
  it('after_turn_checkpoint: the checkpointed prompt is not lost: it runs after recovery, or the session offers Continue', async () => {
    const { world, s } = await crashMainAt('after_turn_checkpoint');
    await world.start();
    if ((await world.get(s.id)).state === 'interrupted') await world.call('sessions.continue', { id: s.id });
    await waitTurnFinished(world, s.id, 1, s.id, 10_000);
    await runFinishes(world, s.id);
  });
});
