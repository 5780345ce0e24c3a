// Loaded into every test file's process by scripts/test-files.ts: once the
// file's tests and hooks are done, the process must end by itself. If something
// still holds it (a server, socket, child process or timer left open), the file
// fails after a grace period and names what is open, instead of hanging the run.
import { after } from 'node:test';

const GRACE_MS = Number(process.env.TEST_EXIT_GRACE_MS ?? 30_000);

// Only in the process that runs the file's tests (the runner marks it), not in the runner itself.
if (process.env.NODE_TEST_CONTEXT) {
  after(() => {
    setTimeout(() => {
      const open = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap');
      console.error(`\n✖ the tests of this file ended but the process did not exit within ${GRACE_MS / 1000} s; still open: ${open.join(', ') || 'unknown'}`);
      process.exitCode = 1;
      // SIGTERM lets the test runner report before the process ends.
      process.kill(process.pid, 'SIGTERM');
    }, GRACE_MS).unref();
  });
}
