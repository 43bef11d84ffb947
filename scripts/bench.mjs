#!/usr/bin/env node
// `npm run bench`: every bench/*.bench.ts, each printing `bench: NAME = VALUE` lines
// (figures and ratios against a baseline measured in the same run), gathered at the end.
import { spawn } from 'node:child_process';

const args = ['vitest', 'run', '--config', 'vitest.bench.config.ts', '--reporter=dot', ...process.argv.slice(2)];
const child = spawn('npx', args, { stdio: ['ignore', 'pipe', 'inherit'] });
let out = '';
child.stdout.on('data', (d) => {
  out += d.toString();
  process.stdout.write(d);
});
child.on('exit', (code) => {
  // Strip colour codes: vitest may glue them to the first line a test prints.
  // eslint-disable-next-line no-control-regex -- matching ANSI escapes is the point
  const plain = out.replace(/\u001b\[[0-9;]*m/g, '');
  const lines = plain.split('\n').filter((l) => /^bench: \S+ = /.test(l.trim()));
  console.log('\n── benchmark figures');
  for (const l of lines) console.log(l.trim());
  process.exit(code ?? 1);
});
