import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OrchestratorStatus, ReplacementView } from '../../../src/shared/contracts/orchestrator';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import { startApp, stopAndKill, type AppProcess } from '../../support/app-process';
import { buildOnce } from '../../support/build';
import { createHarness, git, makeRepo, type Harness } from '../../support/core-harness';
import { scriptedCommand, waitUntil } from '../../support/scripted';
import { dirty, ORCHESTRATOR_SCRIPT, orchestrators, preservedFiles, waitReplacement } from './helpers';

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

const PHASES = ['stop_old', 'preserve', 'release', 'retire', 'spawn', 'verify'] as const;
// The first start runs the same saga (stop_old, spawn, verify; and one spawn of an agent): for those, the replacement's is the second hit.
const POINTS = [
  ...PHASES.map((phase) => ({ point: `replacement_after_${phase}`, nth: ['stop_old', 'spawn', 'verify'].includes(phase) ? 2 : 1, when: `right after "${phase}" is committed` })),
  { point: 'mid_spawn', nth: 2, when: 'while the new orchestrator is being spawned' },
];

describe('the main process killed with SIGKILL during a replacement', () => {
  for (const { point, nth, when } of POINTS) {
    const phase = point.replace('replacement_after_', '');
    it(`${when}: the restarted app finishes the replacement by itself, without Retry`, async () => {
      h = createHarness();
      await h.core.close(); // Only its temp dirs are used: the app runs as a real child process.
      const dataDir = h.tempDir('baton-orch-crash-');
      const repo = makeRepo(h.tempDir());
      const token = `orch-crash-${phase}-token-0123456789`;
      app = await startApp({ dataDir, token, env: { BATON_DEBUG_POINT: `${point}:${nth}` } });
      const call = app.call.bind(app);
      const { project } = await call<{ project: { id: string } }>('projects.add', { path: repo, name: 'crashy' });
      await call('projects.update', { id: project.id, patch: { orchestratorAgent: 'custom', customCommand: scriptedCommand(h.tempDir(), ORCHESTRATOR_SCRIPT) } });
      const old = await call<SessionSummary>('orchestrator.start', { projectId: project.id });
      dirty(old.worktreePath as string);

      await call<ReplacementView>('orchestrator.replace', { projectId: project.id }).catch(() => undefined);
      await app.exited;
      expect(app.proc.signalCode).toBe('SIGKILL');

      app = await startApp({ dataDir, token });
      const again = app.call.bind(app);
      // No Retry: the restart alone must carry the saga to done (ADR 0008).
      const done = await waitReplacement(again, project.id, (r) => r.oldSessionId === old.id && r.status !== 'running', 'the replacement to end after restart', 90_000);
      expect(done.lastError).toBeNull();
      expect(done.status).toBe('done');

      const all = await orchestrators(again, project.id);
      const active = all.filter((s) => !['retired', 'failed', 'stopped'].includes(s.state));
      expect(active.map((s) => s.id)).toEqual([done.newSessionId]);
      expect(all.find((s) => s.id === old.id)?.state).toBe('retired');
      const st = await waitUntil(() => again<OrchestratorStatus>('orchestrator.status', { projectId: project.id }), (x) => x.current?.state === 'idle' || x.current?.state === 'busy', 30_000, 'the new orchestrator up');
      expect(st.current?.id).toBe(done.newSessionId);
      expect(git(st.current?.worktreePath as string, 'symbolic-ref', '--short', 'HEAD').trim()).toBe('baton/crashy-orchestrator');
      expect(preservedFiles(repo, `refs/baton/preserved/${old.id}`)).toEqual({ readme: '# changed by the old orchestrator\n', notes: 'plans that were never committed\n' });
    });
  }
});
