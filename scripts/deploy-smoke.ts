// npm run test:deploy — what the image does, without a Docker engine: the
// runtime stage's production install (the exact `npm ci` line of the
// Dockerfile) in a clean copy of the files it copies, then its CMD with its
// ENV, then its HEALTHCHECK, then a real request and SIGTERM. On the embedded
// database, and on PostgreSQL too when TEST_DATABASE_URL is set.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';

const ROOT = path.resolve(import.meta.dirname, '..');
const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, ' ');
const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
const lines = (keyword: string) => [...runtime.matchAll(new RegExp(`^${keyword} (.+)$`, 'gm'))].map((m) => m[1]!.trim());
const env = Object.fromEntries(lines('ENV').flatMap((line) => [...line.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!])));
const cmd = JSON.parse(lines('CMD').at(-1)!) as string[];
const healthcheck = JSON.parse(lines('HEALTHCHECK').at(-1)!.replace(/^.*?CMD /, '')) as string[];
const install = lines('RUN').find((run) => run.startsWith('npm ci'))!.split('&&')[0]!.trim();

// Node 24 runs the server; the system `node` may be older.
const node = (argv: string[]) => argv.map((a, i) => (i === 0 && a === 'node' ? process.execPath : a));

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the production image, run without Docker', () => {
  let app: string;
  let work: string;
  before(() => {
    work = mkdtempSync(path.join(os.tmpdir(), 'lifeos-image-'));
    app = path.join(work, 'app');
    mkdirSync(app);
    // COPY --from=build /manifests/ ./ : every workspace manifest and the lockfile.
    const manifests = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter((f) => f === 'package-lock.json' || (f.endsWith('package.json') && !f.includes('node_modules/')));
    for (const file of manifests) cpSync(path.join(ROOT, file), path.join(app, file));
    for (const copy of lines('COPY').filter((c) => !c.startsWith('--from'))) {
      const [source, target] = copy.split(/\s+/);
      cpSync(path.join(ROOT, source!), path.join(app, target!), { recursive: true });
    }
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it(`when "${install}" runs in a clean copy, then it succeeds and installs no development or app-only packages`, { timeout: 540_000 }, () => {
    const result = spawnSync('bash', ['-c', install], { cwd: app, encoding: 'utf8', env: { ...process.env, NPM_CONFIG_UPDATE_NOTIFIER: 'false' } });
    assert.equal(result.status, 0, result.stderr);
    const installed = new Set(readdirSync(path.join(app, 'node_modules')));
    for (const needed of ['express', 'pg', 'pg-boss', 'prom-client', '@electric-sql']) assert.ok(installed.has(needed), `${needed} installed`);
    for (const dev of ['typescript', 'eslint', 'drizzle-kit', 'autocannon', 'fast-check', 'expo', 'react-native']) {
      assert.ok(!installed.has(dev), `${dev} is not in the image`);
    }
  });

  const databases: [string, () => Promise<{ url: string | undefined; drop(): Promise<void> }>][] = [
    ['the embedded database', async () => ({ url: undefined, drop: async () => undefined })],
  ];
  if (process.env.TEST_DATABASE_URL) {
    databases.push([
      'PostgreSQL',
      async () => {
        const admin = process.env.TEST_DATABASE_URL!;
        const name = `lifeos_image_${randomBytes(4).toString('hex')}`;
        const client = new pg.Client({ connectionString: admin });
        await client.connect();
        await client.query(`create database ${name}`);
        await client.end();
        const url = new URL(admin);
        url.pathname = `/${name}`;
        return {
          url: url.toString(),
          async drop() {
            const c = new pg.Client({ connectionString: admin });
            await c.connect();
            await c.query(`drop database if exists ${name} with (force)`);
            await c.end();
          },
        };
      },
    ]);
  }

  for (const [label, database] of databases) {
    it(`when the CMD starts on ${label}, then it migrates, the HEALTHCHECK passes, it answers, and SIGTERM stops it cleanly`, { timeout: 120_000 }, async () => {
      assert.ok(existsSync(path.join(app, 'node_modules')), 'installed first');
      const db = await database();
      const port = await freePort();
      const dataDir = mkdtempSync(path.join(work, 'data-'));
      const [command, ...args] = node(cmd);
      const child = spawn(command!, args, {
        cwd: app,
        env: {
          PATH: process.env.PATH,
          ...env,
          PORT: String(port),
          HOST: '127.0.0.1',
          DATA_DIR: dataDir,
          WEB_DIR: path.join(app, 'web'),
          JWT_SECRET: randomBytes(32).toString('hex'),
          ENCRYPTION_KEY: randomBytes(32).toString('base64'),
          APP_URL: `http://127.0.0.1:${port}`,
          ...(db.url ? { DATABASE_URL: db.url } : {}),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d));
      child.stderr.on('data', (d: Buffer) => (output += d));
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      try {
        const base = `http://127.0.0.1:${port}`;
        const deadline = Date.now() + 60_000;
        for (;;) {
          assert.equal(child.exitCode, null, output);
          const ok = await fetch(`${base}/api/health`).then((r) => r.status === 200, () => false);
          if (ok) break;
          assert.ok(Date.now() < deadline, `not healthy in time: ${output}`);
          await new Promise((r) => setTimeout(r, 200));
        }
        const probe = spawnSync(node(healthcheck)[0]!, node(healthcheck).slice(1), { env: { ...process.env, PORT: String(port) } });
        assert.equal(probe.status, 0, 'HEALTHCHECK command passes');
        const register = await fetch(`${base}/api/auth/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'image@example.test', password: 'a sturdy passphrase 42' }),
        });
        assert.equal(register.status, 201);
        const { accessToken } = (await register.json()) as { accessToken: string };
        const sent = await fetch(`${base}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
          body: JSON.stringify({ content: 'hello from the image' }),
        });
        assert.equal(sent.status, 201);
        child.kill('SIGTERM');
        assert.equal(await exited, 0, output);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
        await db.drop();
      }
    });
  }
});
