import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isPidAlive } from '../../../src/main/host/proc';
import { launchHost } from '../../../src/main/runtime/launch';
import { buildTranscript } from '../../../src/shared/transcript';
import { waitUntil } from '../../support/scripted';
import { checkProjection, checkRecovered, waitTurnFinished } from './invariants';
import { readDiskJournal } from './journal-facts';
import { cleanupWorlds, crashMainAt, FIRST_PROMPT, runFinishes } from './main-crash';
import { useSnapshotBuild, type RecoveryWorld } from './world';

/**
 * Main killed while a session starts: before its host is launched
 * (mid_spawn), while it is being launched (a host nobody recorded), and
 * once it runs but before the agent is initialized (the first committed
 * batch). The recovery table says `failed`, Retry offered; Retry must work.
 */

const build = useSnapshotBuild();
beforeAll(build.before, 180_000);
afterAll(build.after);
afterEach(() => cleanupWorlds());

/** Retry brings the agent up, and a prompt then runs to its end with the whole journal projected. */
async function retryWorks(world: RecoveryWorld, id: string): Promise<void> {
  await world.call('sessions.retry', { id });
  // No turn ever carried the prompt the session was created with: Retry sends it, then the session takes the next.
  await waitTurnFinished(world, id, 1);
  await world.call('sessions.prompt', { id, text: 'Run the steps', idempotencyKey: `after-retry-${id}` });
  await waitTurnFinished(world, id, 2);
  const { records } = await checkProjection(world, id, true);
  expect(buildTranscript(records).items.at(-1)).toMatchObject({ type: 'turn_end', stopReason: 'end_turn' });
}

describe('crash points while a session starts', () => {
  it('mid_spawn: a session whose spawn never completed is failed with Retry, and Retry brings the agent up', async () => {
    const { world, s, before } = await crashMainAt('mid_spawn');
    expect(before.db.state).toBe('starting');
    expect(world.hostFile(s.id)).toBeNull();
    await world.start();
    await checkRecovered(world, s.id, before);
    await retryWorks(world, s.id);
  });

  it('main killed mid-launch: the host it never recorded does not block Retry', async () => {
    const { world, s, before } = await crashMainAt('mid_spawn');
    // What main was doing when it died: the same launch, by the same code, left running with nobody to record it.
    const orphan = await launchHost({ sessionId: s.id, dataDir: world.dataDir, cwd: before.db.cwd, command: before.db.command.command, args: before.db.command.args, env: { PATH: process.env.PATH ?? '' } });
    expect(orphan.ok).toBe(true);
    const orphanPid = orphan.ok ? orphan.value.pid : 0;
    await world.start();
    await checkRecovered(world, s.id, before);
    await retryWorks(world, s.id);
    expect(isPidAlive(orphanPid)).toBe(false);
  });

  it('after_projection_commit:1 (main dies while the agent starts): failed with Retry, its host stopped, and Retry brings the agent up', async () => {
    const { world, s, before } = await crashMainAt('after_projection_commit:1');
    expect(before.db.state).toBe('starting');
    expect(before.hostAlive).toBe(true);
    await world.start();
    await checkRecovered(world, s.id, before);
    await waitUntil(() => isPidAlive(before.db.hostPid as number), (alive) => !alive, 10_000, 'the half-started host to be stopped');
    await retryWorks(world, s.id);
  });

  // Reconcile stops the half-started host, then projects what it journaled while stopping (its stop and exit).
  it('after_projection_commit:1: the journal of the host recovery stopped is projected whole', async () => {
    const { world, s } = await crashMainAt('after_projection_commit:1');
    await world.start();
    await waitUntil(() => world.get(s.id), (x) => x.state === 'failed', 10_000, 'failed');
    expect((await world.get(s.id)).lastSeq).toBe(readDiskJournal(world.dataDir, s.id).records.length);
  });

  it('mid_spawn: Retry runs the prompt the session was created with', async () => {
    const { world, s } = await crashMainAt('mid_spawn');
    await world.start();
    await world.call('sessions.retry', { id: s.id });
    await runFinishes(world, s.id, 10_000);
    expect(buildTranscript(await world.records(s.id)).items.find((i) => i.type === 'user')).toMatchObject({ text: FIRST_PROMPT });
  });
});
