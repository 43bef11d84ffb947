import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildOnce } from '../../support/build';
import { callerOf, createHarness, type Harness } from '../../support/core-harness';
import { killHostTree, loseLink, lostHostScript, methodsSent, recordsOf, scriptedProject, secondConnection, stateOf, transcriptOf, waitState, waitTurnsEnded } from './lost-hosts';

/**
 * Issue 11: every ACP link numbers its requests from 0. When a session's host
 * was lost and the agent started again under the same main process, the new
 * agent's requests reused ids already in the journal, the new prompt's
 * response was matched to the old turn and the card stayed Working forever.
 */
let h: Harness;
beforeAll(() => buildOnce(), 120_000);
afterEach(() => h.cleanup(), 60_000);

async function sessionWithFinishedTurn() {
  h = createHarness();
  const call = callerOf(h.core);
  const projectId = await scriptedProject(h, lostHostScript(h.tempDir('agent-store-')));
  const s = await h.must('sessions.create', { projectId, prompt: 'first', harness: 'custom' });
  await waitTurnsEnded(call, s.id, 1);
  await waitState(call, s.id, (x) => x === 'idle', 'idle after the first turn');
  return { id: s.id, call };
}

describe('request ids stay unique across agent processes under one main process', () => {
  it('host and agent killed while idle, then a prompt: the agent is resumed and the card goes idle when it answers', async () => {
    const { id, call } = await sessionWithFinishedTurn();
    await loseLink(h, h.core, h.events, id, killHostTree(h, id));
    expect(await stateOf(call, id)).toBe('idle');

    await h.must('sessions.prompt', { id, text: 'second', idempotencyKey: 'second-prompt-key' });
    const t = await waitTurnsEnded(call, id, 2);
    expect(t.items.some((i) => i.type === 'agent' && i.text.includes('answered 1'))).toBe(true);
    await waitState(call, id, (x) => x === 'idle', 'idle once the agent answered');
    expect(methodsSent(await recordsOf(call, id))).toContain('session/resume');
    // And it keeps working: a third prompt on the same agent.
    await h.must('sessions.prompt', { id, text: 'third', idempotencyKey: 'third-prompt-key' });
    await waitTurnsEnded(call, id, 3);
    await waitState(call, id, (x) => x === 'idle', 'idle after the third turn');
  }, 120_000);

  it('host and agent killed mid-turn, then Continue: the continued turn ends and the card goes idle', async () => {
    h = createHarness();
    const call = callerOf(h.core);
    const projectId = await scriptedProject(h, lostHostScript(h.tempDir('agent-store-')));
    const s = await h.must('sessions.create', { projectId, prompt: 'hang here', harness: 'custom' });
    await waitState(call, s.id, (x) => x === 'busy', 'busy in the hanging turn');
    await loseLink(h, h.core, h.events, s.id, killHostTree(h, s.id));
    await waitState(call, s.id, (x) => x === 'interrupted', 'interrupted');

    expect(await h.must('sessions.continue', { id: s.id })).toEqual({ how: 'resume' });
    const t = await waitTurnsEnded(call, s.id, 1);
    expect(t.items.some((i) => i.type === 'agent' && i.text.includes('answered'))).toBe(true);
    await waitState(call, s.id, (x) => x === 'idle', 'idle once the continued turn ended');
  }, 120_000);

  it('a second connection to host.sock between prompts: every later prompt still ends its turn', async () => {
    const { id, call } = await sessionWithFinishedTurn();
    for (let n = 2; n <= 4; n++) {
      await loseLink(h, h.core, h.events, id, secondConnection(h, id));
      await h.must('sessions.prompt', { id, text: `prompt ${n}`, idempotencyKey: `prompt-key-${n}` });
      await waitTurnsEnded(call, id, n);
      await waitState(call, id, (x) => x === 'idle', `idle after turn ${n}`);
    }
    expect((await transcriptOf(call, id)).turnOpen).toBe(false);
  }, 120_000);
});
