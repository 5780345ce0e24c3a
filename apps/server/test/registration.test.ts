// REGISTRATION=open|invite|closed over real HTTP, the first-user rule, and
// the admin command `npm run user -- invite | reset-password` run as a real
// process against the same database.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Problem } from '@lifeos/contract';
import { createApp } from '../src/app.ts';
import { boot } from '../src/bootstrap.ts';
import { createInvite } from '../src/features/auth/registration.ts';
import { createLogger } from '../src/lib/logger.ts';
import { PASSWORD, as, request, uniqueEmail } from './helpers/http.ts';
import { createTestDatabase, startTestServer, testConfig, usingPostgres } from './helpers/server.ts';

const register = (base: string, body: Record<string, unknown> = {}) =>
  request(base, 'POST', '/api/auth/register', { body: { email: uniqueEmail('reg'), password: PASSWORD, ...body } });

function assertProblem(res: { status: number; body: unknown }, status: number, code: string) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(Problem.parse(res.body).code, code);
}

describe('REGISTRATION=closed', () => {
  it('when the server is fresh, then exactly one first user may register (even two at once), and everyone after gets 403 forbidden', async () => {
    const server = await startTestServer({ env: { REGISTRATION: 'closed' } });
    try {
      const first = await Promise.all([register(server.url), register(server.url)]);
      assert.deepEqual(first.map((r) => r.status).sort(), [201, 403]);
      assertProblem(await register(server.url), 403, 'forbidden');
      assertProblem(await register(server.url, { inviteCode: 'anything' }), 403, 'forbidden');
      // Signing in is unaffected.
      const user = first.find((r) => r.status === 201)!.body;
      assert.equal((await request(server.url, 'POST', '/api/auth/login', { body: { email: user.user.email, password: PASSWORD } })).status, 200);
    } finally {
      await server.close();
    }
  });
});

describe('REGISTRATION=invite', () => {
  it('when there are users, then registering needs an unused, unexpired invite code, used once', async () => {
    const server = await startTestServer({ env: { REGISTRATION: 'invite' } });
    try {
      assert.equal((await register(server.url)).status, 201, 'the first user needs no invite');
      assertProblem(await register(server.url), 403, 'forbidden');
      assertProblem(await register(server.url, { inviteCode: 'not-a-real-code' }), 403, 'forbidden');

      const { code } = await createInvite(server.ctx);
      const taken = (await register(server.url, { inviteCode: code })).body;
      assert.equal(taken.user.email.startsWith('reg.'), true);
      assertProblem(await register(server.url, { inviteCode: code }), 403, 'forbidden');

      // A failed registration (email taken) does not use up the code.
      const second = await createInvite(server.ctx);
      assertProblem(await register(server.url, { email: taken.user.email, inviteCode: second.code }), 409, 'email_taken');
      assert.equal((await register(server.url, { inviteCode: second.code })).status, 201);

      const late = await createInvite(server.ctx, 1);
      server.clock.now = new Date(Date.now() + 25 * 3600 * 1000);
      try {
        assertProblem(await register(server.url, { inviteCode: late.code }), 403, 'forbidden');
      } finally {
        server.clock.now = null;
      }
    } finally {
      await server.close();
    }
  });

  it('when REGISTRATION is open (the default), then no code is asked for', async () => {
    const server = await startTestServer();
    try {
      assert.equal((await register(server.url)).status, 201);
      assert.equal((await register(server.url)).status, 201);
    } finally {
      await server.close();
    }
  });
});

describe('npm run user', () => {
  it('when an admin runs invite and reset-password, then the printed code registers a user and the printed link resets a password', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'lifeos-user-cli-'));
    const database = usingPostgres() ? await createTestDatabase() : undefined;
    const env = {
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      JWT_SECRET: randomBytes(32).toString('hex'),
      ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      REGISTRATION: 'invite',
      APP_URL: 'https://lifeos.example.test',
      LOG_LEVEL: 'silent',
      ...(database ? { DATABASE_URL: database.url } : {}),
    };
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [path.join(import.meta.dirname, '../src/cli/user-cli.ts'), ...args], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 120_000 });
    // The server runs on the same database after each command (PGlite allows one process at a time).
    const withServer = async <T>(run: (base: string) => Promise<T>): Promise<T> => {
      const booted = await boot(testConfig(env), { log: createLogger('silent') });
      const server = createApp(booted.ctx).listen(0, '127.0.0.1');
      try {
        await new Promise<void>((resolve) => server.once('listening', () => resolve()));
        return await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      } finally {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await booted.close();
      }
    };
    try {
      const admin = await withServer((base) => register(base));
      assert.equal(admin.status, 201);

      const invite = cli('invite', '--days', '2');
      assert.equal(invite.status, 0, invite.stderr);
      const code = invite.stdout.trim().split('\n').at(-1)!;
      assert.match(code, /^[A-Za-z0-9_-]{24}$/);
      assert.equal(cli('invite', '--days', 'soon').status, 1);

      const email = uniqueEmail('invited');
      await withServer(async (base) => {
        assertProblem(await register(base), 403, 'forbidden');
        assert.equal((await register(base, { email, inviteCode: code })).status, 201);
      });

      const reset = cli('reset-password', email.toUpperCase());
      assert.equal(reset.status, 0, reset.stderr);
      const link = new URL(reset.stdout.trim().split('\n').at(-1)!);
      assert.equal(link.origin + link.pathname, 'https://lifeos.example.test/reset');
      const unknown = cli('reset-password', uniqueEmail('nobody'));
      assert.equal(unknown.status, 1);
      assert.match(unknown.stderr, /No account/);
      assert.equal(cli('launch-rockets').status, 1);

      await withServer(async (base) => {
        const res = await request(base, 'POST', '/api/auth/password/reset', { body: { token: link.searchParams.get('token'), newPassword: 'a brand new passphrase 8' } });
        assert.equal(res.status, 204, JSON.stringify(res.body));
        const signedIn = await request(base, 'POST', '/api/auth/login', { body: { email, password: 'a brand new passphrase 8' } });
        assert.equal(signedIn.status, 200);
        assert.equal((await as(base, signedIn.body.accessToken).get('/api/auth/me')).body.user.email, email);
      });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      await database?.drop();
    }
  });
});
