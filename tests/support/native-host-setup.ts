/**
 * Setup of the native-host vitest project (vitest.config.ts): builds the native session host if its sources are
 * newer, and skips every test of the file, saying why once, where it cannot be built (not Linux, no C compiler,
 * no sources yet). A compile error is not a reason to skip: ensureNativeHost throws it, and the file fails.
 */
import { beforeAll, beforeEach } from 'vitest';
import { ensureNativeHost } from './build';

let skipped: string | null = null;

beforeAll(() => {
  const r = ensureNativeHost();
  if (r.built) return;
  skipped = `the native session host is not built (${r.reason ?? 'unknown'})`;
  console.log(`[native-host] skipped: ${skipped}; sessions use the Node host. \`node scripts/build-native.mjs\` builds it.`);
});

beforeEach((ctx) => {
  if (skipped) ctx.skip(skipped);
});
