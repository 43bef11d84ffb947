#!/usr/bin/env node
// `npm test`: typecheck, lint, unit + integration (vitest), build, e2e (Playwright).
// Every step runs even when an earlier one failed (except e2e, which needs the build),
// and the last line is `N passed, M failed` summed over all of them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const results = { passed: 0, failed: 0, skipped: 0 };
const failures = [];
// CI keeps only the tail of the output: each failed test is named again at the end.
const failedNames = [];
mkdirSync('test-results', { recursive: true });

function run(label, cmd, args) {
  console.log(`\n━━ ${label}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  return r.status === 0;
}

function check(label, cmd, args) {
  const ok = run(label, cmd, args);
  if (ok) results.passed += 1;
  else {
    results.failed += 1;
    failures.push(label);
  }
  return ok;
}

const firstLine = (text) => String(text ?? '').split('\n').find((l) => l.trim() !== '')?.trim().slice(0, 300) ?? '';

function vitestFailures(report) {
  const out = [];
  for (const file of report.testResults ?? []) {
    // The node-host project runs the host and recovery files again (scripts/vitest-report.mjs adds `project`).
    const project = file.project && file.project !== 'default' ? `[${file.project}] ` : '';
    const name = project + String(file.name ?? '').replace(process.cwd() + '/', '');
    const failed = (file.assertionResults ?? []).filter((a) => a.status === 'failed');
    for (const a of failed) out.push(`${name} › ${a.fullName}: ${firstLine(a.failureMessages?.[0])}`);
    // A file that failed to load has no failed test but says why in its own message.
    if (failed.length === 0 && file.status === 'failed') out.push(`${name}: ${firstLine(file.message)}`);
  }
  return out;
}

function e2eFailures(report) {
  const out = [];
  const walk = (suite, file) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        if (t.status !== 'unexpected') continue;
        const err = t.results?.find((r) => r.error)?.error?.message;
        out.push(`${file ?? suite.file} › ${spec.title}: ${firstLine(err)}`);
      }
    }
    for (const child of suite.suites ?? []) walk(child, file ?? suite.file);
  };
  for (const suite of report.suites ?? []) walk(suite, suite.file);
  return out;
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

check('typecheck', 'npm', ['run', '--silent', 'typecheck']);
check('lint', 'npm', ['run', '--silent', 'lint']);

rmSync('test-results/vitest.json', { force: true });
const vitestOk = run('unit + integration', 'npx', [
  'vitest', 'run', '--reporter=default', '--reporter=./scripts/vitest-report.mjs', '--outputFile.json=test-results/vitest.json',
]);
const v = readJson('test-results/vitest.json');
if (v) {
  results.passed += v.numPassedTests;
  results.failed += v.numFailedTests;
  results.skipped += v.numPendingTests + v.numTodoTests;
  if (v.numFailedTests > 0) failures.push(`vitest: ${v.numFailedTests} failed`);
  failedNames.push(...vitestFailures(v));
}
if (!vitestOk && (!v || v.numFailedTests === 0)) {
  // A suite that failed to load has no failed tests but is a failure.
  results.failed += 1;
  failures.push('vitest: a suite failed to run');
}

const built = check('build', 'npm', ['run', '--silent', 'build']);
if (built) {
  rmSync('test-results/e2e.json', { force: true });
  const e2eOk = run('e2e', 'npx', ['playwright', 'test']);
  const p = existsSync('test-results/e2e.json') ? readJson('test-results/e2e.json') : null;
  const s = p?.stats;
  if (s) {
    results.passed += s.expected + s.flaky;
    results.failed += s.unexpected;
    results.skipped += s.skipped;
    if (s.unexpected > 0) failures.push(`e2e: ${s.unexpected} failed`);
    failedNames.push(...e2eFailures(p));
  }
  if (!e2eOk && (!s || s.unexpected === 0)) {
    results.failed += 1;
    failures.push('e2e: the run failed');
  }
}

const summary = `${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped`;
writeFileSync('test-results/summary.txt', summary + '\n');
if (failedNames.length) console.log(`\nFailed tests:\n${failedNames.map((n) => `  ✗ ${n}`).join('\n')}`);
if (failures.length) console.log(`\nFailed: ${failures.join('; ')}`);
console.log(`\n${summary}`);
process.exit(results.failed === 0 ? 0 : 1);
