// Runs every test suite of the repository and ends with one plain line:
// "N passed, N failed". Server tests use PGlite, or the PostgreSQL at
// TEST_DATABASE_URL when it is set. Each test file runs under a watchdog
// (scripts/test-files.ts): a file that hangs fails by name instead of stopping
// the run. Tests that need a server the machine lacks (radicale, dovecot,
// Chromium, Redis, ...) are skipped with one line saying what to install;
// with CI=true they fail instead.
import { addOutcome, emptyOutcome, expandFiles, report, runJest, runNodeTestFiles } from './test-files.ts';

const filter = process.argv.slice(2);
const serverFiles = await expandFiles(
  filter.length ? filter : ['packages/contract/src/**/*.test.ts', 'apps/server/src/**/*.test.ts', 'apps/server/test/**/*.test.ts'],
);

const total = emptyOutcome();
console.log(`\n== server (${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'}): ${serverFiles.length} files`);
addOutcome(total, await runNodeTestFiles(serverFiles, { concurrency: Number(process.env.TEST_CONCURRENCY ?? 2), testTimeoutMs: 180_000 }));

// The app's tests use no database: once, on the PGlite run.
if (!filter.length && !process.env.TEST_DATABASE_URL) {
  console.log('\n== app (Jest: components and hooks)');
  addOutcome(total, await runJest(['node_modules/jest/bin/jest.js', '--ci', '--rootDir', 'apps/mobile', '--config', 'apps/mobile/package.json']));
}

report(total);
process.exit(total.failed > 0 ? 1 : 0);
