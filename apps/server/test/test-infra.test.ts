// The test run itself: tests that need a missing server skip with one line (or
// fail under CI), fixtures that fail to start release what did start, and the
// watchdog under `npm test` stops a file that hangs and names it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { startTogether } from './helpers/fixtures.ts';
import { MissingServerError, skipWithout, systemBinary } from './helpers/system-servers.ts';

const ROOT = path.join(import.meta.dirname, '../../..');

describe('skipWithout: tests that need a server the machine lacks', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    delete process.env.CI;
    delete process.env.LIFEOS_TEST_HIDE;
  });
  afterEach(() => {
    for (const key of ['CI', 'LIFEOS_TEST_HIDE', 'TEST_DATABASE_URL', 'TEST_REDIS_URL']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  it('when radicale, dovecot and Chromium are missing, then one line names each and how to install it', async () => {
    process.env.LIFEOS_TEST_HIDE = 'radicale,dovecot,chromium';
    assert.equal(await skipWithout('radicale'), 'skipped: radicale is not installed (apt-get install radicale)');
    assert.equal(await skipWithout('dovecot'), 'skipped: dovecot is not installed (apt-get install dovecot-imapd)');
    assert.equal(
      await skipWithout('chromium', 'dovecot'),
      'skipped: Chromium is not installed (apt-get install chromium); dovecot is not installed (apt-get install dovecot-imapd)',
    );
    assert.throws(() => systemBinary('radicale'), (err: unknown) => err instanceof MissingServerError && /apt-get install radicale/.test(err.message));
  });

  it('when nothing answers a Redis PING at TEST_REDIS_URL, then the skip names the address and how to start it; when something does, the test runs', async () => {
    const fake = net.createServer((socket) => socket.once('data', () => socket.end('+PONG\r\n')));
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    const { port } = fake.address() as AddressInfo;
    try {
      process.env.TEST_REDIS_URL = `redis://127.0.0.1:${port}`;
      assert.equal(await skipWithout('redis'), false);
      await new Promise((resolve) => fake.close(resolve));
      assert.equal(
        await skipWithout('redis'),
        `skipped: Redis is not reachable at redis://127.0.0.1:${port} (apt-get install redis-server, then redis-server --port 6379; or set TEST_REDIS_URL)`,
      );
    } finally {
      fake.close();
    }
  });

  it('when CI=true and a server is missing, then asking throws so the file fails instead of skipping', async () => {
    process.env.LIFEOS_TEST_HIDE = 'radicale';
    process.env.CI = 'true';
    await assert.rejects(skipWithout('radicale'), (err: unknown) => err instanceof MissingServerError && /radicale is not installed.*CI=true/.test(err.message));
  });

  it('when TEST_DATABASE_URL is unset, then PostgreSQL-only tests skip even under CI (they run in the PostgreSQL pass)', async () => {
    delete process.env.TEST_DATABASE_URL;
    process.env.CI = 'true';
    process.env.LIFEOS_TEST_HIDE = 'redis';
    assert.match(String(await skipWithout('test-database', 'redis')), /^skipped: needs TEST_DATABASE_URL/);
  });

  it('when nothing is hidden and the server is installed, then the test runs', async (t) => {
    delete process.env.LIFEOS_TEST_HIDE;
    const skip = await skipWithout('radicale').catch(() => 'radicale missing');
    if (skip) return t.skip(`this machine has no radicale: ${skip}`);
    assert.equal(skip, false);
  });
});

describe('startTogether: fixtures started at once', () => {
  it('when one fails to start, then the ones that started are closed and its error is thrown', async () => {
    let server: Server | undefined;
    const startHttp = async () => {
      server = createServer();
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      return { close: () => new Promise<void>((resolve) => server!.close(() => resolve())) };
    };
    const failing = async (): Promise<{ stop(): Promise<void> }> => {
      await new Promise((r) => setTimeout(r, 50));
      throw new Error('radicale exited (1)');
    };
    await assert.rejects(startTogether([startHttp(), failing()]), /radicale exited/);
    assert.equal(server?.listening, false);
  });
});

/** Runs node with `args` from the repository root and collects its output. */
function runNode(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => resolve({ code, output, ms: Date.now() - started }));
  });
}

/** `npm test` on the given files, with the watchdog's limits shortened. */
const npmTest = (files: string[], env: Record<string, string>) => runNode(['scripts/test.ts', ...files], env);

describe('the watchdog under npm test', () => {
  it('when a test file never ends, then it is stopped at the file limit, named, and counted as failed', async () => {
    const file = 'apps/server/test/fixtures/watchdog-hang.ts';
    const run = await npmTest([file], { TEST_FILE_TIMEOUT_S: '3' });
    assert.equal(run.code, 1, run.output);
    assert.match(run.output, new RegExp(`✖ ${file} did not finish within 3 s and was stopped`));
    assert.match(run.output, /^0 passed, 1 failed$/m);
    assert.ok(run.ms < 60_000, `the run ended after ${run.ms} ms`);
  });

  it('when a file passes but leaves a server open, then it fails and says what is still open', async () => {
    const file = 'apps/server/test/fixtures/watchdog-leak.ts';
    const run = await npmTest([file], { TEST_EXIT_GRACE_MS: '500' });
    assert.equal(run.code, 1, run.output);
    assert.match(run.output, /did not exit within 0\.5 s; still open: .*TCPServerWrap/);
    assert.match(run.output, /^1 passed, 1 failed$/m);
  });

  it('when a Jest test file never ends, then the Jest run is stopped, the file named, and counted as failed', async () => {
    const dir = 'apps/server/test/fixtures/jest-watchdog';
    const code = [
      `import { report, runJest } from ${JSON.stringify(new URL('../../../scripts/test-files.ts', import.meta.url).href)};`,
      `const outcome = await runJest(['node_modules/jest/bin/jest.js', '--ci', '--rootDir', '${dir}', '--config', '{"testMatch":["**/*.test.cjs"]}']);`,
      'report(outcome);',
    ].join('\n');
    const run = await runNode(['--input-type=module', '-e', code], { TEST_FILE_TIMEOUT_S: '4' });
    assert.match(run.output, new RegExp(`✖ ${dir}/spin.test.cjs did not finish within 4 s and was stopped`), run.output);
    assert.match(run.output, /^0 passed, 1 failed$/m);
    assert.ok(run.ms < 60_000, `the run ended after ${run.ms} ms`);
  });
});
