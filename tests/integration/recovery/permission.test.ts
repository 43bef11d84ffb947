import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import { buildTranscript } from '../../../src/shared/transcript';
import { waitUntil } from '../../support/scripted';
import { checkProjection, checkRecovered, snapshot, waitTurnFinished } from './invariants';
import { toolRun } from './scripts';
import { RecoveryWorld, useSnapshotBuild } from './world';

/**
 * A permission request pending while main is killed must be offered to the
 * next main. Agents number their requests from 0 in every process, so after
 * the agent has been restarted (resume, Continue, Retry) the journal holds
 * two requests with the same id: the old one answered, the new one not.
 */

const build = useSnapshotBuild();
beforeAll(build.before, 180_000);
afterAll(build.after);
let w: RecoveryWorld | null = null;
afterEach(async () => {
  await w?.cleanup();
  w = null;
});

async function pendingPermission(world: RecoveryWorld, id: string): Promise<string> {
  const t = await waitUntil(async () => buildTranscript(await world.records(id)), (x) => x.pendingPermission, 20_000, 'a pending permission');
  const p = t.items.findLast((i) => i.type === 'permission' && i.outcome === null);
  if (p?.type !== 'permission') throw new Error('no pending permission');
  return p.requestKey;
}

async function allow(world: RecoveryWorld, id: string): Promise<void> {
  const requestKey = await pendingPermission(world, id);
  await waitUntil(() => world.get(id), (s) => s.state === 'waiting_input', 20_000, 'waiting_input');
  expect(await world.call('sessions.answerPermission', { id, requestKey, optionId: 'allow' })).toEqual({ answered: true });
}

describe('a permission request across a restart of main', () => {
  it('of the first agent process is offered again to the new main, answered, and the turn finishes', async () => {
    const world = (w = new RecoveryWorld());
    await world.start();
    await world.addProject({ default: { steps: toolRun(2, 50, true) } });
    const s = await world.call<SessionSummary>('sessions.create', { projectId: world.projectId, prompt: 'Ask first', harness: 'custom' });
    await pendingPermission(world, s.id);
    await world.crash();
    const before = snapshot(world).get(s.id);
    await world.start();
    await checkRecovered(world, s.id, before as NonNullable<typeof before>);
    expect((await world.get(s.id)).state).toBe('waiting_input');
    await allow(world, s.id);
    await waitTurnFinished(world, s.id, 1);
    await checkProjection(world, s.id, true);
  });

  // Each agent process numbers its requests from 0: only the current process's answers count (unansweredRequests).
  it('of a restarted agent process, whose ids repeat an earlier one, is offered again too', async () => {
    const world = (w = new RecoveryWorld());
    await world.start();
    await world.addProject({ capabilities: { resume: true, loadSession: true }, default: { steps: toolRun(2, 50, true) } });
    const s = await world.call<SessionSummary>('sessions.create', { projectId: world.projectId, prompt: 'Ask first', harness: 'custom' });
    await allow(world, s.id);
    await waitTurnFinished(world, s.id, 1);
    // Baton and the agent both go; the next prompt starts a new agent process, which numbers its requests from 0 again.
    await world.crash();
    await world.killHost(s.id);
    await world.start();
    expect((await world.get(s.id)).state).toBe('idle');
    await world.call('sessions.prompt', { id: s.id, text: 'Ask again', idempotencyKey: `again-${s.id}` });
    await pendingPermission(world, s.id);
    await world.crash();
    await world.start();
    await allow(world, s.id);
    await waitTurnFinished(world, s.id, 2, s.id, 10_000);
  });
});
