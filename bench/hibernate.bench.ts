import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { sessionDir } from '../src/main/host/paths';
import { readHostFile } from '../src/main/host/liveness';
import type { SessionSummary } from '../src/shared/contracts/sessions';
import { buildOnce } from '../tests/support/build';
import { callerOf, createHarness } from '../tests/support/core-harness';
import { waitUntil } from '../tests/support/scripted';
import { parents, tree } from './support/app';
import { lostHostScript, scriptedProject, waitTurnsEnded, WAIT_MS } from '../tests/integration/sessions/lost-hosts';

/** Enough sessions for a per-session mean, few enough for a 2-core machine shared with other suites. */
const SESSIONS = 4;


/** VmRSS in kB from /proc/<pid>/status; 0 for a process that is gone (or a zombie, which holds none). */
function rssKb(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

test('idle RSS: a live idle session (host + agent tree) against a hibernated one', async () => {
  buildOnce();
  const h = createHarness();
  try {
    const call = callerOf(h.core);
    // Never while measuring the live sessions; then a second, so the real timer path hibernates them.
    await h.must('app.updateSettings', { hibernateAfterSeconds: 0 });
    const projectId = await scriptedProject(h, lostHostScript(h.tempDir('agent-store-')));
    const ids: string[] = [];
    for (let i = 0; i < SESSIONS; i++) ids.push((await h.must('sessions.create', { projectId, prompt: `question ${i}`, harness: 'custom' })).id);
    for (const id of ids) await waitTurnsEnded(call, id, 1);
    const hosts = ids.map((id) => {
      const host = readHostFile(sessionDir(h.dataDir, id));
      if (!host) throw new Error(`session ${id} has no host.json`);
      return host.pid;
    });

    const ppids = parents();
    const trees = hosts.map((pid) => tree(pid, ppids));
    for (const t of trees) expect(t.length).toBeGreaterThanOrEqual(2);
    const liveMb = trees.reduce((kb, t) => kb + t.reduce((n, pid) => n + rssKb(pid), 0), 0) / 1024 / SESSIONS;

    await h.must('app.updateSettings', { hibernateAfterSeconds: 1 });
    for (const id of ids) await waitUntil(() => call<SessionSummary>('sessions.get', { id }), (s) => s.hibernated === true, WAIT_MS, `session ${id} to hibernate`);
    const allPids = trees.flat();
    await waitUntil(() => allPids.filter((p) => rssKb(p) > 0), (alive) => alive.length === 0, WAIT_MS, 'the hibernated trees to end');
    // What a hibernated session still holds outside the brain: whatever of its tree is left (nothing, once ended). The
    // brain's own share (a summary row, an empty timer slot) is below the noise of its RSS, so it is not counted here.
    const hibernatedMb = allPids.reduce((kb, pid) => kb + rssKb(pid), 0) / 1024 / SESSIONS;

    console.log(`bench: idle_rss_mb_live_session = ${liveMb.toFixed(1)}`);
    console.log(`bench: idle_rss_mb_per_hibernated_session = ${hibernatedMb.toFixed(1)}`);
    expect(hibernatedMb).toBeLessThan(liveMb);
  } finally {
    await h.cleanup();
  }
});
