import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SessionSummary } from '../../src/shared/contracts/sessions';
import { buildTranscript } from '../../src/shared/transcript';
import { createApi } from '../../src/renderer/src/api/client';
import { connectStore, createBatonStore, type BatonStore } from '../../src/renderer/src/app/store';
import { selectStartupNotice, summarizeReport } from '../../src/renderer/src/features/recovery/recovery';
import { CONTINUED, selectSessionAction } from '../../src/renderer/src/features/recovery/session-actions';
import { buildOnce } from '../support/build';
import { createHarness, makeRepo, type Harness } from '../support/core-harness';
import { killSessionProcesses } from '../support/hosts';
import { scriptedCommand, waitUntil } from '../support/scripted';
import { restartableTransport } from './in-process-transport';

/**
 * The store across a restart of main, with real cores on one data directory,
 * a real session host and the scripted agent: what the page does after it
 * reconnects to a main that recovered its sessions.
 */

let h: Harness;
let store: BatonStore;
let disconnect: () => void = () => {};
beforeAll(() => buildOnce(), 120_000);
afterEach(async () => {
  disconnect();
  await h.cleanup();
});

const until = (pred: () => boolean, what: string, ms = 20_000) => waitUntil(pred, (v) => v, ms, what);
const text = (id: string): string =>
  buildTranscript(store.getState().records[id] ?? [])
    .items.map((i) => ('text' in i ? i.text : ''))
    .join('|');

/** A session run to `waitFor` under a first main, with the store following it and its transcript open. */
async function sessionUnderFirstMain(script: unknown, prompt: string, waitFor: (s: SessionSummary) => boolean) {
  h = createHarness();
  const transport = restartableTransport(h.core);
  store = createBatonStore({ api: createApi(transport) });
  disconnect = connectStore(store, transport);
  const repo = makeRepo(h.tempDir());
  const { project } = await h.must('projects.add', { path: repo, name: 'rec' });
  const command = scriptedCommand(h.tempDir(), { store: h.tempDir('agent-store-'), ...(script as object) });
  await h.must('projects.update', { id: project.id, patch: { workerAgent: 'custom', customCommand: command } });
  const s = await h.must('sessions.create', { projectId: project.id, prompt, harness: 'custom' });
  store.getState().openSession(s.id);
  await until(() => {
    const x = store.getState().sessions[s.id];
    return !!x && waitFor(x);
  }, 'the session in the store');
  return { id: s.id, transport };
}

/** Main goes away (hosts left running), then the host and its agent die too, then `whileDown`, then a second main recovers. */
async function restartWithHostGone(id: string, transport: ReturnType<typeof restartableTransport>, whileDown: () => void = () => {}) {
  await h.core.close();
  await killSessionProcesses(h.dataDir, id);
  whileDown();
  const { core } = h.reopen();
  transport.restart(core);
  await core.recover();
}

describe('the store after main restarts', () => {
  it('drops and reloads a transcript the journal rebuilt, shows the divergence until acknowledged, and reports Reconcile now', async () => {
    const script = { prompts: [{ steps: [{ type: 'text', text: 'kept' }, { type: 'end_turn' }, { type: 'text', text: ' late-one' }, { type: 'text', text: ' late-two' }] }] };
    const { id, transport } = await sessionUnderFirstMain(script, 'go', (s) => s.state === 'idle');
    await until(() => text(id).includes('late-two'), 'late lines held');

    const journal = join(h.dataDir, 'sessions', id, 'journal.jsonl');
    await restartWithHostGone(id, transport, () => {
      const lines = readFileSync(journal, 'utf8').split('\n').filter(Boolean);
      writeFileSync(journal, `${lines.slice(0, lines.findIndex((l) => l.includes('late-one'))).join('\n')}\n`);
    });

    await until(() => store.getState().sessions[id]?.divergence !== null && !text(id).includes('late'), 'the rebuilt transcript');
    expect(text(id)).toContain('kept');
    const records = store.getState().records[id]!;
    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i + 1));
    expect(records.at(-1)!.seq).toBe(store.getState().sessions[id]!.lastSeq);

    await store.getState().acknowledgeDivergence(id);
    expect(store.getState().sessions[id]!.divergence).toBeNull();
    expect(selectSessionAction(id, 'acknowledge')(store.getState())).toBeNull();

    await store.getState().reconcileNow();
    const run = store.getState().reconcileRun;
    expect(run.phase).toBe('done');
    if (run.phase === 'done') expect(summarizeReport(run.report)).toBe('Reconciled: every session was already in order');
    // main.close() ran: a clean shutdown, so no notice.
    expect(selectStartupNotice(store.getState())).toBeNull();
  }, 60_000);

  it('Continue on an interrupted session: progress, then what happened, then the finished turn', async () => {
    const script = {
      prompts: [
        { match: 'Continue where you left off', steps: [{ type: 'text', text: 'picked up again' }] },
        { match: 'Build', steps: [{ type: 'tool_call', id: 'open', title: 'Running tests', status: 'in_progress' }, { type: 'hang' }] },
      ],
    };
    const { id, transport } = await sessionUnderFirstMain(script, 'Build it', (s) => s.state === 'busy');
    await until(() => buildTranscript(store.getState().records[id] ?? []).items.some((i) => i.type === 'tool'), 'the open tool call');
    await restartWithHostGone(id, transport);
    await until(() => store.getState().sessions[id]?.state === 'interrupted', 'Interrupted');
    await until(() => buildTranscript(store.getState().records[id] ?? []).items.some((i) => i.type === 'tool' && i.status === 'interrupted'), 'the tool marked interrupted');

    const continuing = store.getState().continueSession(id);
    expect(selectSessionAction(id)(store.getState())).toEqual({ kind: 'continue', phase: 'running' });
    await continuing;
    expect(selectSessionAction(id)(store.getState())).toEqual({ kind: 'continue', phase: 'done', message: CONTINUED.resume });
    await until(() => store.getState().sessions[id]?.state === 'idle' && text(id).includes('picked up again'), 'the finished turn');

    // A second Continue on a session that is no longer interrupted says why and what to do.
    await store.getState().continueSession(id);
    const after = selectSessionAction(id)(store.getState());
    expect(after?.phase).toBe('error');
    if (after?.phase === 'error') {
      expect(after.message).toMatch(/^Could not continue this session: /);
      expect(after.hint).toMatch(/moved on/);
    }
  }, 60_000);
});
