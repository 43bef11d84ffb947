/**
 * What starting git costs the caller's event loop (ADR 0030): the same 200 git calls (10 at a time) spawned from
 * this process, then through the spawner process, each while an event-loop delay histogram runs.
 * - `git_loop_delay_p99_ms_direct` / `_spawner`: the loop's delay p99 while the calls run (what a WebSocket
 *   frame or a host's records wait behind); `git_loop_delay_max_ms_*` the worst single hold.
 * - `git_spawner_vs_direct_loop_delay_ratio`: spawner p99 over direct p99 (below 1 is better).
 * - `git_call_p50_ms_*`: one call's own time, to show what the hop through the spawner costs a call.
 * Rounds alternate direct and spawner so the machine's load falls on both alike.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { afterAll, expect, test } from 'vitest';
import { runGit, useGitRunner } from '../src/main/git/exec';
import { createSpawner } from '../src/main/runtime/spawner';
import { buildOnce } from '../tests/support/build';

const CALLS = Number(process.env.BENCH_GIT_CALLS ?? 200);
const AT_ONCE = 10;
const ROUNDS = 3;
const base = realpathSync(mkdtempSync(join(tmpdir(), 'baton-bench-git-')));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function measure(repo: string): Promise<{ p99: number; max: number; callP50: number }> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  const calls: number[] = [];
  h.enable();
  for (let i = 0; i < CALLS; i += AT_ONCE) {
    await Promise.all(
      Array.from({ length: AT_ONCE }, async () => {
        const t = performance.now();
        const r = await runGit(['rev-parse', 'HEAD'], { cwd: repo });
        if (!r.ok || r.value.code !== 0) throw new Error('git failed');
        calls.push(performance.now() - t);
      }),
    );
  }
  h.disable();
  return { p99: h.percentile(99) / 1e6, max: h.max / 1e6, callP50: median(calls) };
}

test('git spawned from the caller vs through the spawner', async () => {
  buildOnce();
  const repo = join(base, 'repo');
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  execFileSync('git', ['-C', repo, '-c', 'user.name=B', '-c', 'user.email=b@localhost', 'commit', '-q', '--allow-empty', '-m', 'init']);
  const spawner = createSpawner(join(__dirname, '../out/main/spawner.js'));
  if (!spawner) throw new Error('no spawner script: build first');
  const direct: Awaited<ReturnType<typeof measure>>[] = [];
  const through: Awaited<ReturnType<typeof measure>>[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      useGitRunner(null);
      direct.push(await measure(repo));
      useGitRunner(spawner);
      through.push(await measure(repo));
    }
  } finally {
    useGitRunner(null);
    spawner.close();
  }
  const d = { p99: median(direct.map((x) => x.p99)), max: median(direct.map((x) => x.max)), call: median(direct.map((x) => x.callP50)) };
  const s = { p99: median(through.map((x) => x.p99)), max: median(through.map((x) => x.max)), call: median(through.map((x) => x.callP50)) };
  console.log(`bench: git_loop_delay_p99_ms_direct = ${d.p99.toFixed(1)}`);
  console.log(`bench: git_loop_delay_p99_ms_spawner = ${s.p99.toFixed(1)}`);
  console.log(`bench: git_loop_delay_max_ms_direct = ${d.max.toFixed(1)}`);
  console.log(`bench: git_loop_delay_max_ms_spawner = ${s.max.toFixed(1)}`);
  console.log(`bench: git_spawner_vs_direct_loop_delay_ratio = ${(s.p99 / Math.max(d.p99, 0.001)).toFixed(2)}`);
  console.log(`bench: git_call_p50_ms_direct = ${d.call.toFixed(1)}`);
  console.log(`bench: git_call_p50_ms_spawner = ${s.call.toFixed(1)}`);
  expect(direct.length).toBe(ROUNDS);
}, 300_000);
