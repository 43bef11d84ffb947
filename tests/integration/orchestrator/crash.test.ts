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

describe('the main process killed with SIGKILL during a replacement', () => {
  for (const phase of PHASES) {
    it(`right after "${phase}" is committed: the restarted app finishes the replacement from where it stopped`, async () => {
      h = createHarness();
      await h.core.close(); // Only its temp dirs are used: the app runs as a real child process.
      const dataDir = h.tempDir('baton-orch-crash-');
      const repo = makeRepo(h.tempDir());
      const token = `orch-crash-${phase}-token-0123456789`;
      // The first start runs the same saga (stop_old, spawn, verify): for those phases, the replacement's is the second hit.
      const nth = ['stop_old', 'spawn', 'verify'].includes(phase) ? 2 : 1;
      app = await startApp({ dataDir, token, env: { BATON_DEBUG_POINT: `replacement_after_${phase}:${nth}` } });
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
      const end = await waitReplacement(again, project.id, (r) => r.oldSessionId === old.id && r.status !== 'running', 'the replacement to end after restart', 60_000);
      const done = end.status === 'done' ? end : await (async () => {
        // A phase whose crash left something only a person can judge offers Retry; Retry must finish it.
        await again('orchestrator.retry', { replacementId: end.id });
        return waitReplacement(again, project.id, (r) => r.id === end.id && r.status !== 'running', 'the retry', 60_000);
      })();
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
