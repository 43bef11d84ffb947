/** The agent's stderr with the scripted agent: kept by its host apart from the transcript, live in order, bounded, redacted, and read again after Baton restarts. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/cli/index';
import { agentLogOldPath, agentLogPath } from '../../../src/main/host/agent-log';
import { hostLogPath, journalPath, sessionDir } from '../../../src/main/host/paths';
import type { AgentLogLine } from '../../../src/shared/contracts/sessions';
import { buildOnce } from '../../support/build';
import { callerOf, createHarness, type Caller, type Harness } from '../../support/core-harness';
import { readyForPrompt, waitUntil } from '../../support/scripted';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import { recordsOf, scriptedProject, waitTurnsEnded, WAIT_MS } from './lost-hosts';

let h: Harness;
beforeAll(() => buildOnce(), 120_000);
afterEach(() => h.cleanup(), 60_000);

const SECRET = 'tok-9f8e7d6c5b4a-secret';
const KIB = 1024;
/** ~150 bytes a line: 3000 of them are ~450 KiB, well past the 256 KiB kept. */
const PAD = 'x'.repeat(130);

const SCRIPT = (store: string) => ({
  store,
  startup: { stderr: ['agent starting'] },
  prompts: [
    {
      match: 'noisy',
      steps: [
        { type: 'stderr', text: 'noisy line {i}', count: 200 },
        { type: 'stderr', text: 'using token {env.API_TOKEN} now' },
        { type: 'text', text: 'said a lot on stderr' },
      ],
    },
    { match: 'flood', steps: [{ type: 'stderr', text: `flood {i} ${PAD}`, count: 3000 }, { type: 'text', text: 'flooded' }] },
    { match: 'after', steps: [{ type: 'stderr', text: 'after the restart {i}', count: 3 }, { type: 'text', text: 'ok' }] },
  ],
  default: { steps: [{ type: 'text', text: 'ok' }] },
});

type Tail = { lines: AgentLogLine[]; truncated: boolean };
const tailOf = (call: Caller, id: string): Promise<Tail> => call<Tail>('sessions.agentLog', { id });
/** Every line the core broadcast for the session, in the order it broadcast them. */
const broadcast = (events: { name: string; payload: unknown }[], id: string): AgentLogLine[] =>
  events.flatMap((e) => {
    const p = e.payload as { sessionId?: string; lines?: AgentLogLine[] };
    return e.name === 'sessions.agentLog' && p.sessionId === id ? (p.lines ?? []) : [];
  });
const textBytes = (lines: readonly AgentLogLine[]) => lines.reduce((n, l) => n + Buffer.byteLength(l.text) + 1, 0);
const increasing = (lines: readonly AgentLogLine[]) => lines.every((l, i) => i === 0 || l.n === (lines[i - 1] as AgentLogLine).n + 1);

async function idleSession(): Promise<{ projectId: string; id: string; call: Caller }> {
  const projectId = await scriptedProject(h, SCRIPT(h.tempDir('agent-store-')));
  await h.must('projects.setEnv', { id: projectId, key: 'API_TOKEN', value: SECRET });
  const s = await h.must('sessions.create', { projectId, prompt: 'hello', harness: 'custom' });
  const call = callerOf(h.core);
  await waitUntil(() => call<SessionSummary>('sessions.get', { id: s.id }), readyForPrompt, WAIT_MS, 'idle');
  return { projectId, id: s.id, call };
}

describe('the agent log', () => {
  it('streams stderr live and in order, apart from the transcript, with secrets replaced', { timeout: 90_000 }, async () => {
    h = createHarness();
    const { id, call } = await idleSession();
    await h.must('sessions.prompt', { id, text: 'be noisy', idempotencyKey: 'noisy-0001' });
    await waitTurnsEnded(call, id, 2);
    const live = await waitUntil(() => broadcast(h.events, id), (l) => l.some((x) => x.text.includes('now')), WAIT_MS, 'the last stderr line broadcast');

    const expected = ['agent starting', ...Array.from({ length: 200 }, (_, i) => `noisy line ${i + 1}`), 'using token [secret API_TOKEN] now'];
    expect(live.map((l) => l.text)).toEqual(expected);
    expect(increasing(live)).toBe(true);
    // The procedure reads what the host keeps: the same lines, the same numbers.
    const tail = await tailOf(call, id);
    expect(tail).toEqual({ lines: live, truncated: false });

    // Never in the transcript, and the secret nowhere Baton writes.
    expect(JSON.stringify(await recordsOf(call, id))).not.toContain('noisy line');
    const dir = sessionDir(h.dataDir, id);
    for (const file of [agentLogPath(dir), journalPath(dir), hostLogPath(dir)]) expect(readFileSync(file, 'utf8')).not.toContain(SECRET);
    expect(JSON.stringify(h.events)).not.toContain(SECRET);
  });

  it('keeps only the newest 256 KiB, and reads it again after Baton restarts, then follows new lines live', { timeout: 120_000 }, async () => {
    h = createHarness();
    const { id, call } = await idleSession();
    await h.must('sessions.prompt', { id, text: 'flood it', idempotencyKey: 'flood-0001' });
    await waitTurnsEnded(call, id, 2);
    const before = await waitUntil(() => tailOf(call, id), (t) => t.lines.at(-1)?.text.startsWith('flood 3000 ') ?? false, WAIT_MS, 'the flood in the log');
    expect(before.truncated).toBe(true);
    expect(textBytes(before.lines)).toBeLessThanOrEqual(256 * KIB);
    expect(textBytes(before.lines)).toBeGreaterThan(200 * KIB);
    expect(increasing(before.lines)).toBe(true);
    // On disk: two files at most, bounded whatever the agent writes.
    const dir = sessionDir(h.dataDir, id);
    const onDisk = statSync(agentLogPath(dir)).size + (existsSync(agentLogOldPath(dir)) ? statSync(agentLogOldPath(dir)).size : 0);
    expect(onDisk).toBeLessThan(2 * 300 * KIB);

    // Baton goes away, its host stays; a new Baton reads the same tail from where the host keeps it.
    await h.core.close();
    const second = h.reopen();
    const events: { name: string; payload: unknown }[] = [];
    second.core.hub.listen((name, payload) => events.push({ name, payload }));
    await second.core.recover();
    expect(await tailOf(second.call, id)).toEqual(before);

    // The agent still runs under its host: its next lines reach the new Baton live, numbered on.
    await waitUntil(() => second.call<SessionSummary>('sessions.get', { id }), readyForPrompt, WAIT_MS, 'idle after the restart');
    await second.call('sessions.prompt', { id, text: 'after the restart', idempotencyKey: 'after-0001' });
    const next = await waitUntil(() => broadcast(events, id), (l) => l.length >= 3, WAIT_MS, 'lines after the restart');
    expect(next.map((l) => l.text)).toEqual(['after the restart 1', 'after the restart 2', 'after the restart 3']);
    expect(next[0]?.n).toBe((before.lines.at(-1)?.n ?? 0) + 1);

    // Stopped, and Baton closed: `baton session log` still reads it, from the host's files.
    await second.call('sessions.stop', { id });
    await second.core.close();
    let stdout = '';
    const code = await run(['session', 'log', id.slice(0, 8), '--json', '--data-dir', h.dataDir], { stdout: (t) => (stdout += t), stderr: () => undefined });
    expect(code).toBe(0);
    const printed = JSON.parse(stdout) as Tail & { sessionId: string };
    expect(printed.sessionId).toBe(id);
    expect(printed.lines.at(-1)?.text).toBe('after the restart 3');
    expect(textBytes(printed.lines)).toBeLessThanOrEqual(256 * KIB);
    let text = '';
    expect(await run(['session', 'log', id.slice(0, 8), '--data-dir', h.dataDir], { stdout: (t) => (text += t), stderr: () => undefined })).toBe(0);
    expect(text.split('\n')[0]).toContain('older lines are not kept');
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/ {2}after the restart 3$/);
  });
});
