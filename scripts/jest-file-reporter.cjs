// A Jest reporter for scripts/test-files.ts: one marker line when a test file
// starts and ends, and when the run ends, so the watchdog can name a file that
// hangs. The default reporter still prints everything people read.
class JestFileReporter {
  onTestStart(test) {
    process.stderr.write(`[jest-file] start ${test.path}\n`);
  }

  onTestResult(test, result) {
    // A file that could not run at all (a syntax error, a failing import) counts as one failure.
    const failed = result.numFailingTests + (result.testExecError && result.numFailingTests === 0 ? 1 : 0);
    const skipped = result.numPendingTests + result.numTodoTests;
    process.stderr.write(`[jest-file] done ${result.numPassingTests} ${failed} ${skipped} ${test.path}\n`);
  }

  onRunComplete() {
    process.stderr.write('[jest-file] end\n');
  }
}

module.exports = JestFileReporter;
