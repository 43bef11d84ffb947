import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isPidAlive } from '../../../src/main/host/proc';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import { buildTranscript } from '../../../src/shared/transcript';
import { waitUntil } from '../../support/scripted';
import { checkProjection, checkRecovered, snapshot, waitTurnFinished } from './invariants';
import { journalFacts, readDiskJournal } from './journal-facts';
import { multiToolScript } from './scripts';
import { RecoveryWorld, useSnapshotBuild } from './world';

/**
 * The session host's crash points (src/main/host/debug-point.ts), armed
 * through main's BATON_DEBUG_POINT. In a fresh session the journal reads:
 * 1 host started, 2-5 initialize and session/new, 6 the prompt, 7 a text
 * chunk, then three records per tool (announced, in progress, completed):
 * 13 is the second tool's `completed`.
 */
const SECOND_TOOL_COMPLETED = 13;
const PROMPT = 6;

let w: RecoveryWorld | null = null;
const build = useSnapshotBuild();
beforeAll(build.before, 180_000);
afterAll(build.after);
afterEach(async () => {
  await w?.cleanup();
  w = null;
});

/** Starts a session under a host crash point and waits for the host to kill itself there. */
async function crashHostAt(spec: string): Promise<{ world: RecoveryWorld; s: SessionSummary }> {
  const world = (w = new RecoveryWorld());
  await world.start({ BATON_DEBUG_POINT: spec });
  await world.addProject(multiToolScript(4, 150));
  const s = await world.call<SessionSummary>('sessions.create', { projectId: world.projectId, prompt: 'Run the four steps', harness: 'custom' });
  const host = await waitUntil(() => world.hostFile(s.id), (h) => h !== null, 20_000, 'host.json');
  await waitUntil(() => isPidAlive(host?.pid ?? 0), (alive) => !alive, 20_000, `the host to hit ${spec}`);
  return { world, s };
}

/** Main goes too, then comes back without any crash point: the startup reconcile sees a dead host. */
async function restartMain(world: RecoveryWorld, id: string): Promise<void> {
  await world.crash();
  const before = snapshot(world).get(id);
  expect(before?.hostAlive).toBe(false);
  await world.start();
  await checkRecovered(world, id, before as NonNullable<typeof before>);
}

/** Continue brings the interrupted session back and the continued turn runs to its end. */
async function continueToTheEnd(world: RecoveryWorld, id: string): Promise<void> {
  expect(await world.call('sessions.continue', { id })).toEqual({ how: 'resume' });
  await waitTurnFinished(world, id, 1);
  const { records } = await checkProjection(world, id, true);
  const t = buildTranscript(records);
  expect(t.items.at(-1)).toMatchObject({ type: 'turn_end', stopReason: 'end_turn' });
  expect(t.items.find((i) => i.type === 'tool' && i.toolCallId === 't1-4')).toMatchObject({ status: 'completed', content: ['result 4 of turn 1'] });
}

describe('crash points in the session host', () => {
  it('after_journal_append: the record is durable but was never forwarded; recovery shows it, interrupts the turn, and Continue finishes the run', async () => {
    const { world, s } = await crashHostAt(`after_journal_append:${SECOND_TOOL_COMPLETED}`);
    // Main sees its host go and recovers the session at once: the record it was never sent comes from the journal.
    await waitUntil(() => world.get(s.id), (x) => x.state === 'interrupted', 10_000, 'the session to be interrupted');
    // The marker is appended by the catch-up that follows the state.
    const disk = await waitUntil(() => readDiskJournal(world.dataDir, s.id), (d) => d.records.length > SECOND_TOOL_COMPLETED, 10_000, 'the marker');
    expect(disk.torn).toBeNull();
    expect(journalFacts(disk.records.slice(0, SECOND_TOOL_COMPLETED)).lastCompleted).toMatchObject({ id: 't0-2', content: ['result 2 of turn 0'] });
    expect(disk.records.slice(SECOND_TOOL_COMPLETED).map((r) => r.dir)).toEqual(['host']);

    await restartMain(world, s.id);
    const t = buildTranscript(await world.records(s.id));
    expect(t.items.find((i) => i.type === 'tool' && i.toolCallId === 't0-2')).toMatchObject({ status: 'completed', content: ['result 2 of turn 0'] });
    expect(t.items.find((i) => i.type === 'tool' && i.toolCallId === 't0-3')).toBeUndefined();
    await continueToTheEnd(world, s.id);
  });

  it('mid_journal_write: a torn last line is cut off and kept aside, the tool it would have completed shows interrupted, and Continue finishes the run', async () => {
    const { world, s } = await crashHostAt(`mid_journal_write:${SECOND_TOOL_COMPLETED}`);
    // Main sees its host go and recovers at once: appending its marker, it first sets the torn line aside.
    await waitUntil(() => world.get(s.id), (x) => x.state === 'interrupted', 10_000, 'the session to be interrupted');
    const disk = await waitUntil(() => readDiskJournal(world.dataDir, s.id), (d) => d.records.at(-1)?.dir === 'host' && d.records.length >= SECOND_TOOL_COMPLETED, 10_000, 'the marker');
    expect(disk.records[SECOND_TOOL_COMPLETED - 2]?.dir).not.toBe('host');
    expect(disk.records.slice(SECOND_TOOL_COMPLETED - 1).every((r) => r.dir === 'host')).toBe(true);
    const torn = readFileSync(join(world.dataDir, 'sessions', s.id, 'journal.torn'), 'utf8');
    expect(torn).toMatch(new RegExp(`^\\{"v":1,"seq":${SECOND_TOOL_COMPLETED},`));

    await restartMain(world, s.id);
    const after = readDiskJournal(world.dataDir, s.id);
    expect(after.torn).toBeNull();
    // Nothing is thrown away: the torn bytes are kept in journal.torn.
    const kept = join(world.dataDir, 'sessions', s.id, 'journal.torn');
    expect(existsSync(kept) && readFileSync(kept, 'utf8')).toContain(torn);
    const t = buildTranscript(await world.records(s.id));
    expect(t.items.some((i) => i.type === 'diagnostic' && /torn/.test(i.text))).toBe(true);
    expect(t.items.find((i) => i.type === 'tool' && i.toolCallId === 't0-1')).toMatchObject({ status: 'completed', content: ['result 1 of turn 0'] });
    expect(t.items.find((i) => i.type === 'tool' && i.toolCallId === 't0-2')).toMatchObject({ status: 'interrupted' });
    await continueToTheEnd(world, s.id);
  });

  // The journal has no prompt, the database a checkpointed turn: after recovery the agent is started again and gets it.
  it('mid_journal_write on the prompt itself: the prompt never reached the agent, and recovery neither loses it nor leaves a turn dispatching', async () => {
    const { world, s } = await crashHostAt(`mid_journal_write:${PROMPT}`);
    // Main recovers at once (no restart): the session is detached idle, and its checkpointed prompt goes out to a new agent.
    await waitTurnFinished(world, s.id, 1, s.id, 20_000);
    const disk = readDiskJournal(world.dataDir, s.id);
    expect(disk.records.filter((r) => r.dir === 'out' && (r.msg as { method?: string }).method === 'session/prompt')).toHaveLength(1);
    const t = buildTranscript(await world.records(s.id));
    expect(t.items.some((i) => i.type === 'user' && i.text.includes('Run the four steps'))).toBe(true);
    expect(world.readDb().turns.filter((x) => x.status === 'dispatching' || x.status === 'running')).toEqual([]);
  });
});

describe('a host that dies while main keeps running', () => {
  // The lost connection triggers a reconcile of the session at once (sessions service onHostLost).
  it('leaves no ghost: the session becomes interrupted without a restart, and Continue finishes the run', async () => {
    const { world, s } = await crashHostAt(`after_journal_append:${SECOND_TOOL_COMPLETED}`);
    const now = await waitUntil(() => world.get(s.id), (x) => x.state !== 'busy', 10_000, 'the session to leave busy');
    expect(now.state).toBe('interrupted');
    await checkProjection(world, s.id, true);
    // Main still has the crash point armed, and would hand it to the next host: Continue runs under a clean main.
    await world.crash();
    await world.start();
    expect((await world.get(s.id)).state).toBe('interrupted');
    await continueToTheEnd(world, s.id);
  });
});
