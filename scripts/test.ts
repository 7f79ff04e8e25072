/**
 * `npm test`: type check, unit and integration tests, client build, browser tests.
 * Every step runs even when an earlier one fails, so one run shows every problem;
 * the last line is the plain `N passed, N failed` that CI reads.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const out = join('test-artifacts', 'reports');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

let passed = 0;
let failed = 0;
let skipped = 0;

function run(label: string, cmd: string, args: string[]): boolean {
  console.log(`\n━━ ${label}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, TZ: 'UTC', FORCE_COLOR: process.env.FORCE_COLOR ?? '1' } });
  return r.status === 0;
}

function vitest(label: string, config: string, report: string): void {
  const file = join(out, report);
  const ok = run(label, 'npx', ['vitest', 'run', '--config', config, '--reporter=default', '--reporter=json', `--outputFile.json=${file}`]);
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number; numTotalTestSuites: number; testResults: { status: string }[] };
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += r.numPendingTests + r.numTodoTests;
    // A file that fails to load has no tests but must still count as a failure.
    const brokenFiles = r.testResults.filter((t) => t.status === 'failed').length;
    if (!ok && r.numFailedTests === 0) failed += Math.max(1, brokenFiles);
  } catch {
    failed += 1;
    console.error(`${label}: no report was written (${file})`);
  }
}

if (run('type check', 'npx', ['tsc', '--noEmit'])) passed++;
else failed++;
vitest('unit and integration tests', 'vitest.config.ts', 'vitest.json');
if (run('client build', 'npx', ['vite', 'build', '--logLevel', 'warn'])) passed++;
else failed++;
vitest('browser tests', 'vitest.browser.config.ts', 'browser.json');

console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
