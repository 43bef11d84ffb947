import { existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTranscript } from '../../../src/shared/transcript';
import { buildOnce } from '../../support/build';
import { createHarness, makeRepo, type Harness } from '../../support/core-harness';
import { scriptedCommand, waitUntil } from '../../support/scripted';

let h: Harness;
beforeAll(() => buildOnce(), 120_000);
beforeEach(() => {
  h = createHarness();
});
afterEach(async () => {
  delete process.env.BATON_INIT_TIMEOUT_MS;
  for (const s of await h.must('sessions.list', {})) if (s.state !== 'stopped' && s.state !== 'failed') await h.call('sessions.stop', { id: s.id });
  await h.cleanup();
});

async function start(script: unknown, prompt = 'go') {
  const repo = makeRepo(h.tempDir());
  const { project } = await h.must('projects.add', { path: repo, name: 'fail' });
  await h.must('projects.update', { id: project.id, patch: { workerAgent: 'custom', customCommand: scriptedCommand(h.tempDir(), script) } });
  return h.must('sessions.create', { projectId: project.id, prompt, harness: 'custom' });
}
const get = (id: string) => h.must('sessions.get', { id });
const transcriptOf = async (id: string) => buildTranscript((await h.must('sessions.records', { id, afterSeq: 0, limit: 50_000 })).records);
const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/\) Z /.test(readStat(pid));
function readStat(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return '';
  }
}

describe('sessions when things go wrong', () => {
  it('cancel mid-tool ends the turn as cancelled and the session takes the next prompt', async () => {
    const s = await start({ prompts: [{ steps: [{ type: 'spawn_tool', id: 'long', command: 'sleep', args: ['30'], wait: true }, { type: 'text', text: 'never' }] }, { steps: [{ type: 'text', text: 'second turn' }] }] });
    await waitUntil(() => transcriptOf(s.id), (t) => t.items.some((i) => i.type === 'tool'), 20_000, 'the tool call');
    expect((await get(s.id)).state).toBe('busy');
    expect((await h.must('sessions.cancel', { id: s.id })).cancelled).toBe(true);
    await waitUntil(() => get(s.id), (x) => x.state === 'idle', 15_000, 'idle after cancel');
    const t = await transcriptOf(s.id);
    expect(t.items.at(-1)).toMatchObject({ type: 'turn_end', stopReason: 'cancelled' });
    expect(t.items.some((i) => i.type === 'agent' && i.text.includes('never'))).toBe(false);
    await h.must('sessions.prompt', { id: s.id, text: 'again', idempotencyKey: 'second-turn-key' });
    await waitUntil(() => transcriptOf(s.id), (x) => x.items.some((i) => i.type === 'agent' && i.text.includes('second turn')) && !x.turnOpen, 15_000, 'second turn');
  });

  it('an agent that crashes mid-turn leaves the session interrupted (Continue) with its exit code and last stderr lines', async () => {
    const s = await start({ prompts: [{ steps: [{ type: 'text', text: 'working' }, { type: 'crash', code: 3, stderr: ['panic: out of cheese', 'at frobnicate()'] }] }] });
    const interrupted = await waitUntil(() => get(s.id), (x) => x.state === 'interrupted', 30_000, 'interrupted');
    expect(interrupted.stateDetail).toContain('exited with code 3');
    const exit = (await transcriptOf(s.id)).items.find((i) => i.type === 'exit');
    expect(exit).toMatchObject({ code: 3, stderrTail: expect.arrayContaining(['panic: out of cheese']) as string[] });
  });

  it('an agent that never answers initialize fails with a timeout reason, and its processes are gone', async () => {
    process.env.BATON_INIT_TIMEOUT_MS = '1500';
    await h.cleanup();
    h = createHarness();
    const s = await start({ initialize: { never: true } });
    const failed = await waitUntil(() => get(s.id), (x) => x.state === 'failed', 20_000, 'failed');
    expect(failed.stateDetail).toMatch(/did not answer initialize within/);
    const host = JSON.parse(readFileSync(`${h.dataDir}/sessions/${s.id}/host.json`, 'utf8')) as { pid: number; agentPid: number };
    await waitUntil(() => [host.pid, host.agentPid].filter(alive), (pids) => pids.length === 0, 10_000, 'host and agent gone');
  });

  it('garbage and oversized lines become diagnostics and the session carries on', async () => {
    const s = await start({ prompts: [{ steps: [{ type: 'garbage', text: 'Traceback (most recent call last): {' }, { type: 'oversized', bytes: 9 * 1024 * 1024 }, { type: 'text', text: 'still here' }] }] });
    await waitUntil(() => get(s.id), (x) => x.state === 'idle' && x.lastSeq > 0, 30_000, 'idle');
    const t = await waitUntil(() => transcriptOf(s.id), (x) => x.items.some((i) => i.type === 'turn_end'), 10_000, 'turn end');
    const diags = t.items.filter((i) => i.type === 'diagnostic');
    expect(diags.length).toBeGreaterThanOrEqual(2);
    expect(t.items.some((i) => i.type === 'agent' && i.text.includes('still here'))).toBe(true);
  });

  it('Stop reaps the host, the agent and the tool it started in its own process group', async () => {
    const s = await start({ prompts: [{ steps: [{ type: 'spawn_tool', id: 'bg', command: 'sleep', args: ['300'] }, { type: 'hang' }] }] });
    const t = await waitUntil(() => transcriptOf(s.id), (x) => x.items.some((i) => i.type === 'tool'), 20_000, 'tool call');
    const tool = t.items.find((i) => i.type === 'tool');
    const toolPid = Number(/pid (\d+)/.exec(tool?.type === 'tool' ? tool.content.join(' ') : '')?.[1]);
    expect(toolPid).toBeGreaterThan(0);
    const host = JSON.parse(readFileSync(`${h.dataDir}/sessions/${s.id}/host.json`, 'utf8')) as { pid: number; agentPid: number };
    expect(alive(toolPid) && alive(host.pid) && alive(host.agentPid)).toBe(true);

    const stopped = await h.must('sessions.stop', { id: s.id });
    expect(['stopping', 'stopped']).toContain(stopped.state);
    await waitUntil(() => get(s.id), (x) => x.state === 'stopped', 15_000, 'stopped');
    await waitUntil(() => [toolPid, host.pid, host.agentPid].filter(alive), (pids) => pids.length === 0, 10_000, 'no survivors');
  });
});
