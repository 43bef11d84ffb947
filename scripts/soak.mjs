#!/usr/bin/env node
// `npm run soak`: the crash soak (tests/integration/recovery/soak.test.ts) with random seeds,
// for longer hunts than the fixed-seed run inside `npm test`.
//
//   npm run soak                      one run, a random seed
//   npm run soak -- 5                 five runs, each with its own random seed (or BATON_SOAK_COUNT=5)
//   BATON_SOAK_SEED=776922688 npm run soak -- 3   the same plan three times
//   BATON_SOAK_KILLS=400 npm run soak             longer runs (default 200 kills each)
//   BATON_HOST_RUNTIME=node npm run soak          against the Node session host;
//                                                 unset, the native one where it is built (ADR 0034)
//
// Every run prints its seed first; a failed run leaves its journals, database and trace in
// test-results/soak-<seed>/. The last line sums the runs up and names the failed seeds.
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';

const count = Math.max(1, Number(process.argv[2] ?? process.env.BATON_SOAK_COUNT ?? 1) || 1);
const fixed = process.env.BATON_SOAK_SEED ? Number(process.env.BATON_SOAK_SEED) : null;
// One vitest project, not both (vitest.config.ts): a hunt runs one host runtime at a time.
// The default project, which takes the host runtime from BATON_HOST_RUNTIME as given (node-host pins a short soak).
const node = process.env.BATON_HOST_RUNTIME === 'node';
const project = 'default';
const artifacts = (seed) => `test-results/soak-${seed}${node ? '-node' : ''}/`;
const failed = [];
for (let i = 1; i <= count; i++) {
  const seed = fixed ?? randomInt(1, 2 ** 31 - 1);
  console.log(`\n━━ soak ${i}/${count}: BATON_SOAK_SEED=${seed} (${project})`);
  const r = spawnSync('npx', ['vitest', 'run', '--project', project, 'tests/integration/recovery/soak.test.ts'], {
    stdio: 'inherit',
    env: { ...process.env, BATON_SOAK_SEED: String(seed) },
  });
  if (r.status !== 0) {
    failed.push(seed);
    console.log(`━━ soak ${i}/${count} FAILED: seed ${seed}; see ${artifacts(seed)}`);
  }
}
console.log(`\nsoak: ${count - failed.length} passed, ${failed.length} failed${failed.length ? ` (seeds ${failed.join(', ')})` : ''}`);
process.exit(failed.length === 0 ? 0 : 1);
