import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seedSessions, type SeededSession } from '../../../bench/support/seed-sessions';
import { ENDINGS } from '../../../bench/support/synthetic-journals';
import type { Core } from '../../../src/main/app/core';
import { databasePath } from '../../../src/main/app/paths';
import { sessionDir } from '../../../src/main/host/paths';
import { isPidAlive } from '../../../src/main/host/proc';
import { createHostPort } from '../../../src/main/runtime';
import { readHostFile } from '../../../src/main/host/liveness';
import { createTurnsRepository } from '../../../src/main/sessions/turns-repository';
import { openDatabase } from '../../../src/main/store/db';
import { fail } from '../../../src/shared/result';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import type { JournalRecord } from '../../../src/shared/journal';
import { buildOnce } from '../../support/build';
import { callerOf, createHarness, makeRepo, type Harness } from '../../support/core-harness';
import { killSessionProcesses } from '../../support/hosts';
import { scriptedCommand, waitUntil } from '../../support/scripted';

let h: Harness;
beforeAll(() => buildOnce(), 120_000);
afterEach(() => h.cleanup());

/** A session whose turn ended, then Baton went away and the host and agent died: only the journal and the database are left. */
async function finishedSessionWithHostGone(): Promise<{ s: SessionSummary; journal: string }> {
  h = createHarness();
  const repo = makeRepo(h.tempDir());
  const { project } = await h.must('projects.add', { path: repo, name: 'rec' });
  const command = scriptedCommand(h.tempDir(), {
    prompts: [{ steps: [{ type: 'text', text: 'one ' }, { type: 'tool_call', id: 't1', title: 'Read', status: 'pending' }, { type: 'tool_update', id: 't1', status: 'completed', content: 'body' }, { type: 'text', text: 'two' }] }],
  });
  await h.must('projects.update', { id: project.id, patch: { workerAgent: 'custom', customCommand: command } });
  const s = await h.must('sessions.create', { projectId: project.id, prompt: 'work', harness: 'custom' });
  await waitUntil(() => h.must('sessions.get', { id: s.id }), (x) => x.state === 'idle' && x.lastSeq > 8, 20_000, 'the turn to end');
  await h.core.close();
  await killSessionProcesses(h.dataDir, s.id);
  return { s, journal: join(h.dataDir, 'sessions', s.id, 'journal.jsonl') };
}

const journalRecords = (path: string): JournalRecord[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as JournalRecord);

describe('reconcile: the journal wins a disagreement, and people are told', () => {
  it('a database ahead of its journal is cut back to it; the card shows the divergence until acknowledged', async () => {
    const { s, journal } = await finishedSessionWithHostGone();
    const lines = readFileSync(journal, 'utf8').split('\n').filter(Boolean);
    // The journal lost its last three lines (a disk that lied about a flush, a restored backup).
    writeFileSync(journal, lines.slice(0, -3).join('\n') + '\n');
    const { core, call } = h.reopen();
    const report = await core.recover();
    expect(report?.divergences).toBe(1);

    const after = await call<SessionSummary>('sessions.get', { id: s.id });
    expect(after.divergence?.detail).toMatch(/does not have/);
    // The lines lost included the turn's end: by the journal, a turn was open when the host died.
    expect(after.state).toBe('interrupted');
    const projected = (await call<{ records: JournalRecord[] }>('sessions.records', { id: s.id, afterSeq: 0, limit: 10_000 })).records;
    const disk = journalRecords(journal);
    expect(projected.map((r) => r.seq)).toEqual(projected.map((_, i) => i + 1));
    expect(projected.map((r) => JSON.stringify([r.dir, r.msg]))).toEqual(disk.map((r) => JSON.stringify([r.dir, r.msg])));
    expect(after.lastSeq).toBe(disk.length);

    const acked = await call<SessionSummary>('sessions.acknowledgeDivergence', { id: s.id });
    expect(acked.divergence).toBeNull();
    // A second reconcile finds nothing more to say.
    expect((await call<{ divergences: number }>('app.reconcile', {})).divergences).toBe(0);
  });

  it('a line the journal contradicts is replaced from the journal on, and nothing else is touched', async () => {
    const { s, journal } = await finishedSessionWithHostGone();
    const records = journalRecords(journal);
    const target = records.findIndex((r) => JSON.stringify(r.msg).includes('"one "'));
    expect(target).toBeGreaterThan(0);
    // The database recorded one version of this line; the journal (the truth) says another.
    const edited = records.map((r, i) => (i === target ? { ...r, msg: JSON.parse(JSON.stringify(r.msg).replace('"one "', '"uno "')) as unknown } : r));
    writeFileSync(journal, edited.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const { core, call } = h.reopen();
    expect((await core.recover())?.divergences).toBe(1);

    const after = await call<SessionSummary>('sessions.get', { id: s.id });
    expect(after.divergence?.detail).toContain(`Line ${records[target]!.seq}`);
    const projected = (await call<{ records: JournalRecord[] }>('sessions.records', { id: s.id, afterSeq: 0, limit: 10_000 })).records;
    expect(projected.map((r) => JSON.stringify(r.msg))).toEqual(edited.map((r) => JSON.stringify(r.msg)));
    expect(after.state).toBe('idle');
  });

  it('a database that agrees with its journal is left alone', async () => {
    const { s } = await finishedSessionWithHostGone();
    const { core, call } = h.reopen();
    const report = await core.recover();
    expect(report?.divergences).toBe(0);
    expect((await call<SessionSummary>('sessions.get', { id: s.id })).divergence).toBeNull();
  });
});

describe('quitting and the clean-shutdown marker', () => {
  it('a clean close is remembered; a process that never closed is reported as an unclean shutdown', async () => {
    h = createHarness();
    expect(h.core.status().recovery.lastShutdown).toBe('first_run');
    await h.core.close();
    const second = h.reopen();
    expect(second.core.status().recovery.lastShutdown).toBe('clean');
    // The second run is never closed (as if killed): the next start says so.
    const third = h.reopen();
    expect(third.core.status().recovery.lastShutdown).toBe('unclean');
  });

  it('settings are validated, kept, and "Stop all agents" on close stops every agent and its host', async () => {
    h = createHarness();
    const bad = await h.call('app.updateSettings', { quitBehavior: 'explode' } as never);
    expect(bad.ok ? null : bad.error.code).toBe('invalid_input');
    expect(await h.must('app.updateSettings', { quitBehavior: 'stop_all' })).toEqual({ quitBehavior: 'stop_all' });
    expect(h.core.settings().quitBehavior).toBe('stop_all');

    const repo = makeRepo(h.tempDir());
    const { project } = await h.must('projects.add', { path: repo, name: 'quit' });
    const command = scriptedCommand(h.tempDir(), { prompts: [{ steps: [{ type: 'tool_call', id: 'long', title: 'Long', status: 'in_progress' }, { type: 'hang' }] }] });
    await h.must('projects.update', { id: project.id, patch: { workerAgent: 'custom', customCommand: command } });
    const s = await h.must('sessions.create', { projectId: project.id, prompt: 'work', harness: 'custom' });
    await waitUntil(() => h.must('sessions.get', { id: s.id }), (x) => x.state === 'busy', 20_000, 'busy');
    const host = readHostFile(sessionDir(h.dataDir, s.id));
    if (!host) throw new Error(`no host.json for ${s.id}`);
    expect(h.core.openSessionCount()).toBe(1);

    await h.core.close({ stopAgents: true });
    await waitUntil(() => [host.pid, host.agentPid].filter((p) => p !== null && isPidAlive(p)), (l) => l.length === 0, 10_000, 'every process stopped');
    const { core, call } = h.reopen();
    expect(core.status().recovery.lastShutdown).toBe('clean');
    expect(core.status().settings.quitBehavior).toBe('stop_all');
    expect((await call<SessionSummary>('sessions.get', { id: s.id })).state).toBe('stopped');
  });

  it('"Reconcile now" while one runs joins it rather than racing it', async () => {
    h = createHarness();
    const [a, b] = await Promise.all([h.must('app.reconcile', {}), h.must('app.reconcile', {})]);
    expect(a).toEqual(b);
    expect(h.core.status().recovery.lastReconcile).toEqual(a);
  });
});

/** Sessions whose hosts are gone, with long journals the database applied only half of (bench/support). */
async function seeded(count: number, lines: number): Promise<SeededSession[]> {
  h = createHarness();
  const repo = makeRepo(h.tempDir());
  const { project } = await h.must('projects.add', { path: repo, name: 'catch-up' });
  // Retry looks the agent's command up again: there must be one to find.
  await h.must('projects.update', { id: project.id, patch: { workerAgent: 'custom', customCommand: scriptedCommand(h.tempDir(), { prompts: [] }) } });
  await h.core.close();
  return seedSessions({ dataDir: h.dataDir, projectId: project.id, cwd: repo, count, linesPerSession: lines });
}

/** Resolves at the first status that carries a finished reconcile's report: every state is decided then. */
const boardReady = (core: Core): Promise<void> =>
  new Promise((resolve) => {
    const stop = core.hub.listen((name) => {
      if (name === 'app.statusChanged' && core.status().recovery.lastReconcile) {
        stop();
        resolve();
      }
    });
  });

/** Every session is in the recovery table's state and holds its whole journal (an interrupted one, its one marker). */
async function expectCaughtUp(core: Core, sessions: readonly SeededSession[]): Promise<void> {
  const call = callerOf(core);
  for (const seed of sessions) {
    const { records } = await call<{ records: JournalRecord[] }>('sessions.records', { id: seed.id, afterSeq: 0, limit: 10_000 });
    const got = await call<SessionSummary>('sessions.get', { id: seed.id });
    const disk = journalRecords(join(h.dataDir, 'sessions', seed.id, 'journal.jsonl'));
    const markers = disk.filter((x) => x.dir === 'host' && JSON.stringify(x.msg).includes('"marker":"interrupted"'));
    expect(got.state).toBe(seed.expected);
    expect(markers.length).toBe(seed.expected === 'interrupted' ? 1 : 0);
    expect(got.lastSeq).toBe(disk.length);
    expect(records.map((x) => JSON.stringify([x.seq, x.dir, x.msg]))).toEqual(disk.map((x) => JSON.stringify([x.seq, x.dir, x.msg])));
  }
}

function expectNoOpenTurns(sessions: readonly SeededSession[]): void {
  const db = openDatabase(databasePath(h.dataDir));
  if (!db.ok) throw new Error(db.error.message);
  const turns = createTurnsRepository(db.value);
  for (const s of sessions) expect(turns.open(s.id)).toEqual([]);
  db.value.close();
}

describe('reconcile in two phases: the board first, then the journals', () => {
  it('states are decided and broadcast before any missing line is projected; recover() resolves once every line is', async () => {
    const sessions = await seeded(Object.keys(ENDINGS).length, 1500);
    const { core, call } = h.reopen();
    const changed = new Set<string>();
    core.hub.listen((name, payload) => name === 'sessions.changed' && changed.add((payload as { sessionId: string }).sessionId));
    let atBoard: SessionSummary[] = [];
    const ready = boardReady(core).then(async () => {
      expect(core.status().recovery.reconciling).toBe(true);
      atBoard = await call<SessionSummary[]>('sessions.list', {});
    });
    const report = await core.recover();
    await ready;
    expect(core.status().recovery.reconciling).toBe(false);
    for (const seed of sessions) {
      const s = atBoard.find((x) => x.id === seed.id);
      expect(s?.state).toBe(seed.expected);
      expect(s?.lastSeq).toBe(seed.dbSeq);
    }
    const moved = sessions.filter((s) => ENDINGS[s.ending].db !== s.expected);
    expect(report?.moved.map((m) => m.sessionId).sort()).toEqual(moved.map((s) => s.id).sort());
    for (const s of sessions) expect(changed.has(s.id)).toBe(true);
    await expectCaughtUp(core, sessions);
    await core.close();
    expectNoOpenTurns(sessions);
  });

  it('a quit during catch-up stops between batches; the next start finishes it, interrupted markers included', async () => {
    const sessions = await seeded(Object.keys(ENDINGS).length, 1500);
    const first = h.reopen().core;
    const closed = boardReady(first).then(() => first.close());
    await first.recover();
    await closed;
    const behind = await readBehind(sessions);
    expect(behind).toBeGreaterThan(0);

    const { core } = h.reopen();
    const report = await core.recover();
    // The interrupted ones were decided by the first start; only the sessions still live were reconciled again.
    expect(report?.moved).toEqual([]);
    await expectCaughtUp(core, sessions);
    await core.close();
    expectNoOpenTurns(sessions);
  });

  it('a session is not launched again until its own catch-up is done, and it goes to the front of the queue', async () => {
    const sessions = await seeded(Object.keys(ENDINGS).length, 1500);
    const interrupted = sessions.find((s) => s.expected === 'interrupted') as SeededSession;
    let atLaunch: { lastSeq: number; othersBehind: number } | null = null;
    const real = createHostPort();
    const { core, call } = h.reopen({
      host: {
        ...real,
        launch: async (o) => {
          const list = await call<SessionSummary[]>('sessions.list', {});
          const bySeed = (s: SeededSession) => list.find((x) => x.id === s.id)?.lastSeq ?? 0;
          atLaunch = { lastSeq: bySeed(interrupted), othersBehind: sessions.filter((s) => s !== interrupted && bySeed(s) < s.journalSeq).length };
          return fail('host_failed', `not launching ${o.sessionId} in this test`);
        },
      },
    });
    const continued = boardReady(core).then(() => core.router.call('sessions.continue', { id: interrupted.id }, { via: 'test' }));
    await core.recover();
    // This test's host port refuses the launch, so Continue reports that it could not start the agent.
    const r = await continued;
    expect(r.ok ? null : r.error.code).toBe('continue_failed');
    await waitUntil(() => atLaunch, (x) => x !== null, 10_000, 'the launch');
    // Its whole journal, and the interrupted marker reconcile appended after it.
    expect(atLaunch).toEqual({ lastSeq: interrupted.journalSeq + 1, othersBehind: expect.any(Number) as number });
    expect((atLaunch as unknown as { othersBehind: number }).othersBehind).toBeGreaterThan(0);
  });
});

async function readBehind(sessions: readonly SeededSession[]): Promise<number> {
  const { core, call } = h.reopen();
  const list = await call<SessionSummary[]>('sessions.list', {});
  await core.close();
  return sessions.filter((s) => (list.find((x) => x.id === s.id)?.lastSeq ?? 0) < s.journalSeq).length;
}
