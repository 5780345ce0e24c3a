// A Jest reporter for scripts/test-files.ts: one marker line when a test file
// starts and ends, and when the run ends, so the watchdog can name a file that
// hangs. The default reporter still prints everything people read.
class JestFileReporter {
  onTestStart(test) {
    process.stderr.write(`[jest-file] start ${test.path}\n`);
  }

  onTestResult(test) {
    process.stderr.write(`[jest-file] done ${test.path}\n`);
  }

  onRunComplete() {
    process.stderr.write('[jest-file] end\n');
  }
}

module.exports = JestFileReporter;
