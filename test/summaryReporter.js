/**
 * Prints plain closing lines after jest's own summary, e.g.
 * `tests: 1042 passed, 0 failed, 24 skipped (test/interop/lab.test.ts: 23, ...)`, so a CI reader that does
 * not know jest's format still sees the counts, where tests were skipped, and suites that failed outside
 * any test (one that could not load, or a failing afterAll, leaves the test counts at 0 failed).
 */
const path = require('node:path');

class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const skippedIn = results.testResults
      .filter((r) => r.numPendingTests > 0)
      .map((r) => `${path.relative(this.rootDir, r.testFilePath)}: ${r.numPendingTests}`);
    const counts = [`${results.numPassedTests} passed`, `${results.numFailedTests} failed`, `${results.numPendingTests} skipped${skippedIn.length > 0 ? ` (${skippedIn.join(', ')})` : ''}`];
    if (results.numTodoTests > 0) counts.push(`${results.numTodoTests} todo`);
    const lines = [`tests: ${counts.join(', ')}`];
    if (results.numFailedTestSuites > 0) {
      const outside = results.numRuntimeErrorTestSuites > 0 ? ` (${results.numRuntimeErrorTestSuites} by an error outside any test)` : '';
      lines.push(`test files failed: ${results.numFailedTestSuites}${outside}`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  }
}
module.exports = SummaryReporter;
