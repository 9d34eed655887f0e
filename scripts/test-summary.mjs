// Prints one closing line for the whole test command, summing the unit/integration (Vitest) and
// end-to-end (Playwright) reports: "tests: N passed, N failed, N skipped".
import { readFileSync } from 'node:fs';

function read(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    console.error(`No test report at ${file}: did the tests run?`);
    process.exit(1);
  }
}

const vitest = read('.tmp/vitest.json');
const playwright = read('.tmp/playwright.json');
const passed = vitest.numPassedTests + (playwright.stats?.expected ?? 0);
const failed = vitest.numFailedTests + (playwright.stats?.unexpected ?? 0) + (playwright.stats?.flaky ?? 0);
const skipped = vitest.numPendingTests + vitest.numTodoTests + (playwright.stats?.skipped ?? 0);
console.log(`\nunit+integration: ${vitest.numPassedTests} passed, ${vitest.numFailedTests} failed; end-to-end: ${playwright.stats?.expected ?? 0} passed, ${playwright.stats?.unexpected ?? 0} failed, ${playwright.stats?.skipped ?? 0} skipped`);
try {
  const b = JSON.parse(readFileSync('.tmp/parser-bound.json', 'utf8'));
  console.log(`parser bound: ${b.cases} worst-case inputs up to ${(b.largestBytes / 1048576).toFixed(1)} MB answered; slowest ${b.worst.cpuMs} ms CPU (${b.worst.parser}, ${b.worst.bytes} bytes of ${b.worst.shape})`);
} catch {
  // the parser-bound test did not run (a partial run): nothing to report
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
