import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApi } from '../../src/renderer/src/api/client';
import { connectStore, createBatonStore, type BatonStore } from '../../src/renderer/src/app/store';
import type { JournalRecord } from '../../src/shared/journal';
import { EARLIER, TAIL, WINDOW } from '../../src/renderer/src/features/session/sessions';
import { buildOnce } from '../support/build';
import { createHarness, makeRepo, type Harness } from '../support/core-harness';
import { scriptedCommand } from '../support/scripted';
import { until, waitUntil } from '../support/wait';
import { inProcessTransport } from './in-process-transport';

/** Issue 16: a long session's transcript holds a window of its newest records, and reads back page by page. */
let h: Harness;
let store: BatonStore;
let disconnect: () => void;

beforeAll(() => buildOnce(), 120_000);
beforeEach(() => {
  h = createHarness();
  const transport = inProcessTransport(h.core);
  store = createBatonStore({ api: createApi(transport) });
  disconnect = connectStore(store, transport);
});
afterEach(async () => {
  disconnect();
  await h.cleanup();
}, 60_000);

async function longSession(chunks: number): Promise<{ id: string; lastSeq: number }> {
  const repo = makeRepo(h.tempDir());
  const { project } = await h.must('projects.add', { path: repo, name: 'long' });
  const script = { default: { steps: [{ type: 'burst', count: chunks, text: 'x' }, { type: 'text', text: 'the last words' }] } };
  await h.must('projects.update', { id: project.id, patch: { workerAgent: 'custom', customCommand: scriptedCommand(h.tempDir(), script) } });
  const s = await h.must('sessions.create', { projectId: project.id, prompt: 'talk a lot', harness: 'custom' });
  const done = await waitUntil(() => h.must('sessions.get', { id: s.id }), (x) => x.state === 'idle' && x.lastSeq > chunks, 60_000, 'the long turn');
  return { id: s.id, lastSeq: done.lastSeq };
}

describe('transcript window', () => {
  it('opens on the newest records only, then reads earlier pages in front until the whole history is held', async () => {
    const { id, lastSeq } = await longSession(TAIL + EARLIER + 500);
    store.getState().openSession(id);
    await until(() => store.getState().recordsBase[id] !== undefined && (store.getState().records[id]?.at(-1)?.seq ?? 0) === lastSeq, 'the newest window', 20_000);
    const held = () => store.getState().records[id] ?? [];
    const base = () => store.getState().recordsBase[id] as number;
    expect(held().length).toBe(TAIL);
    expect(base()).toBe(lastSeq - TAIL);
    expect(held()[0]?.seq).toBe(base() + 1);

    await store.getState().loadEarlier(id);
    expect(base()).toBe(lastSeq - TAIL - EARLIER);
    expect(held().length).toBe(TAIL + EARLIER);
    expect(held().every((r, i) => r.seq === base() + 1 + i)).toBe(true);

    await store.getState().loadEarlier(id);
    expect(base()).toBe(0);
    expect(held().map((r) => r.seq)).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
    // Nothing is left before it: a further read back changes nothing.
    await store.getState().loadEarlier(id);
    expect(held().length).toBe(lastSeq);
  }, 90_000);

  it('holds at most WINDOW records: reading back past it lets the newest go, and reading on brings them back', async () => {
    const { id, lastSeq } = await longSession(WINDOW + 2 * EARLIER);
    store.getState().openSession(id);
    await until(() => (store.getState().records[id]?.at(-1)?.seq ?? 0) === lastSeq, 'the newest window', 20_000);
    const held = () => store.getState().records[id] ?? [];
    const base = () => store.getState().recordsBase[id] as number;
    const contiguous = () => held().every((r, i) => r.seq === base() + 1 + i);
    const newer = () => store.getState().recordsNewer[id] === true;

    // Back until the window is full: nothing is let go yet.
    while (held().length + EARLIER <= WINDOW) await store.getState().loadEarlier(id);
    expect(newer()).toBe(false);
    // One page more: the window keeps its size, and its newest records go.
    await store.getState().loadEarlier(id);
    expect(held().length).toBe(WINDOW);
    expect(contiguous()).toBe(true);
    expect(newer()).toBe(true);
    const end = held().at(-1)?.seq ?? 0;
    expect(end).toBeLessThan(lastSeq);
    // Live records beyond a window that stops short are not glued on (they would leave a gap).
    const live: JournalRecord = { v: 1, seq: lastSeq + 1, ts: 0, dir: 'in', msg: {} };
    store.getState().receiveRecords(id, [live]);
    expect(held().at(-1)?.seq).toBe(end);

    // Reading on: the oldest go, until the window reaches the newest again and follows it live.
    while (newer()) {
      await store.getState().loadLater(id);
      expect(held().length).toBeLessThanOrEqual(WINDOW);
      expect(contiguous()).toBe(true);
    }
    expect(held().at(-1)?.seq).toBe(lastSeq);
    expect(held().length).toBe(WINDOW);
  }, 120_000);

  it('a session shorter than the window is held whole, and a new turn’s records follow it live', async () => {
    const { id, lastSeq } = await longSession(50);
    store.getState().openSession(id);
    await until(() => (store.getState().records[id]?.at(-1)?.seq ?? 0) === lastSeq, 'the transcript', 20_000);
    expect(store.getState().recordsBase[id]).toBe(0);
    await h.must('sessions.prompt', { id, text: 'again', idempotencyKey: 'again-prompt-key' });
    const after = await waitUntil(() => h.must('sessions.get', { id }), (x) => x.state === 'idle' && x.lastSeq > lastSeq + 50, 60_000, 'the second turn');
    await until(() => (store.getState().records[id]?.at(-1)?.seq ?? 0) === after.lastSeq, 'the live records', 20_000);
    expect(store.getState().records[id]?.map((r) => r.seq)).toEqual(Array.from({ length: after.lastSeq }, (_, i) => i + 1));
  }, 90_000);

  it('no records are followed while no session is open; reopened, the transcript reads on to what it missed', async () => {
    const { id, lastSeq } = await longSession(50);
    store.getState().openSession(id);
    await until(() => (store.getState().records[id]?.at(-1)?.seq ?? 0) === lastSeq, 'the transcript', 20_000);
    store.getState().openSession(null);
    await h.must('sessions.prompt', { id, text: 'again', idempotencyKey: 'closed-prompt-key' });
    const after = await waitUntil(() => h.must('sessions.get', { id }), (x) => x.state === 'idle' && x.lastSeq > lastSeq + 50, 60_000, 'the second turn');
    // Back on the board: the held window did not follow the turn (nothing on screen showed it).
    expect(store.getState().records[id]?.at(-1)?.seq).toBe(lastSeq);
    store.getState().openSession(id);
    await until(() => (store.getState().records[id]?.at(-1)?.seq ?? 0) === after.lastSeq, 'the missed records', 20_000);
    expect(store.getState().records[id]?.map((r) => r.seq)).toEqual(Array.from({ length: after.lastSeq }, (_, i) => i + 1));
  }, 90_000);
});
