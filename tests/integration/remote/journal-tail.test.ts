// A remote session's journal is read where its host runs from its end and by bisection: a reconcile carries its tail, a catch-up only what the database is behind on.
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import type { JournalRecord } from '../../../src/shared/journal';
import { buildTranscript } from '../../../src/shared/transcript';
import { isPidAlive } from '../../../src/main/host/proc';
import type { HelperCall } from '../../../src/main/runtime/ssh/host-port';
import { createHarness, git, makeRepo, type Caller, type Harness } from '../../support/core-harness';
import { scriptedCommand } from '../../support/scripted';
import { HOST_ALIAS } from '../../support/sshd';
import { useSshdForCores } from './helpers';
import { readyForPrompt, until, waitUntil } from '../../support/wait';

const world = useSshdForCores();
let h: Harness;
beforeEach(() => {
  h = createHarness();
});
afterEach(async () => {
  await h.cleanup();
  for (const pid of remotePids) if (isPidAlive(pid)) process.kill(pid, 'SIGKILL');
  remotePids.clear();
});

const remotePids = new Set<number>();
const sessionDirOnRemote = (id: string) => join(world.sshd.remoteHome, '.baton-remote', 'data', 'sessions', id);
const hostFile = (id: string) => JSON.parse(readFileSync(join(sessionDirOnRemote(id), 'host.json'), 'utf8')) as { pid: number; agentPid?: number };
const journalOnRemote = (id: string): JournalRecord[] =>
  readFileSync(join(sessionDirOnRemote(id), 'journal.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as JournalRecord);
const journalBytes = (id: string) => statSync(join(sessionDirOnRemote(id), 'journal.jsonl')).size;
const records = async (call: Caller, id: string) => (await call<{ records: JournalRecord[] }>('sessions.records', { id, afterSeq: 0, limit: 50_000 })).records;
const texts = (rs: JournalRecord[]) => buildTranscript(rs).items.flatMap((i) => (i.type === 'agent' ? [i.text] : []));
const turnEnded = (rs: JournalRecord[], text: string) => texts(rs).join('').endsWith(text) && !buildTranscript(rs).turnOpen;

/** `n` text chunks, each its own journal line; `ms` apart when given. */
const chunks = (n: number, label: string, ms = 0) => [...Array.from({ length: n }, (_, i) => [{ type: 'text', text: `${label} ${i} ` }, ...(ms ? [{ type: 'delay', ms }] : [])]).flat(), { type: 'text', text: `${label} done` }];

async function remoteProject(script: unknown) {
  const dir = `${world.sshd.remoteHome}/repo-${Math.random().toString(36).slice(2, 8)}`;
  mkdirSync(dir);
  const repo = makeRepo(dir);
  git(repo, 'switch', '-q', '-c', 'trunk');
  const { project } = await h.must('projects.add', { path: `ssh://${HOST_ALIAS}${repo}` });
  const command = scriptedCommand(h.tempDir(), { store: h.tempDir('agent-store-'), ...(script as object) });
  await h.must('projects.update', { id: project.id, patch: { workerAgent: 'custom', customCommand: command } });
  return project;
}

const sum = (calls: HelperCall[], f: (c: HelperCall) => number) => calls.reduce((n, c) => n + f(c), 0);

describe('a long remote journal is read only where the database is behind', { timeout: 180_000 }, () => {
  it('a restart reconciles it from its tail; after its host is gone, catch-up carries exactly the lines the database missed', async () => {
    const project = await remoteProject({ prompts: [{ match: 'long', steps: chunks(1500, 'long') }, { match: 'more', steps: chunks(150, 'more', 15) }] });
    const s = await h.must('sessions.create', { projectId: project.id, prompt: 'long' });
    const first = await waitUntil(() => h.must('sessions.get', { id: s.id }), (x) => readyForPrompt(x) && x.lastSeq > 1500 && x.lastSeq === journalOnRemote(s.id).length, 90_000, 'the long turn projected whole');
    remotePids.add(hostFile(s.id).pid);
    await h.core.close();
    const whole = journalBytes(s.id);
    expect(whole).toBeGreaterThan(200_000);

    // Restart with the host alive: the reconcile reads the journal's tail over the link, not the journal.
    const callsA: HelperCall[] = [];
    const a = h.reopen({ onHelperCall: (c) => callsA.push(c) });
    await a.core.recover();
    // Reattached by the startup reconcile, or (a handshake slower than the dial wait) by the one the link's return runs.
    await waitUntil(() => a.call<SessionSummary>('sessions.get', { id: s.id }), (x) => readyForPrompt(x) && x.disconnected == null && x.agentRunning === true, 30_000, 'reattached');
    const tails = callsA.filter((c) => c.verb === 'tail');
    expect(tails.length).toBeGreaterThanOrEqual(1);
    // The divergence check's 64 lines before the database's last one, and nothing else.
    expect(tails.map((c) => c.records)).toEqual(tails.map(() => 64));
    expect(callsA.filter((c) => c.verb === 'journal')).toEqual([]);
    const bytesA = sum(callsA, (c) => c.bytes);
    expect(bytesA).toBeLessThan(whole / 10);

    // A second turn, with Baton closed part way through: the remote journal runs on without it, then its host dies.
    await a.call('sessions.prompt', { id: s.id, text: 'more', idempotencyKey: 'more-turn-1' });
    await waitUntil(async () => texts(await records(a.call, s.id)).join(''), (t) => t.includes('more 10 '), 30_000, 'the second turn under way');
    await a.core.close();
    await waitUntil(() => journalOnRemote(s.id), (j) => turnEnded(j, 'more done'), 30_000, 'the second turn to end on the remote');
    const dead = hostFile(s.id);
    for (const pid of [dead.pid, dead.agentPid]) if (pid) process.kill(pid, 'SIGKILL');
    await until(() => !isPidAlive(dead.pid), 'the remote host to be gone');
    const remote = journalOnRemote(s.id);

    const callsB: HelperCall[] = [];
    const b = h.reopen({ onHelperCall: (c) => callsB.push(c) });
    const behind = (await b.call<SessionSummary>('sessions.get', { id: s.id })).lastSeq;
    expect(behind).toBeGreaterThanOrEqual(first.lastSeq);
    expect(behind).toBeLessThan(remote.length);
    await b.core.recover();
    const rs = await waitUntil(() => records(b.call, s.id), (x) => x.length === remote.length, 30_000, 'caught up with the remote journal');
    // Exactly the missing lines crossed the link, once: a catch-up read of (behind, end], and the tail read before it.
    const reads = callsB.filter((c) => c.verb === 'journal');
    expect(reads.map((c) => c.records)).toEqual([remote.length - behind]);
    expect(sum(callsB, (c) => c.bytes)).toBeLessThan(whole / 4);
    expect(rs).toEqual(remote);
    expect(turnEnded(rs, 'more done')).toBe(true);
    // The figures, for ADR 0018's "Measured".
    console.info(`[figures] journal ${remote.length} lines / ${whole} B; restart with the host alive: ${bytesA} B over the link (${tails.length} tail read(s)); host gone, ${remote.length - behind} lines behind: ${sum(callsB, (c) => c.bytes)} B`);
    expect((await b.call<SessionSummary>('sessions.get', { id: s.id })).state).toBe('idle');
  });
});
