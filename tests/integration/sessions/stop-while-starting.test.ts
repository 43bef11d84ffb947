import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { journalPath, sessionDir } from '../../../src/main/host/paths';
import { readJournal } from '../../../src/main/host/journal-read';
import { isRecordObject } from '../../../src/main/host/protocol';
import { buildOnce } from '../../support/build';
import { callerOf, createHarness, makeRepo, type Harness } from '../../support/core-harness';
import { processesNaming } from '../../support/hosts';
import { scriptedCommand, waitUntil } from '../../support/scripted';
import { waitState } from './lost-hosts';

/** Stop pressed while a session's host is still starting: the stop stands, and nothing it started runs on. */
let h: Harness;
beforeAll(() => buildOnce(), 120_000);
afterEach(() => h.cleanup(), 60_000);

const hostExited = (dataDir: string, id: string): boolean =>
  readJournal(journalPath(sessionDir(dataDir, id))).records.some((r) => r.dir === 'host' && isRecordObject(r.msg) && 'exit' in r.msg);

describe('stopping a session while it starts', () => {
  it('its host and agent, started after the stop was recorded, are stopped too: no ghost', async () => {
    h = createHarness();
    const call = callerOf(h.core);
    const agentDir = h.tempDir('agent-');
    const repo = makeRepo(h.tempDir());
    const { project } = await h.must('projects.add', { path: repo, name: 'stopstart' });
    await h.must('projects.update', { id: project.id, patch: { workerAgent: 'custom', customCommand: scriptedCommand(agentDir, { default: { steps: [{ type: 'text', text: 'hello' }] } }) } });

    const s = await h.must('sessions.create', { projectId: project.id, prompt: 'hi', harness: 'custom' });
    await waitState(call, s.id, (st) => st === 'starting', 'starting');
    // At once: its host is being launched, so main has nothing to signal yet.
    const stopped = await h.must('sessions.stop', { id: s.id });
    expect(stopped.state).toBe('stopped');

    // The host the start brought up journals its exit (it was stopped, not left running) ...
    await waitUntil(() => hostExited(h.dataDir, s.id), (done) => done, 20_000, 'the host journals its exit');
    // ... and neither it nor its agent is still running.
    await waitUntil(() => [...processesNaming(s.id), ...processesNaming(agentDir)], (pids) => pids.length === 0, 20_000, 'no host or agent left');
    const after = await h.must('sessions.get', { id: s.id });
    expect(after.state).toBe('stopped');
    // No first prompt went out: the stop stands.
    expect((await h.must('sessions.records', { id: s.id, afterSeq: 0 })).records.some((r) => isRecordObject(r.msg) && r.msg.method === 'session/prompt')).toBe(false);
  });
});
