import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import { buildTranscript } from '../../../src/shared/transcript';
import { ensureHostBuilt } from '../host/helpers';
import { waitUntil } from '../../support/scripted';
import { checkProjection, checkRecovered, snapshot, waitTurnFinished, type Snapshot } from './invariants';
import { multiToolScript } from './scripts';
import { RecoveryWorld } from './world';

/**
 * The main process's crash points (src/main/recovery/debug-points.ts, hit in
 * sessions/live.ts and sessions/service.ts): serve.js kills itself there,
 * its host and agent live on, and a new serve.js recovers the session.
 */

let w: RecoveryWorld | null = null;
beforeAll(() => ensureHostBuilt(), 180_000);
afterEach(async () => {
  await w?.cleanup();
  w = null;
});

/** Creates a session under a main crash point and waits for serve.js to kill itself there. */
async function crashMainAt(spec: string, tools = 4, pauseMs = 250): Promise<{ world: RecoveryWorld; s: { id: string }; before: Snapshot }> {
  const world = (w = new RecoveryWorld());
  const app = await world.start({ BATON_DEBUG_POINT: spec });
  await world.addProject(multiToolScript(tools, pauseMs));
  // mid_spawn fires before create has answered: the session is then known from the database only.
  await world.call<SessionSummary>('sessions.create', { projectId: world.projectId, prompt: 'Run the four steps', harness: 'custom' }).catch((e: Error) => {
    if (!/app_gone/.test(e.message)) throw e;
  });
  // The crash point fires on its own: nothing here sends a signal.
  expect(await app.exited).toEqual({ code: null, signal: 'SIGKILL' });
  world.app = null;
  const [only, ...more] = [...snapshot(world).values()];
  expect(more).toEqual([]);
  const before = only as Snapshot;
  expect(before).toBeDefined();
  return { world, s: { id: before.db.id }, before };
}

/** The run goes on under its surviving host and ends as scripted, every record projected once. */
async function runFinishes(world: RecoveryWorld, id: string): Promise<void> {
  await waitTurnFinished(world, id, 1);
  const { records } = await checkProjection(world, id, true);
  const t = buildTranscript(records);
  expect(t.items.at(-1)).toMatchObject({ type: 'turn_end', stopReason: 'end_turn' });
  for (let k = 1; k <= 4; k++) expect(t.items.find((i) => i.type === 'tool' && i.toolCallId === `t0-${k}`)).toMatchObject({ status: 'completed', content: [`result ${k} of turn 0`] });
  expect(t.items.filter((i) => i.type === 'user')).toHaveLength(1);
}

describe('crash points in the main process', () => {
  // Each commit of a batch is one hit; the 8th falls inside the tool run (the first few carry initialize and session/new).
  for (const point of ['after_projection_commit', 'before_broadcast'] as const) {
    it(`${point}: the host and agent live on; a new main reattaches, catches up from the last applied seq, and the run finishes`, async () => {
      const { world, s, before } = await crashMainAt(`${point}:8`);
      expect(before.hostAlive).toBe(true);
      expect(before.db.state).toBe('busy');
      await world.start();
      await checkRecovered(world, s.id, before);
      await runFinishes(world, s.id);
    });
  }

  it('mid_spawn: a session whose spawn never completed is failed with Retry, and Retry brings the agent up', async () => {
    const { world, s, before } = await crashMainAt('mid_spawn');
    expect(before.db.state).toBe('starting');
    expect(world.hostFile(s.id)).toBeNull();
    await world.start();
    await checkRecovered(world, s.id, before);
    await world.call('sessions.retry', { id: s.id });
    await waitUntil(() => world.get(s.id), (x) => x.state === 'idle' || x.state === 'busy', 20_000, 'the retried session to come up');
  });

  // Fails today: the first prompt lives only in memory until the agent is up, so Retry starts an agent with nothing to do.
  // Fix in src/main/sessions/service.ts (README.md here, "Known failures").
  it.fails('mid_spawn: Retry runs the prompt the session was created with', async () => {
    const { world, s } = await crashMainAt('mid_spawn');
    await world.start();
    await world.call('sessions.retry', { id: s.id });
    await waitTurnFinished(world, s.id, 1, s.id, 10_000);
    await runFinishes(world, s.id);
  });

  for (const point of ['after_turn_checkpoint', 'before_prompt_send'] as const) {
    it(`${point}: the turn is checkpointed but never sent; the session reattaches idle, and the next prompt runs and ends the turn`, async () => {
      const { world, s, before } = await crashMainAt(point);
      expect(before.hostAlive).toBe(true);
      expect(before.facts.lastPromptAt).toBe(-1);
      expect(world.readDb().turns.map((t) => t.status)).toEqual(['dispatching']);
      await world.start();
      await checkRecovered(world, s.id, before);
      await world.call('sessions.prompt', { id: s.id, text: 'Run them again', idempotencyKey: `again-${s.id}` });
      await waitTurnFinished(world, s.id, 1, s.id, 20_000);
      await checkProjection(world, s.id, true);
    }, 60_000);

  }

  // Fails today: the checkpoint is never acted on; the prompt is lost and its turn stays `dispatching` (before_prompt_send,
  // at the same place, fails alike). Fix in src/main/recovery/reconcile.ts (README.md here, "Known failures").
  it.fails('after_turn_checkpoint: the checkpointed prompt is not lost: it runs after recovery, or the session offers Continue', async () => {
    const { world, s } = await crashMainAt('after_turn_checkpoint');
    await world.start();
    if ((await world.get(s.id)).state === 'interrupted') await world.call('sessions.continue', { id: s.id });
    await waitTurnFinished(world, s.id, 1, s.id, 10_000);
    await runFinishes(world, s.id);
  });
});
