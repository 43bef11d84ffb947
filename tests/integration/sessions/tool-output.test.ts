import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TranscriptItem } from '../../../src/shared/transcript';
import { buildOnce } from '../../support/build';
import { callerOf, createHarness, type Harness } from '../../support/core-harness';
import { lostHostScript, scriptedProject, waitTurnsEnded } from './lost-hosts';

/** A Codex-style command's output, streamed in _meta while Baton declines terminals, reaches the transcript. */
let h: Harness;
beforeAll(() => buildOnce(), 120_000);
afterEach(() => h.cleanup(), 60_000);

const CODEX = [
  { match: 'run the tests', steps: [{ type: 'codex_command', id: 'cmd-1', title: 'npm test', chunks: ['PASS a.test\n', 'FAIL b.test\n'], exitCode: 1, stderr: 'npm ERR! Test failed.' }, { type: 'text', text: 'One failed.' }] },
  { match: 'older adapter', steps: [{ type: 'codex_command', id: 'cmd-2', title: 'ls', chunks: ['a\nb\n'], metaKey: 'terminal_output' }] },
];

describe('tool output from a Codex-style agent', () => {
  it('shows the streamed output, the exit code and the error of a command', async () => {
    h = createHarness();
    const call = callerOf(h.core);
    const projectId = await scriptedProject(h, lostHostScript(h.tempDir('agent-store-'), undefined, CODEX));
    const s = await h.must('sessions.create', { projectId, prompt: 'run the tests', harness: 'custom' });
    const t = await waitTurnsEnded(call, s.id, 1);
    const tool = t.items.find((i): i is Extract<TranscriptItem, { type: 'tool' }> => i.type === 'tool');
    expect(tool).toMatchObject({ title: 'npm test', status: 'failed', output: 'PASS a.test\nFAIL b.test\n', exit: { code: 1, signal: null }, error: 'npm ERR! Test failed.' });

    await h.must('sessions.prompt', { id: s.id, text: 'older adapter', idempotencyKey: 'older-adapter-1' });
    const t2 = await waitTurnsEnded(call, s.id, 2);
    expect(t2.items.filter((i) => i.type === 'tool').at(-1)).toMatchObject({ title: 'ls', status: 'completed', output: 'a\nb\n', exit: { code: 0 } });
  });
});
