import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import type { DiffView, MergeView } from '../../../src/shared/contracts/review';
import { buildOnce } from '../../support/build';
import { callerOf, createHarness, type Harness } from '../../support/core-harness';
import { waitUntil } from '../../support/scripted';
import { toolCaller, toolToken } from '../tasks/helpers';
import { git, lines, reviewSession, teardown, write } from './helpers';

let h: Harness;
beforeAll(() => buildOnce(), 180_000);
beforeEach(() => {
  h = createHarness();
});
afterEach(() => teardown(h));

describe("the orchestrator's review tools (MCP), scoped to its own project", () => {
  it('get_worker_diff gives the stat and a capped patch; merge_worker lands the branch; another project\'s worker is not found', { timeout: 90_000 }, async () => {
    const a = await reviewSession(h);
    const b = await reviewSession(h);
    await h.must('projects.update', { id: a.project.id, patch: { orchestratorAgent: 'custom' } });
    const call = callerOf(h.core);
    const orch = await call<SessionSummary>('orchestrator.start', { projectId: a.project.id });
    await waitUntil(() => h.must('sessions.get', { id: orch.id }), (s) => s.state === 'idle', 30_000, 'orchestrator idle');
    const tool = toolCaller(h.core, orch.id, await toolToken(call, orch.id));

    write(a.wt, 'big.txt', lines(1, 5000));
    write(a.wt, 'small.txt', 'small\n');
    git(a.wt, 'add', '-A');
    git(a.wt, 'commit', '-qm', 'work');
    const d = await tool<DiffView>('get_worker_diff', { sessionId: a.session.id, maxPatchBytes: 1000 });
    expect(d.files.map((f) => f.path).sort()).toEqual(['big.txt', 'small.txt']);
    expect(d.files.find((f) => f.path === 'big.txt')).toMatchObject({ additions: 5000, patch: null, omitted: 'patch_budget' });
    expect(d.truncated).toBe(true);
    expect(JSON.stringify(d).length).toBeLessThan(5000);
    const stat = await tool<DiffView>('get_worker_diff', { sessionId: a.session.id, stat: true });
    expect(stat.files.every((f) => f.patch === null)).toBe(true);

    await expect(tool('get_worker_diff', { sessionId: b.session.id })).rejects.toMatchObject({ code: 'worker_not_found' });
    await expect(tool('merge_worker', { sessionId: b.session.id })).rejects.toMatchObject({ code: 'worker_not_found' });
    await expect(tool('merge_worker', { sessionId: a.session.id, mode: 'octopus' })).rejects.toMatchObject({ code: 'invalid_input' });

    const m = await tool<MergeView>('merge_worker', { sessionId: a.session.id, mode: 'squash' });
    expect(m).toMatchObject({ status: 'merged', mode: 'squash', where: 'checkout' });
    expect(git(a.repo, 'show', 'HEAD:small.txt')).toBe('small\n');
    expect(git(b.repo, 'log', '--format=%s').trim()).toBe('initial');
  });
});
