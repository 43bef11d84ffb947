import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { startServer, stopServer } from '../tests/e2e/support/server';
import { buildOnce, ensureNativeHost } from '../tests/support/build';
import { makeRepo } from '../tests/support/git';
import { waitUntil } from '../tests/support/wait';
import { connectWs } from '../tests/support/ws-client';
import { bareNodeRssMb, cpuTicks, hostPids, must, parents, privateMb, rssMb, startApp, tempDir, tree } from './support/app';
import { seedSessions } from './support/seed-sessions';

/**
 * What Baton costs while agents sit idle, and per session:
 * - `host_rss_mb`: a live idle session's host process (mean over the idle
 *   sessions), beside `bare_node_rss_mb`, a bare Node process doing nothing;
 *   `agent_rss_mb` is the scripted agent's, for scale (a real CLI is ~200 MB);
 *   hosts run as Baton runs them by default: the native session host
 *   (native/host, ADR 0034) where it is built; `host_rss_mb_node` (and
 *   `host_private_mb_node`): the same with the Node host, on an app of its own;
 * - `idle_cpu_percent`: CPU of the brain, every host and every agent over an
 *   idle window with 20 idle sessions, in % of one core, and its parts: `idle_cpu_percent_baton` (brain, spawner,
 *   hosts: the goal's "Baton"), `_brain`, `_hosts`, `_agents` (the scripted agents' own V8 housekeeping, ~8 s
 *   apart: not Baton's); `idle_spawns_per_min`:
 *   processes started meanwhile (PATH shims count every git and ps call, and a
 *   /proc scan every 100 ms catches any other child of the brain's tree);
 * - `brain_rss_mb_200_sessions`: the brain with 200 sessions (seeded, settled
 *   by its startup reconcile) once a client listed them, beside
 *   `brain_rss_mb_empty`, the same app with none.
 * BENCH_IDLE_MS sets the idle window (default 30 s).
 */

const IDLE_SESSIONS = 20;
const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 30_000);
const BRAIN_SESSIONS = 200;
/** Node/V8 flags tried for the host (ADR 0022), each on its own app with a few sessions; BENCH_HOST_FLAGS=0 leaves them out. */
const FLAG_VARIANTS: Array<[string, string]> = [
  ['default', ''],
  ['semi1', '--max-semi-space-size=1'],
  ['jitless', '--jitless'],
  ['lite', '--lite-mode'],
  ['lite_semi1_pool0', '--lite-mode --max-semi-space-size=1 --v8-pool-size=0'],
  ['old24_semi1', '--max-old-space-size=24 --max-semi-space-size=1'],
];
const FLAG_SESSIONS = 4;
/** A first turn with traffic, so each host holds what a working session leaves it (its ring of recent lines, a used heap). */
const BUSY_FIRST_TURN = { default: { steps: [{ type: 'burst', count: 3000, text: 'some agent text, as a real turn would stream it' }] } };

/** Commands first on PATH that log each call, then run the real one. */
function shims(dir: string, names: string[]): { path: string; calls: () => string[] } {
  const log = join(dir, 'calls.log');
  writeFileSync(log, '');
  for (const name of names) {
    const real = ['/usr/bin', '/bin', '/usr/local/bin'].map((d) => join(d, name)).find((p) => {
      try {
        readFileSync(p);
        return true;
      } catch {
        return false;
      }
    });
    if (!real) continue;
    writeFileSync(join(dir, name), `#!/bin/sh\necho "${name} $*" >> '${log}'\nexec '${real}' "$@"\n`);
    chmodSync(join(dir, name), 0o755);
  }
  return { path: dir, calls: () => readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

/** The brain's RSS once it settled and a client listed `sessions` sessions. */
async function brainRss(seed: number): Promise<number> {
  const first = await startServer();
  let c = await connectWs(first.port, { token: first.token });
  const repo = makeRepo(tempDir('baton-bench-brain-'));
  const { project } = await must<{ project: { id: string } }>(c, 'projects.add', { path: repo, name: 'brain' });
  c.ws.close();
  await stopServer(first);
  if (seed > 0) seedSessions({ dataDir: first.dataDir, projectId: project.id, cwd: repo, count: seed, linesPerSession: 400, appliedShare: 1, endings: ['ended', 'mid_turn', 'exit_failed_idle'] });
  const server = await startServer({ dataDir: first.dataDir });
  try {
    c = await connectWs(server.port, { token: server.token });
    await waitUntil(() => must<{ state: string }[]>(c, 'sessions.list', {}), (l) => l.length === seed && l.every((s) => s.state !== 'busy'), 120_000, 'the seeded sessions reconciled', 250);
    await new Promise((r) => setTimeout(r, 2000));
    await must(c, 'sessions.list', {});
    c.ws.close();
    return rssMb(server.proc.pid as number);
  } finally {
    await stopServer(server);
  }
}

/** `host_rss_mb` measured again with the Node session host: as many idle sessions after the same first turn, on an app of its own. */
async function nodeHostRss(): Promise<void> {
  const app = await startApp({ env: { BATON_HOST_RUNTIME: 'node' } });
  try {
    await app.idleSessions(await app.project('idle-node', BUSY_FIRST_TURN), IDLE_SESSIONS);
    await new Promise((r) => setTimeout(r, 5000));
    const hosts = hostPids(app.server.dataDir);
    expect(hosts.length).toBe(IDLE_SESSIONS);
    console.log(`bench: host_rss_mb_node = ${(hosts.reduce((n, p) => n + rssMb(p), 0) / hosts.length).toFixed(1)}`);
    console.log(`bench: host_private_mb_node = ${(hosts.reduce((n, p) => n + privateMb(p), 0) / hosts.length).toFixed(1)}`);
  } finally {
    await app.close();
  }
}

test('footprint: host RSS, idle CPU and spawns with 20 idle sessions, the brain with 200 sessions', async () => {
  buildOnce();
  const bare = await bareNodeRssMb();
  const brainEmpty = await brainRss(0);
  const brain200 = await brainRss(BRAIN_SESSIONS);
  console.log(`bench: bare_node_rss_mb = ${bare.toFixed(1)}`);
  console.log(`bench: brain_rss_mb_empty = ${brainEmpty.toFixed(1)}`);
  console.log(`bench: brain_rss_mb_200_sessions = ${brain200.toFixed(1)}`);

  const shim = shims(tempDir('baton-bench-shims-'), ['git', 'ps']);
  // The hosts Baton runs by default: the native one where it is built (said on the line below), else Node's.
  const native = ensureNativeHost();
  console.log(`footprint: session hosts are ${native.built ? 'native (native/host)' : `Node's (the native host is not built: ${native.reason ?? 'unknown'})`}`);
  const app = await startApp({ env: { PATH: `${shim.path}:${process.env.PATH ?? ''}` } });
  try {
    const projectId = await app.project('idle', BUSY_FIRST_TURN);
    await app.idleSessions(projectId, IDLE_SESSIONS);
    // Settled: the last turn's follow-ups (review stats, say) are done.
    await new Promise((r) => setTimeout(r, 5000));
    const brain = app.server.proc.pid as number;
    const hosts = hostPids(app.server.dataDir);
    expect(hosts.length).toBe(IDLE_SESSIONS);
    const ppids = parents();
    const agents = hosts.flatMap((h) => tree(h, ppids).slice(1));
    const hostMb = hosts.reduce((n, p) => n + rssMb(p), 0) / hosts.length;
    const hostPrivate = hosts.reduce((n, p) => n + privateMb(p), 0) / hosts.length;
    const agentPrivate = agents.reduce((n, p) => n + privateMb(p), 0) / hosts.length;
    const agentMb = agents.reduce((n, p) => n + rssMb(p), 0) / hosts.length;

    const everyone = () => tree(brain);
    const seen = new Set(everyone());
    const ticks0 = new Map([...seen].map((p) => [p, cpuTicks(p)]));
    const calls0 = shim.calls().length;
    let spawned = 0;
    const end = Date.now() + IDLE_MS;
    while (Date.now() < end) {
      await new Promise((r) => setTimeout(r, 100));
      for (const p of everyone()) {
        if (seen.has(p)) continue;
        seen.add(p);
        spawned++;
      }
    }
    let ticks = 0;
    let brainTicks = 0;
    let hostTicks = 0;
    let agentTicks = 0;
    const hostSet = new Set(hosts);
    const agentSet = new Set(agents);
    for (const [p, t0] of ticks0) {
      const d = Math.max(0, cpuTicks(p) - t0);
      ticks += d;
      if (p === brain) brainTicks = d;
      else if (hostSet.has(p)) hostTicks += d;
      else if (agentSet.has(p)) agentTicks += d;
    }
    const calls = shim.calls().slice(calls0);
    const seconds = IDLE_MS / 1000;
    const perMin = (n: number) => Math.round((n * 60) / seconds);
    console.log(`bench: host_rss_mb = ${hostMb.toFixed(1)}`);
    console.log(`bench: host_vs_bare_node_rss_ratio = ${(hostMb / bare).toFixed(2)}`);
    console.log(`bench: host_private_mb = ${hostPrivate.toFixed(1)}`);
    console.log(`bench: agent_rss_mb = ${agentMb.toFixed(1)}`);
    console.log(`bench: agent_private_mb = ${agentPrivate.toFixed(1)}`);
    console.log(`bench: brain_rss_mb_20_live_sessions = ${rssMb(brain).toFixed(1)}`);
    console.log(`bench: idle_cpu_percent = ${((ticks / seconds)).toFixed(2)}`);
    console.log(`bench: idle_cpu_percent_brain = ${((brainTicks / seconds)).toFixed(2)}`);
    // Baton's own part (brain and hosts) apart from the agents' (the scripted agent here; a real agent CLI has its own).
    console.log(`bench: idle_cpu_percent_hosts = ${((hostTicks / seconds)).toFixed(2)}`);
    // What is Baton's: everything in the brain's tree but the agents (the brain, its spawner, the hosts).
    console.log(`bench: idle_cpu_percent_baton = ${(((ticks - agentTicks) / seconds)).toFixed(2)}`);
    console.log(`bench: idle_cpu_percent_agents = ${((agentTicks / seconds)).toFixed(2)}`);
    console.log(`bench: idle_spawns_per_min = ${perMin(Math.max(spawned, calls.length))}`);
    console.log(`bench: idle_git_ps_calls_per_min = ${perMin(calls.length)}`);
    if (calls.length) console.log(`bench: idle_spawns_sample = ${JSON.stringify(calls.slice(0, 5))}`);
  } finally {
    await app.close();
  }

  await nodeHostRss();

  if (process.env.BENCH_HOST_FLAGS === '0') return;
  for (const [name, flags] of FLAG_VARIANTS) {
    const v = await startApp({ env: { BATON_HOST_NODE_FLAGS: flags, BATON_HOST_RUNTIME: 'node' } });
    try {
      await v.idleSessions(await v.project(name, BUSY_FIRST_TURN), FLAG_SESSIONS);
      await new Promise((r) => setTimeout(r, 3000));
      const hosts = hostPids(v.server.dataDir);
      const rss = hosts.reduce((n, p) => n + rssMb(p), 0) / hosts.length;
      const priv = hosts.reduce((n, p) => n + privateMb(p), 0) / hosts.length;
      console.log(`bench: host_rss_mb_flags_${name} = ${rss.toFixed(1)} (private ${priv.toFixed(1)})`);
    } finally {
      await v.close();
    }
  }
});
