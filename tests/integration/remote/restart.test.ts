// Baton restarted while the link to a remote session's host is down (refused, or black-holed): Disconnected at once, the board never waits, and every event exactly once when the link returns.
import { mkdirSync, readFileSync } from 'node:fs';
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
  if (linkBroken) await world.sshd.up();
  linkBroken = false;
  await h.cleanup();
  for (const pid of remotePids) if (isPidAlive(pid)) process.kill(pid, 'SIGKILL');
  remotePids.clear();
});

let linkBroken = false;
const remotePids = new Set<number>();
const sessionDirOnRemote = (id: string) => join(world.sshd.remoteHome, '.baton-remote', 'data', 'sessions', id);
const hostFile = (id: string) => JSON.parse(readFileSync(join(sessionDirOnRemote(id), 'host.json'), 'utf8')) as { pid: number };
const journalOnRemote = (id: string): JournalRecord[] =>
  readFileSync(join(sessionDirOnRemote(id), 'journal.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as JournalRecord);
const records = async (call: Caller, id: string) => (await call<{ records: JournalRecord[] }>('sessions.records', { id, afterSeq: 0, limit: 10_000 })).records;
const texts = (rs: JournalRecord[]) => buildTranscript(rs).items.flatMap((i) => (i.type === 'agent' ? [i.text] : []));
const chunks = (n: number, ms: number) => [...Array.from({ length: n }, (_, i) => [{ type: 'text', text: `chunk ${i} ` }, { type: 'delay', ms }]).flat(), { type: 'text', text: 'done' }];
const allChunks = (n: number) => `${Array.from({ length: n }, (_, i) => `chunk ${i} `).join('')}done`;
const marker = (r: JournalRecord) => (typeof r.msg === 'object' && r.msg !== null && 'marker' in r.msg ? r.msg.marker : null);

async function remoteProject(script: unknown) {
  const dir = `${world.sshd.remoteHome}/repo-${Math.random().toString(36).slice(2, 8)}`;
  mkdirSync(dir);
  const repo = makeRepo(dir);
  git(repo, 'switch', '-q', '-c', 'trunk');
  const { project } = await h.must('projects.add', { path: `ssh://${HOST_ALIAS}${repo}` });
  const command = scriptedCommand(h.tempDir(), { store: h.tempDir('agent-store-'), capabilities: { resume: true, loadSession: true }, ...(script as object) });
  await h.must('projects.update', { id: project.id, patch: { workerAgent: 'custom', customCommand: command } });
  return project;
}

describe('Baton restarted while the link is down', { timeout: 150_000 }, () => {
  for (const how of ['refused', 'black-holed'] as const) {
    it(`(${how}) the board answers at once and shows Disconnected within 1 s, never interrupted; back: reattached, every event once, the turn finished`, async () => {
      const project = await remoteProject({ prompts: [{ match: 'go', steps: chunks(40, 50) }] });
      const s = await h.must('sessions.create', { projectId: project.id, prompt: 'go' });
      await waitUntil(async () => texts(await records(callerOf(h.core), s.id)).join(''), (t) => t.includes('chunk 3 '), 30_000, 'the turn under way');
      remotePids.add(hostFile(s.id).pid);
      await h.core.close();
      linkBroken = true;
      if (how === 'refused') await world.sshd.down();
      else await world.sshd.block();

      const { core, call } = h.reopen();
      const started = Date.now();
      let recovered = false;
      const recovering = core.recover().then((r) => {
        recovered = true;
        return r;
      });
      // The board's own query, asked at once: answered from the database, not from the host.
      const first = await call<SessionSummary[]>('sessions.list', {});
      expect(Date.now() - started, 'sessions.list answered (ms)').toBeLessThan(500);
      expect(first.find((x) => x.id === s.id)?.state).toBe('busy');
      const card = async () => (await call<SessionSummary[]>('sessions.list', {})).find((x) => x.id === s.id);
      const down = await waitUntil(card, (x) => x?.disconnected != null, 1000, 'Disconnected within 1 s of the restart', 20);
      expect(Date.now() - started, 'Disconnected shown (ms)').toBeLessThan(1000);
      // Disconnected over there, not interrupted or failed here: its state is what it was.
      expect(down?.state).toBe('busy');
      expect(sessionView(summaryFacts(down as SessionSummary)).label).toBe('Disconnected (host unreachable)');
      // The reconcile itself did not wait on the host either: its report is out.
      const report = await recovering;
      expect(recovered).toBe(true);
      expect(report?.unreachable).toBe(1);
      expect(report?.moved).toEqual([]);
      expect(Date.now() - started, 'reconcile report out (ms)').toBeLessThan(1000);
      // The agent goes on over there meanwhile.
      const seen = down?.lastSeq ?? 0;
      await waitUntil(() => journalOnRemote(s.id).length, (n) => n > seen + 3, 20_000, 'the remote journal to grow while the link is down');

      await world.sshd.up();
      linkBroken = false;
      await waitUntil(card, (x) => readyForPrompt(x) && x?.disconnected == null, 40_000, 'reattached and the turn finished');
      const rs = await waitUntil(() => records(call, s.id), (x) => texts(x).join('').endsWith('done'), 20_000, 'the caught-up transcript');
      expect(texts(rs).join('')).toBe(allChunks(40));
      const remote = journalOnRemote(s.id);
      expect(rs.map((r) => r.seq)).toEqual(rs.map((_, i) => i + 1));
      expect(rs).toEqual(remote.slice(0, rs.length));
      expect(rs.some((r) => marker(r) === 'interrupted')).toBe(false);
      expect(remote.some((r) => marker(r) === 'interrupted')).toBe(false);
    });
  }
});
