import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isPidAlive } from '../../../src/main/host/proc';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import type { JournalRecord } from '../../../src/shared/journal';
import { buildTranscript } from '../../../src/shared/transcript';
import { killApp, startApp, stopAndKill, type AppProcess } from '../../support/app-process';
import { buildOnce } from '../../support/build';
import { createHarness, makeRepo, type Harness } from '../../support/core-harness';
import { scriptedCommand, waitUntil } from '../../support/scripted';

let h: Harness;
let app: AppProcess | null = null;
beforeAll(() => buildOnce(), 120_000);
afterEach(async () => {
  if (app) {
    await stopAndKill(app);
    app = null;
  }
  await h?.cleanup();
});

describe('the main process killed with SIGKILL mid-turn', () => {
  it('leaves host and agent running; a new main reattaches, catches up from the journal with no gap or duplicate, and the turn finishes', async () => {
    h = createHarness();
    await h.core.close(); // Only its temp dirs are used: the app runs as a real child process here.
    const dataDir = h.tempDir('baton-crash-');
    const repo = makeRepo(h.tempDir());
    const token = 'crash-test-token-1234567890-abcdefgh';
    app = await startApp({ dataDir, token });
    const command = scriptedCommand(h.tempDir(), {
      prompts: [
        {
          steps: [
            { type: 'tool_call', id: 'first', title: 'First tool', kind: 'read', status: 'pending' },
            { type: 'tool_update', id: 'first', status: 'completed', content: 'first result' },
            { type: 'tool_call', id: 'slow', title: 'Slow tool', kind: 'execute', status: 'in_progress' },
            { type: 'delay', ms: 2500 },
            { type: 'tool_update', id: 'slow', status: 'completed', content: 'slow result' },
            { type: 'burst', count: 200, text: 'x' },
            { type: 'text', text: 'finished after the crash' },
          ],
        },
      ],
    });
    const { project } = await app.call<{ project: { id: string } }>('projects.add', { path: repo });
    await app.call('projects.update', { id: project.id, patch: { workerAgent: 'custom', customCommand: command } });
    const s = await app.call<SessionSummary>('sessions.create', { projectId: project.id, prompt: 'go', harness: 'custom' });
    const records = async () => (await app!.call<{ records: JournalRecord[] }>('sessions.records', { id: s.id, afterSeq: 0, limit: 50_000 })).records;
    await waitUntil(records, (r) => buildTranscript(r).items.some((i) => i.type === 'tool' && i.toolCallId === 'slow'), 20_000, 'the slow tool');

    const hostFile = JSON.parse(readFileSync(`${dataDir}/sessions/${s.id}/host.json`, 'utf8')) as { pid: number; agentPid: number };
    await killApp(app, 'SIGKILL');
    app = null;
    // Host and agent outlive the main process.
    expect(isPidAlive(hostFile.pid)).toBe(true);
    expect(isPidAlive(hostFile.agentPid)).toBe(true);

    app = await startApp({ dataDir, token });
    const done = await waitUntil(() => app!.call<SessionSummary>('sessions.get', { id: s.id }), (x) => x.state === 'idle', 30_000, 'the turn to finish');
    const projected = await records();
    const journal = readFileSync(`${dataDir}/sessions/${s.id}/journal.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as JournalRecord);
    expect(projected.map((r) => r.seq)).toEqual(projected.map((_, i) => i + 1));
    expect(projected.length).toBe(journal.length);
    expect(projected.map((r) => JSON.stringify(r.msg))).toEqual(journal.map((r) => JSON.stringify(r.msg)));
    expect(done.lastSeq).toBe(journal.length);
    const t = buildTranscript(projected);
    expect(t.items.find((i) => i.type === 'tool' && i.toolCallId === 'first')).toMatchObject({ status: 'completed', content: ['first result'] });
    expect(t.items.find((i) => i.type === 'tool' && i.toolCallId === 'slow')).toMatchObject({ status: 'completed' });
    expect(t.items.some((i) => i.type === 'agent' && i.text.includes('finished after the crash'))).toBe(true);
    expect(t.items.at(-1)).toMatchObject({ type: 'turn_end', stopReason: 'end_turn' });
  });
});
