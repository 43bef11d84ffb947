import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTasksRepository } from '../../../src/main/tasks/repository';
import { createHarness, makeRepo, type Harness } from '../../support/core-harness';

let h: Harness;
afterEach(() => h.cleanup());

describe('task runs', () => {
  it('needs attention says why; recover re-queues it without its old worker, so a new worker can serve it', async () => {
    h = createHarness();
    const { project } = await h.must('projects.add', { path: makeRepo(h.tempDir()), name: 'runs' });
    // The repository on the same file, as the tools use it.
    const db = new Database(join(h.dataDir, 'baton.db'));
    const repo = createTasksRepository(db);
    const task = repo.add({ projectId: project.id, title: 'Flaky', body: '', priority: 'high' });
    const first = repo.claimNext(project.id, 'orch', 60_000);
    expect(first?.run.id).toBe(task.run?.id);
    expect(repo.attachWorker(first!.run.id, first!.token, 'worker-1').ok).toBe(true);
    repo.needsAttention(first!.run.id, 'Its worker session failed: exited with code 2');
    expect(repo.run(first!.run.id)).toMatchObject({ status: 'needs_attention', workerSessionId: 'worker-1', attention: { reason: 'Its worker session failed: exited with code 2' } });
    // The old claim is gone with it.
    expect(repo.complete(first!.run.id, first!.token, 'no').ok).toBe(false);

    expect(repo.recover(first!.run.id).ok).toBe(true);
    expect(repo.run(first!.run.id)).toMatchObject({ status: 'queued', workerSessionId: null, attention: null });
    const second = repo.claimNext(project.id, 'orch', 60_000);
    expect(second?.run.id).toBe(first!.run.id);
    expect(repo.attachWorker(second!.run.id, second!.token, 'worker-2')).toMatchObject({ ok: true, value: { workerSessionId: 'worker-2', status: 'running' } });
    expect(repo.events(first!.run.id).map((e) => e.kind)).toEqual(['queued', 'claimed', 'running', 'needs_attention', 'recovered', 'claimed', 'running']);
    db.close();
  });
});
