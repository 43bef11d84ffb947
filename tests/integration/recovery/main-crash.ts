import { expect } from 'vitest';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import { buildTranscript } from '../../../src/shared/transcript';
import { checkProjection, snapshot, waitTurnFinished, type Snapshot } from './invariants';
import { multiToolScript } from './scripts';
import { RecoveryWorld } from './world';

export const FIRST_PROMPT = 'Run the four steps';

const worlds: RecoveryWorld[] = [];

/** For afterEach: every world crashMainAt made, and every process it left behind. */
export async function cleanupWorlds(): Promise<void> {
  await Promise.all(worlds.splice(0).map((w) => w.cleanup()));
}

/**
 * Creates a session in a new world under a main crash point and waits for
 * serve.js to kill itself there; returns what the database and the journal
 * held at that instant.
 */
export async function crashMainAt(spec: string, tools = 4, pauseMs = 250): Promise<{ world: RecoveryWorld; s: { id: string }; before: Snapshot }> {
  const world = new RecoveryWorld();
  worlds.push(world);
  const app = await world.start({ BATON_DEBUG_POINT: spec });
  await world.addProject(multiToolScript(tools, pauseMs));
  // mid_spawn fires before create has answered: the session is then known from the database only.
  await world.call<SessionSummary>('sessions.create', { projectId: world.projectId, prompt: FIRST_PROMPT, harness: 'custom' }).catch((e: Error) => {
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

/** The first turn ran to its scripted end, every record projected once. */
export async function runFinishes(world: RecoveryWorld, id: string, ms = 60_000): Promise<void> {
  await waitTurnFinished(world, id, 1, id, ms);
  const { records } = await checkProjection(world, id, true);
  const t = buildTranscript(records);
  expect(t.items.at(-1)).toMatchObject({ type: 'turn_end', stopReason: 'end_turn' });
  for (let k = 1; k <= 4; k++) expect(t.items.find((i) => i.type === 'tool' && i.toolCallId === `t0-${k}`)).toMatchObject({ status: 'completed', content: [`result ${k} of turn 0`] });
  expect(t.items.filter((i) => i.type === 'user')).toHaveLength(1);
}
