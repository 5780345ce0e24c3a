import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { as, registerUser, request } from './helpers/http.ts';
import { createTestDatabase, startTestServer, type TestServer } from './helpers/server.ts';
import { REDIS_URL, skipWithout } from './helpers/system-servers.ts';

// Asked before any test is declared, so that under CI a missing Redis fails the file.
const skips = { postgres: await skipWithout('test-database'), redis: await skipWithout('test-database', 'redis') };

// The per-request session check is cached; these pin that revocation and
// profile changes still take effect on the very next request, on every instance.
describe('session check cache on one instance', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('when a user logs out right after a request was answered from the cache, then the token fails at once (20 times)', async () => {
    for (let i = 0; i < 20; i++) {
      const user = await registerUser(server.url);
      const client = as(server.url, user.accessToken);
      assert.equal((await client.get('/api/auth/me')).status, 200);
      assert.equal((await client.get('/api/auth/me')).status, 200);
      assert.equal((await client.post('/api/auth/logout')).status, 204);
      assert.equal((await client.get('/api/auth/me')).status, 401);
    }
  });

  it('when a reused refresh token revokes the session, then its access token fails at once', async () => {
    const user = await registerUser(server.url);
    assert.equal((await as(server.url, user.accessToken).get('/api/auth/me')).status, 200);
    const first = await request(server.url, 'POST', '/api/auth/refresh', { body: { refreshToken: user.refreshToken } });
    assert.equal(first.status, 200);
    // Once its successor was used, the old token is no longer in its grace: reuse is theft.
    assert.equal((await request(server.url, 'POST', '/api/auth/refresh', { body: { refreshToken: first.body.refreshToken } })).status, 200);
    assert.equal((await request(server.url, 'POST', '/api/auth/refresh', { body: { refreshToken: user.refreshToken } })).status, 401);
    assert.equal((await as(server.url, user.accessToken).get('/api/auth/me')).status, 401);
  });

  it('when the profile changes, then the next request sees the new timezone', async () => {
    const user = await registerUser(server.url);
    const client = as(server.url, user.accessToken);
    assert.equal((await client.get('/api/auth/me')).body.user.timezone, 'UTC');
    assert.equal((await client.patch('/api/auth/me', { timezone: 'Europe/Berlin' })).status, 200);
    assert.equal((await client.get('/api/auth/me')).body.user.timezone, 'Europe/Berlin');
  });
});

for (const transport of ['postgres', 'redis'] as const) {
describe(`session check cache across two instances (bus: ${transport})`, { skip: skips[transport] }, () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    database = await createTestDatabase();
    const redis: Record<string, string> = transport === 'redis' ? { REDIS_URL, RATE_LIMIT_LOGIN: '100000' } : {};
    a = await startTestServer({ databaseUrl: database.url, env: redis });
    b = await startTestServer({ databaseUrl: database.url, env: { ...redis, JWT_SECRET: Buffer.from(a.config.jwtSecret).toString() } });
  });
  after(async () => {
    await b?.close();
    await a?.close();
    await database?.drop();
  });

  it('when a session cached on B is deleted through A, then B refuses it on the next request (20 times)', async () => {
    for (let i = 0; i < 20; i++) {
      const user = await registerUser(a.url);
      const laptop = (await request(a.url, 'POST', '/api/auth/login', { body: { email: user.user.email, password: user.password } })).body;
      assert.equal((await as(b.url, laptop.accessToken).get('/api/auth/me')).status, 200);
      const sessions = (await as(a.url, user.accessToken).get('/api/auth/sessions')).body.sessions as { id: string; current: boolean }[];
      const other = sessions.find((s) => !s.current)!;
      assert.equal((await as(a.url, user.accessToken).delete(`/api/auth/sessions/${other.id}`)).status, 204);
      assert.equal((await as(b.url, laptop.accessToken).get('/api/auth/me')).status, 401);
    }
  });

  it('when the profile changes through A, then B answers with the new one', async () => {
    const user = await registerUser(a.url);
    assert.equal((await as(b.url, user.accessToken).get('/api/auth/me')).body.user.username, null);
    await as(a.url, user.accessToken).patch('/api/auth/me', { username: 'renamed' });
    assert.equal((await as(b.url, user.accessToken).get('/api/auth/me')).body.user.username, 'renamed');
  });
});
}
