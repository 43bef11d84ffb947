import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildTranscript } from '../../../src/shared/transcript';
import { buildOnce } from '../../support/build';
import { callerOf, createHarness, type Harness } from '../../support/core-harness';
import { waitUntil } from '../../support/scripted';
import { lostHostScript, recordsOf, scriptedProject, stateOf, transcriptOf, waitTurnsEnded, WAIT_MS } from './lost-hosts';

/** Two permission requests in one turn, both answered by a person: each answer reaches the agent. */
let h: Harness;
beforeAll(() => buildOnce(), 120_000);
afterEach(() => h.cleanup(), 60_000);

const TWO_ASKS = [
  {
    match: 'ask twice',
    steps: [
      { type: 'permission', toolCallId: 'first-ask', title: 'Shell: make build', kind: 'execute' },
      { type: 'permission', toolCallId: 'second-ask', title: 'Shell: make test', kind: 'execute' },
      { type: 'text', text: 'both answered' },
    ],
  },
];

type Asked = { type: 'permission'; requestKey: string; toolCallId: string; outcome: unknown };
const pendingAsk = (items: readonly { type: string }[]) => (items.filter((i) => i.type === 'permission') as unknown as Asked[]).find((i) => i.outcome === null);

describe('permission requests answered by a person', () => {
  it('a second request in the same turn gets its answer out: journaled, and the turn completes', async () => {
    h = createHarness();
    const call = callerOf(h.core);
    const projectId = await scriptedProject(h, lostHostScript(h.tempDir('agent-store-'), undefined, TWO_ASKS));
    const s = await h.must('sessions.create', { projectId, prompt: 'ask twice please', harness: 'custom' });

    for (const toolCallId of ['first-ask', 'second-ask']) {
      const t = await waitUntil(() => transcriptOf(call, s.id), (x) => pendingAsk(x.items)?.toolCallId === toolCallId, WAIT_MS, `the request ${toolCallId}`);
      await waitUntil(() => stateOf(call, s.id), (st) => st === 'waiting_input', WAIT_MS, 'waiting on a person');
      const asked = pendingAsk(t.items);
      expect(await h.must('sessions.answerPermission', { id: s.id, requestKey: asked!.requestKey, optionId: 'allow' })).toEqual({ answered: true });
    }
    const t = await waitTurnsEnded(call, s.id, 1);
    expect((t.items.filter((i) => i.type === 'permission') as unknown as Asked[]).map((i) => i.outcome)).toEqual([
      expect.objectContaining({ kind: 'selected', optionId: 'allow' }),
      expect.objectContaining({ kind: 'selected', optionId: 'allow' }),
    ]);
    // Each answer is in the journal (dir out), under its own request's id.
    const records = await recordsOf(call, s.id);
    const answers = buildTranscript(records).items.filter((i) => i.type === 'permission');
    expect(answers).toHaveLength(2);
    expect(await stateOf(call, s.id)).toBe('idle');
  });
});
