#!/usr/bin/env node
// The `baton` command: a thin loader for the built CLI (out/main/cli.js), so `npm link` / `npx baton` work from a checkout.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(entry)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  process.stderr.write(`baton: Baton has not been built yet (no ${fileURLToPath(entry)}).\nRun \`npm run build\` in ${root}, then try again.\n`);
  process.exit(1);
}
const { run } = await import(entry.href);
const code = await run(process.argv.slice(2));
// Exit once stdout is flushed: a headless brain may leave a timer or handle behind, and output must not be cut off.
process.stdout.write('', () => process.exit(code));
