import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isPidAlive } from '../../../src/main/host/proc';
import type { AppStatus } from '../../../src/shared/contracts/app';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import type { JournalRecord } from '../../../src/shared/journal';
import { buildTranscript } from '../../../src/shared/transcript';
import { waitUntil } from '../../support/scripted';
import { RecoveryWorld, useSnapshotBuild } from '../recovery/world';
import { lostHostScript, methodsSent, WAIT_MS } from './lost-hosts';

/**
 * Issue 18, part 3: Baton is SIGKILLed in the middle of a hibernation, at
 * the two debug points of sessions/hibernate.ts. The real app runs as a
 * child process (out/main/serve.js); BATON_DEBUG_POINT makes it kill itself
 * at the named point, nothing here sends a signal. Either way the restarted
 * app finds a consistent session: still live and idle (before the stop: the
 * host was never asked), or hibernated (after: the host journaled its exit
 * with cause `stopped` and ended), never interrupted or failed; and the next
 * prompt resumes the conversation.
 */

const build = useSnapshotBuild();
beforeAll(build.before, 180_000);
afterAll(build.after);

const worlds: RecoveryWorld[] = [];
afterEach(async () => {
  await Promise.all(worlds.splice(0).map((w) => w.cleanup()));
}, 60_000);

/** How long a session idles before it hibernates, in both apps of a case (the setting is stored). */
const IDLE_SECONDS = 1;

const exits = (records: readonly JournalRecord[]) => records.filter((r) => r.dir === 'host' && typeof r.msg === 'object' && r.msg !== null && 'exit' in r.msg);
const turnsEnded = (records: readonly JournalRecord[]) => buildTranscript(records).items.filter((i) => i.type === 'turn_end').length;

/** A session answers its first prompt, goes idle, and main kills itself at `point` when the idle timer hibernates it. */
async function crashWhileHibernating(point: 'before_hibernate_stop' | 'after_hibernate_stop') {
  const world = new RecoveryWorld();
  worlds.push(world);
  const app = await world.start({ BATON_DEBUG_POINT: point });
  await world.call('app.updateSettings', { hibernateAfterSeconds: IDLE_SECONDS });
  const store = join(world.base, 'agent-store');
  mkdirSync(store);
  await world.addProject(lostHostScript(store));
  const s = await world.call<SessionSummary>('sessions.create', { projectId: world.projectId, prompt: 'first question', harness: 'custom' });
  // The crash point fires on its own once the idle timer runs out.
  expect(await app.exited).toEqual({ code: null, signal: 'SIGKILL' });
  world.app = null;
  const host = world.hostFile(s.id);
  if (!host) throw new Error('the session never wrote host.json');
  const [db] = world.readDb().sessions;
  expect(db?.state).toBe('idle');
  return { world, id: s.id, host, hostWasAlive: db ? RecoveryWorld.hostAlive(db) : false };
}

/** The next prompt resumes the same conversation (no new one) and its turn completes. */
async function promptResumes(world: RecoveryWorld, id: string): Promise<void> {
  const before = await world.records(id);
  expect(turnsEnded(before)).toBe(1);
  await world.call('sessions.prompt', { id, text: 'second question', idempotencyKey: `after-crash-${id}` });
  const after = await waitUntil(() => world.records(id), (r) => turnsEnded(r) >= 2 && !buildTranscript(r).turnOpen, WAIT_MS, 'the resumed turn to end');
  const sent = methodsSent(after.slice(before.length));
  expect(sent).toContain('session/resume');
  expect(sent).not.toContain('session/new');
  const t = buildTranscript(after);
  expect(t.items.filter((i) => i.type === 'agent').map((i) => (i as { text: string }).text).join(' ')).toContain('answered 1');
  expect(t.items.at(-1)).toMatchObject({ type: 'turn_end' });
  expect(t.items.some((i) => i.type === 'marker' && i.marker === 'interrupted')).toBe(false);
}

describe('Baton killed during a hibernation', () => {
  it('before_hibernate_stop: the host was never asked to stop; the new main reattaches it idle, it hibernates again later, and a prompt resumes it', { timeout: 180_000 }, async () => {
    const { world, id, host, hostWasAlive } = await crashWhileHibernating('before_hibernate_stop');
    // Main died before the stop request: host and agent live on, nothing journaled an exit.
    expect(hostWasAlive).toBe(true);
    expect(isPidAlive(host.pid)).toBe(true);
    expect(exits(readJournal(world, id))).toEqual([]);

    await world.start();
    const status = await world.call<AppStatus>('app.status', {});
    expect(status.recovery.lastReconcile).toMatchObject({ reattached: 1, moved: [] });

    // The reattached session's idle timer runs again under the stored setting: it hibernates, the same host stopped.
    const s = await waitUntil(() => world.get(id), (x) => x.hibernated === true, WAIT_MS, 'the reattached session to hibernate');
    expect(s.state).toBe('idle');
    await waitUntil(() => [host.pid, host.agentPid].filter((p): p is number => typeof p === 'number' && isPidAlive(p)), (alive) => alive.length === 0, WAIT_MS, 'the host and agent to end');
    const ended = exits(await world.records(id));
    expect(ended).toHaveLength(1);
    expect(ended[0]?.msg).toMatchObject({ cause: 'stopped' });

    await promptResumes(world, id);
  });

  it('after_hibernate_stop: the host journaled its stop and ends; the new main shows the session hibernated (not interrupted, not failed), and a prompt resumes it', { timeout: 180_000 }, async () => {
    const { world, id, host } = await crashWhileHibernating('after_hibernate_stop');
    // The stop was answered (the exit is journaled) before main died: the host only drains and leaves.
    const journaled = readJournal(world, id);
    expect(exits(journaled)).toHaveLength(1);
    expect(exits(journaled)[0]?.msg).toMatchObject({ cause: 'stopped' });

    // Restarted at once, whether or not the host process has finished leaving.
    await world.start();
    const status = await world.call<AppStatus>('app.status', {});
    expect(status.recovery.lastReconcile?.moved).toEqual([]);
    const s = await world.get(id);
    expect(s).toMatchObject({ state: 'idle', hibernated: true });
    await waitUntil(() => [host.pid, host.agentPid].filter((p): p is number => typeof p === 'number' && isPidAlive(p)), (alive) => alive.length === 0, WAIT_MS, 'the host and agent to end');
    const listed = await world.call<SessionSummary[]>('sessions.list', { projectId: world.projectId });
    expect(listed.find((x) => x.id === id)).toMatchObject({ state: 'idle', hibernated: true });
    expect(buildTranscript(await world.records(id)).items.some((i) => i.type === 'marker' && i.marker === 'interrupted')).toBe(false);

    await promptResumes(world, id);
  });
});

/** The journal on disk, as the dead main left it (read without a running app). */
function readJournal(world: RecoveryWorld, id: string): JournalRecord[] {
  const text = readFileSync(join(world.dataDir, 'sessions', id, 'journal.jsonl'), 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as JournalRecord);
}
