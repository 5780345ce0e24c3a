// Builds the web app, then runs the browser tests (apps/mobile/e2e) against the
// real server; ends with one plain line: "N passed, N failed".
// `--no-build` reuses an existing build. Without Chromium the run is skipped
// with one line (a failure with CI=true); each file runs under the watchdog.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { skipWithout } from '../apps/server/test/helpers/system-servers.ts';
import { expandFiles, report, runNodeTestFiles } from './test-files.ts';

const BUILD_TIMEOUT_MS = 15 * 60_000;

function run(command: string, args: string[], options: { cwd?: string; capture?: boolean } = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(command, args, {
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'inherit'],
      // CI=1 keeps the Expo CLI non-interactive.
      env: { ...process.env, EXPO_NO_TELEMETRY: '1', CI: '1' },
    });
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk);
    });
    // The build is watched too: a stuck bundler fails the run instead of hanging it.
    const timer = setTimeout(() => {
      console.error(`${path.basename(args[0] ?? command)} ${args.slice(1).join(' ')} did not finish within ${BUILD_TIMEOUT_MS / 60_000} min and was stopped`);
      child.kill('SIGKILL');
    }, BUILD_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output });
    });
  });
}

let skip: string | false;
try {
  skip = await skipWithout('chromium');
} catch (err) {
  console.error((err as Error).message);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
if (skip) {
  console.log(`browser tests ${skip}`);
  console.log('0 passed, 0 failed');
  process.exit(0);
}

if (!process.argv.includes('--no-build')) {
  console.log('== building the web app');
  const cli = createRequire(new URL('../apps/mobile/package.json', import.meta.url)).resolve('expo/bin/cli');
  const started = performance.now();
  const build = await run(process.execPath, [cli, 'export', '--platform', 'web'], { cwd: 'apps/mobile' });
  if (build.code !== 0) {
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  const compress = await run(process.execPath, ['scripts/precompress.ts', 'dist'], { cwd: 'apps/mobile' });
  if (compress.code !== 0) {
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  console.log(`built in ${Math.round((performance.now() - started) / 1000)} s`);
}

console.log('== browser tests');
const outcome = await runNodeTestFiles(await expandFiles(['apps/mobile/e2e/*.e2e.test.ts']), { concurrency: 1, testTimeoutMs: 240_000 });
report(outcome);
process.exit(outcome.failed > 0 ? 1 : 0);
