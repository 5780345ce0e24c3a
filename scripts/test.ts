// Runs every test suite of the repository and ends with one plain line:
// "N passed, N failed". Server tests use PGlite, or the PostgreSQL at
// TEST_DATABASE_URL when it is set.
import { spawn } from 'node:child_process';

interface Suite {
  name: string;
  command: string;
  args: string[];
  parse(output: string): { passed: number; failed: number };
}

const nodeTestCounts = (output: string) => ({
  passed: Number(/^ℹ pass (\d+)/m.exec(output)?.[1] ?? 0),
  failed: Number(/^ℹ fail (\d+)/m.exec(output)?.[1] ?? 0) + Number(/^ℹ cancelled (\d+)/m.exec(output)?.[1] ?? 0),
});

const jestCounts = (output: string) => {
  const line = /^Tests:.*$/m.exec(output)?.[0] ?? '';
  return { passed: Number(/(\d+) passed/.exec(line)?.[1] ?? 0), failed: Number(/(\d+) failed/.exec(line)?.[1] ?? 0) };
};

const filter = process.argv.slice(2);
const suites: Suite[] = [
  {
    name: `server (${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`,
    command: process.execPath,
    args: [
      '--test',
      '--test-concurrency=2',
      '--test-timeout=180000',
      ...(filter.length ? filter : ['packages/contract/src/**/*.test.ts', 'apps/server/src/**/*.test.ts', 'apps/server/test/**/*.test.ts']),
    ],
    parse: nodeTestCounts,
  },
  // The app's tests use no database: once, on the PGlite run.
  ...(filter.length || process.env.TEST_DATABASE_URL
    ? []
    : [
        {
          name: 'app (Jest: components and hooks)',
          command: process.execPath,
          args: ['node_modules/jest/bin/jest.js', '--ci', '--rootDir', 'apps/mobile', '--config', 'apps/mobile/package.json'],
          parse: jestCounts,
        },
      ]),
];

function run(suite: Suite): Promise<{ passed: number; failed: number; code: number }> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(suite.command, suite.args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk);
    });
    // Jest reports on stderr.
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stderr.write(chunk);
    });
    child.on('close', (code) => resolve({ ...suite.parse(output), code: code ?? 1 }));
  });
}

let passed = 0;
let failed = 0;
let exitCode = 0;
for (const suite of suites) {
  console.log(`\n== ${suite.name}`);
  const result = await run(suite);
  passed += result.passed;
  failed += result.failed;
  if (result.code !== 0) {
    exitCode = 1;
    if (result.failed === 0) failed += 1; // a suite that crashed counts as a failure
  }
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(exitCode);
