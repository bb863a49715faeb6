#!/usr/bin/env node
// CI recognises jest only by a last line "Tests: N passed, N failed"; jest's own summary goes to
// stderr in another order, so run jest with --json and print the line from its result.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const out = path.join(root, 'jest-results.json');
fs.rmSync(out, { force: true });

// The e2e suites run the built entry points, so build first; a broken build still ends with the
// summary line CI looks for.
if (!process.env.CLIVER_SKIP_BUILD) {
  const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit', cwd: root });
  if (build.status !== 0) {
    console.log('Tests: 0 passed, 1 failed');
    process.exit(build.status ?? 1);
  }
}

const args = [require.resolve('jest/bin/jest'), '--json', '--outputFile', out, ...process.argv.slice(2)];
const run = spawnSync(process.execPath, args, { stdio: 'inherit' });

let passed = 0;
let failed = 1;
let skipped = 0;
try {
  const result = JSON.parse(fs.readFileSync(out, 'utf8'));
  passed = result.numPassedTests;
  failed = result.numFailedTests + result.numRuntimeErrorTestSuites;
  skipped = result.numPendingTests + result.numTodoTests;
} catch (err) {
  console.error(`could not read jest's result file: ${err.message}`);
}
console.log(`Tests: ${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ''));
process.exit(run.status ?? 1);
