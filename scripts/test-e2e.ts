// Builds the web app, then runs the browser tests (apps/mobile/e2e) against the
// real server; ends with one plain line: "N passed, N failed".
// `--no-build` reuses an existing build.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const CHROMIUM = '/usr/bin/chromium';

function run(command: string, args: string[], options: { cwd?: string; capture?: boolean } = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(command, args, {
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, EXPO_NO_TELEMETRY: '1', CI: '1' },
    });
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

if (!existsSync(CHROMIUM)) {
  console.error(`${CHROMIUM} is missing: install Debian's browser with \`apt-get install -y chromium\`.`);
  console.log('0 passed, 1 failed');
  process.exit(1);
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
const result = await run(process.execPath, ['--test', '--test-concurrency=1', '--test-timeout=240000', 'apps/mobile/e2e/*.e2e.test.ts']);
const passed = Number(/^ℹ pass (\d+)/m.exec(result.output)?.[1] ?? 0);
const failed = Number(/^ℹ fail (\d+)/m.exec(result.output)?.[1] ?? 0) + Number(/^ℹ cancelled (\d+)/m.exec(result.output)?.[1] ?? 0);
console.log(`\n${passed} passed, ${failed + (result.code !== 0 && failed === 0 ? 1 : 0)} failed`);
process.exit(result.code);
