/**
 * Prints one plain closing line after jest's own summary, e.g. `tests: 1042 passed, 0 failed, 0 skipped`,
 * so a CI reader that does not know jest's format still sees the counts.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stdout.write(`tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`);
  }
}
module.exports = SummaryReporter;
