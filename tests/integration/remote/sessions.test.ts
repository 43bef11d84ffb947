import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import type { JournalRecord } from '../../../src/shared/journal';
import { sessionView, summaryFacts } from '../../../src/shared/session-view';
import { buildTranscript } from '../../../src/shared/transcript';
import { isPidAlive } from '../../../src/main/host/proc';
import { callerOf, createHarness, git, makeRepo, type Caller, type Harness } from '../../support/core-harness';
import { scriptedCommand } from '../../support/scripted';
import { HOST_ALIAS } from '../../support/sshd';
import { useSshdForCores } from './helpers';
import { readyForPrompt, waitUntil } from '../../support/wait';

const world = useSshdForCores();
let h: Harness;
beforeEach(() => {
  h = createHarness();
});
afterEach(async () => {
  // Only a link a test took down is brought back: a second sshd on a live port would be orphaned.
  if (linkDown) await linkUp();
  await h.cleanup();
  // Whatever a test left running over there (the remote is this machine): no host outlives it.
  for (const pid of remotePids) if (isPidAlive(pid)) process.kill(pid, 'SIGKILL');
  remotePids.clear();
});

const remotePids = new Set<number>();
let linkDown = false;
const linkDownNow = async () => {
  linkDown = true;
  await world.sshd.down();
};
const linkUp = async () => {
  await world.sshd.up();
  linkDown = false;
};
const remoteData = () => join(world.sshd.remoteHome, '.baton-remote', 'data');
const hostFile = (id: string) => JSON.parse(readFileSync(join(remoteData(), 'sessions', id, 'host.json'), 'utf8')) as { pid: number; agentPid?: number };
/** The remote journal read straight from its file: what the host wrote there, independent of Baton's reading of it. */
const journalOnRemote = (id: string): JournalRecord[] =>
  readFileSync(join(remoteData(), 'sessions', id, 'journal.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as JournalRecord);

const records = async (call: Caller, id: string) => (await call<{ records: JournalRecord[] }>('sessions.records', { id, afterSeq: 0, limit: 10_000 })).records;
const texts = (rs: JournalRecord[]) => buildTranscript(rs).items.flatMap((i) => (i.type === 'agent' ? [i.text] : []));

/** A project on the fixture's `devbox`, running the scripted agent there (the remote is this machine, so its paths work there). */
async function remoteProject(script: unknown) {
  const dir = `${world.sshd.remoteHome}/repo-${Math.random().toString(36).slice(2, 8)}`;
  mkdirSync(dir);
  const repo = makeRepo(dir);
  git(repo, 'switch', '-q', '-c', 'trunk');
  const { project } = await h.must('projects.add', { path: `ssh://${HOST_ALIAS}${repo}` });
  const command = scriptedCommand(h.tempDir(), { store: h.tempDir('agent-store-'), capabilities: { resume: true, loadSession: true }, ...(script as object) });
  await h.must('projects.update', { id: project.id, patch: { workerAgent: 'custom', customCommand: command } });
  return { project, repo };
}

const chunks = (n: number, ms: number) => [...Array.from({ length: n }, (_, i) => [{ type: 'text', text: `chunk ${i} ` }, { type: 'delay', ms }]).flat(), { type: 'text', text: 'done' }];
const allChunks = (n: number) => `${Array.from({ length: n }, (_, i) => `chunk ${i} `).join('')}done`;

/** Every seq once, from 1, with nothing missing: what the board holds is exactly the remote journal. */
function expectExactlyOnce(db: JournalRecord[], remote: JournalRecord[]): void {
  expect(db.map((r) => r.seq)).toEqual(db.map((_, i) => i + 1));
  expect(db).toEqual(remote.slice(0, db.length));
}

describe('sessions on an SSH destination, through the domain', { timeout: 120_000 }, () => {
  it('sessions.create runs the agent on the remote, in a worktree made there, and the turn finishes', async () => {
    const { project } = await remoteProject({ prompts: [{ match: 'go', steps: chunks(3, 5) }] });
    const s = await h.must('sessions.create', { projectId: project.id, prompt: 'go' });
    // The worktree is on the remote, under Baton's folder in the remote home, not in the desk's data dir.
    expect(s.worktreePath?.startsWith(join(world.sshd.remoteHome, '.baton-remote', 'worktrees'))).toBe(true);
    expect(existsSync(join(h.dataDir, 'worktrees'))).toBe(false);
    // Idle comes first after session/new, before the prompt goes out: the turn's end is read from the transcript.
    const rs = await waitUntil(() => records(callerOf(h.core), s.id), (x) => texts(x).join('').endsWith('done') && !buildTranscript(x).turnOpen, 30_000, 'the turn to finish');
    remotePids.add(hostFile(s.id).pid);
    const done = await waitUntil(() => h.must('sessions.get', { id: s.id }), (x) => readyForPrompt(x) && x.lastSeq >= rs.length, 10_000, 'idle after the turn');
    expect(texts(rs).join('')).toBe(allChunks(3));
    expectExactlyOnce(rs, journalOnRemote(s.id));
    expect(done.disconnected ?? null).toBeNull();
    // Its journal stayed where the host runs: nothing of it on the desk.
    expect(existsSync(join(h.dataDir, 'sessions', s.id, 'journal.jsonl'))).toBe(false);
  });

  it('the link drops mid-turn: Disconnected (host unreachable), never interrupted; back: reattached, every event exactly once, the turn finishes', async () => {
    const { project } = await remoteProject({ prompts: [{ match: 'go', steps: chunks(40, 40) }] });
    const s = await h.must('sessions.create', { projectId: project.id, prompt: 'go' });
    await waitUntil(async () => texts(await records(callerOf(h.core), s.id)).join(''), (t) => t.includes('chunk 5 '), 30_000, 'the turn under way');
    remotePids.add(hostFile(s.id).pid);

    await linkDownNow();
    const down = await waitUntil(() => h.must('sessions.get', { id: s.id }), (x) => x.disconnected != null, 20_000, 'the session to show Disconnected');
    // Its state is what it was: the agent is still working over there.
    expect(down.state).toBe('busy');
    expect(sessionView(summaryFacts(down)).label).toBe('Disconnected (host unreachable)');
    // Nothing can reach it from here: a stop is refused (it would leave the agent running there unseen), not recorded.
    expect(await h.call('sessions.stop', { id: s.id })).toMatchObject({ ok: false, error: { code: 'unreachable' } });
    const seen = down.lastSeq;
    await waitUntil(() => journalOnRemote(s.id).at(-1)?.seq ?? 0, (n) => n > seen + 3, 20_000, 'the remote journal to grow during the outage');
    expect((await h.must('sessions.get', { id: s.id })).state).toBe('busy');

    await linkUp();
    const back = await waitUntil(() => h.must('sessions.get', { id: s.id }), (x) => readyForPrompt(x) && x.disconnected == null, 40_000, 'reattached and the turn finished');
    // Reattached idle (the journal says the turn ended over there); its lines are still streaming in from the host.
    const rs = await waitUntil(() => records(callerOf(h.core), s.id), (x) => texts(x).join('').endsWith('done'), 20_000, 'the caught-up transcript');
    expect(texts(rs).join('')).toBe(allChunks(40));
    expectExactlyOnce(rs, journalOnRemote(s.id));
    expect(back.lastSeq).toBeLessThanOrEqual(rs.length);
    // Never interrupted or failed on the way.
    expect(rs.some((r) => (r.msg as { marker?: string }).marker === 'interrupted')).toBe(false);
  });

  it('Baton restarted while the link is down: Disconnected within 1 s, never blocking the board; recovers when the link returns', async () => {
    const { project } = await remoteProject({ prompts: [{ match: 'go', steps: chunks(30, 50) }] });
    const s = await h.must('sessions.create', { projectId: project.id, prompt: 'go' });
    await waitUntil(async () => texts(await records(callerOf(h.core), s.id)).join(''), (t) => t.includes('chunk 3 '), 30_000, 'the turn under way');
    remotePids.add(hostFile(s.id).pid);
    await h.core.close();
    await linkDownNow();

    const { core, call } = h.reopen();
    const started = Date.now();
    void core.recover();
    const down = await waitUntil(() => call<SessionSummary>('sessions.get', { id: s.id }), (x) => x.disconnected != null, 1000, 'Disconnected within 1 s of the restart', 20);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(down.state).toBe('busy');
    // The board answers meanwhile: the reconcile did not wait on the unreachable host.
    expect((await call<{ recovery: { lastReconcile: unknown } }>('app.status', {})).recovery.lastReconcile).not.toBeNull();

    await linkUp();
    await waitUntil(() => call<SessionSummary>('sessions.get', { id: s.id }), (x) => readyForPrompt(x) && x.disconnected == null, 40_000, 'reattached and the turn finished');
    const rs = await waitUntil(() => records(call, s.id), (x) => texts(x).join('').endsWith('done'), 20_000, 'the caught-up transcript');
    expect(texts(rs).join('')).toBe(allChunks(30));
    expectExactlyOnce(rs, journalOnRemote(s.id));
  });

  it('the remote host is killed mid-turn: Interrupted (not Disconnected), the marker appended there; Continue relaunches it there', async () => {
    const { project } = await remoteProject({
      prompts: [
        { match: 'Continue where you left off', steps: [{ type: 'text', text: 'Picked up again.' }] },
        { match: 'go', steps: [{ type: 'text', text: 'working' }, { type: 'hang' }] },
      ],
    });
    const s = await h.must('sessions.create', { projectId: project.id, prompt: 'go' });
    await waitUntil(async () => texts(await records(callerOf(h.core), s.id)).join(''), (t) => t.includes('working'), 30_000, 'the turn under way');
    const first = hostFile(s.id);
    for (const pid of [first.pid, first.agentPid]) if (pid) process.kill(pid, 'SIGKILL');

    const after = await waitUntil(() => h.must('sessions.get', { id: s.id }), (x) => x.state === 'interrupted', 30_000, 'Interrupted');
    expect(after.disconnected ?? null).toBeNull();
    await waitUntil(() => journalOnRemote(s.id), (j) => j.some((r) => (r.msg as { marker?: string }).marker === 'interrupted'), 10_000, 'the marker appended on the remote');
    await waitUntil(() => records(callerOf(h.core), s.id), (rs) => rs.some((r) => (r.msg as { marker?: string }).marker === 'interrupted'), 10_000, 'the marker projected');

    expect(await h.must('sessions.continue', { id: s.id })).toEqual({ how: 'resume' });
    remotePids.add(hostFile(s.id).pid);
    expect(hostFile(s.id).pid).not.toBe(first.pid);
    const rs = await waitUntil(() => records(callerOf(h.core), s.id), (x) => texts(x).join('').includes('Picked up again.') && !buildTranscript(x).turnOpen, 30_000, 'the continued turn to finish');
    await waitUntil(() => h.must('sessions.get', { id: s.id }), (x) => readyForPrompt(x) && x.lastSeq === rs.length, 10_000, 'idle after the continued turn');
    expectExactlyOnce(rs, journalOnRemote(s.id));
  });

  it('worktrees on the remote: created by git there, setup run there (labelled), uncommitted work preserved and the worktree released, verified gone', async () => {
    const { project, repo } = await remoteProject({});
    // BATON_REMOTE_HOME exists only in the ssh session's environment (SetEnv): the file proves where setup ran.
    await h.must('projects.update', { id: project.id, patch: { setupCommands: ['printf "%s" "$BATON_REMOTE_HOME" > where.txt'] } });
    const wt = await h.must('worktrees.create', { projectId: project.id, name: 'feature' });
    expect(wt.path.startsWith(join(world.sshd.remoteHome, '.baton-remote', 'worktrees'))).toBe(true);
    const panel = await waitUntil(() => h.must('worktrees.list', { projectId: project.id }), (p) => p.worktrees.some((w) => w.id === wt.id && w.setup.state !== 'running'), 30_000, 'setup to finish');
    const setup = panel.worktrees.find((w) => w.id === wt.id)?.setup;
    expect(setup?.state).toBe('ok');
    expect(setup?.log).toContain(`${HOST_ALIAS}$ printf`);
    expect(readFileSync(join(wt.path, 'where.txt'), 'utf8')).toBe(world.sshd.remoteHome);
    expect(git(repo, 'branch', '--list', wt.branch).trim()).not.toBe('');

    // Uncommitted work: preserved under refs/baton/preserved on the remote repository, then the worktree removed there.
    writeFileSync(join(wt.path, 'draft.txt'), 'work in progress\n');
    const released = await h.must('worktrees.release', { worktreeId: wt.id });
    expect(released.status).toBe('released');
    expect(released.preservedRef).toMatch(/^refs\/baton\/preserved\//);
    expect(existsSync(wt.path)).toBe(false);
    expect(git(repo, 'show', `${released.preservedRef}:draft.txt`)).toBe('work in progress\n');
    expect((await h.must('worktrees.list', { projectId: project.id })).preserved.map((p) => p.ref)).toContain(released.preservedRef);
  });
});
