import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rng, SoakLane, type LaneStats } from './soak-lane';
import { useSnapshotBuild } from './world';

/**
 * The randomized soak: BATON_SOAK_KILLS main-process kills (default 200)
 * spread over BATON_SOAK_LANES independent apps run side by side (default 2),
 * each with its own data dir and sessions. Every choice (when to kill, which
 * host or agent to kill too, when to kill a restarting main) comes from
 * BATON_SOAK_SEED, printed either way; timing still varies from run to run,
 * so a seed replays the same plan, not the same interleaving.
 *
 * Unset, the seed is FIXED_SEED, so `npm test` runs one known plan (one
 * that once caught a tool call shown interrupted after a Retry reused its
 * id); `npm run soak` (scripts/soak.mjs) runs random seeds. A failed run
 * leaves its journals, database and trace in test-results/soak-<seed>/
 * (soak-<seed>-node/ for the node-host project's run of the same seed).
 */
const FIXED_SEED = 776922688;
const KILLS = Number(process.env.BATON_SOAK_KILLS ?? 200);
const LANES = Math.max(1, Number(process.env.BATON_SOAK_LANES ?? 2));
const SEED = process.env.BATON_SOAK_SEED ? Number(process.env.BATON_SOAK_SEED) : FIXED_SEED;
// Both vitest projects run the same seed side by side: each keeps its own artifacts.
const ARTIFACTS = resolve(process.cwd(), 'test-results', `soak-${SEED}${process.env.BATON_HOST_RUNTIME === 'node' ? '-node' : ''}`);
/** Per kill, restart and checks take well under a second; this only keeps a wedged soak from running forever. */
const BUDGET_MS = 240_000 + KILLS * 2_000;

const build = useSnapshotBuild();
beforeAll(build.before, 180_000);
afterAll(build.after);

describe('randomized crash soak', () => {
  it(`${KILLS} SIGKILLs at random instants across multi-tool runs; every restart recovers every session as the recovery table says`, async () => {
    const seeds = rng(SEED);
    let failed = false;
    const lanes = Array.from({ length: LANES }, (_, i) => {
      const kills = Math.floor(KILLS / LANES) + (i < KILLS % LANES ? 1 : 0);
      return new SoakLane(`lane${i}`, { seed: seeds.int(1, 2 ** 31 - 1), kills, sessions: 3, aborted: () => failed });
    });
    console.log(`[soak] seed ${SEED}: ${KILLS} kills over ${LANES} lane(s) (BATON_SOAK_SEED=${SEED} replays this plan)`);
    const started = Date.now();
    const stats: LaneStats[] = await Promise.all(
      lanes.map((l) =>
        l.run().catch((e: unknown) => {
          failed = true;
          throw e;
        }),
      ),
    )
      .catch(async (e: unknown) => {
        const message = e instanceof Error ? e.message : String(e);
        const traces = lanes.map((l) => l.recent()).join('\n');
        rmSync(ARTIFACTS, { recursive: true, force: true });
        await Promise.all(lanes.map((l) => l.saveArtifacts(join(ARTIFACTS, l.name)))).catch((err: unknown) => console.error('[soak] could not save the artifacts:', err));
        console.error(
          `[soak] FAILED with seed ${SEED}; journals, databases and traces are in ${ARTIFACTS}; rerun with BATON_SOAK_SEED=${SEED}${process.env.BATON_HOST_RUNTIME === 'node' ? ' BATON_HOST_RUNTIME=node' : ''} npx vitest run --project default tests/integration/recovery/soak.test.ts\n${traces}`,
        );
        throw new Error(`soak seed ${SEED}: ${message} (artifacts in ${ARTIFACTS})`, { cause: e });
      })
      .finally(() => Promise.all(lanes.map((l) => l.cleanup())));
    const total = stats.reduce((a, s) => ({
      mainKills: a.mainKills + s.mainKills,
      startupKills: a.startupKills + s.startupKills,
      hostKills: a.hostKills + s.hostKills,
      agentKills: a.agentKills + s.agentKills,
      continues: a.continues + s.continues,
      retries: a.retries + s.retries,
      prompts: a.prompts + s.prompts,
      permissions: a.permissions + s.permissions,
      armedStarts: a.armedStarts + s.armedStarts,
      hostCrashPointsFired: a.hostCrashPointsFired + s.hostCrashPointsFired,
      turnsEnded: a.turnsEnded + s.turnsEnded,
      liveMs: a.liveMs + s.liveMs,
      restartMs: a.restartMs + s.restartMs,
      checkMs: a.checkMs + s.checkMs,
    }));
    if (process.env.BATON_SOAK_TRACE) console.log(lanes.map((l) => l.recent()).join('\n'));
    console.log(`[soak] seed ${SEED}: ${JSON.stringify(total)} in ${Math.round((Date.now() - started) / 1000)} s`);
    expect(total.mainKills).toBeGreaterThanOrEqual(KILLS);
    // A soak that never killed a host never exercised interrupted → Continue.
    if (KILLS >= 100) expect(total.hostKills + total.agentKills).toBeGreaterThan(0);
  }, BUDGET_MS);
});
