import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { as, registerUser } from './helpers/http.ts';
import { sharedSecrets, spawnServer, type ServerProcess } from './helpers/process.ts';
import { startTogether } from './helpers/fixtures.ts';
import { createTestDatabase } from './helpers/server.ts';
import { REDIS_URL, skipWithout } from './helpers/system-servers.ts';
import { created, openSse } from './helpers/sse.ts';

// Asked before any test is declared, so that under CI a missing Redis fails the file.
const skips = { postgres: await skipWithout('test-database'), redis: await skipWithout('test-database', 'redis') };

for (const transport of ['postgres', 'redis'] as const) {
  describe(`two server processes on one PostgreSQL (fan-out via ${transport})`, { skip: skips[transport] }, () => {
    let database: Awaited<ReturnType<typeof createTestDatabase>>;
    let a: ServerProcess;
    let b: ServerProcess;
    before(async () => {
      database = await createTestDatabase();
      // Registration counters live in the shared Redis across runs; the limit is tested elsewhere.
      const env = { DATABASE_URL: database.url, RATE_LIMIT_REGISTER: '100000', ...sharedSecrets(), ...(transport === 'redis' ? { REDIS_URL } : {}) };
      // Both start at once: the migration lock keeps them from racing.
      [a, b] = await startTogether([spawnServer(env), spawnServer(env)]);
    });
    after(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await database?.drop();
    });

    it('when a message is posted to instance A, then a stream opened on instance B receives it', async () => {
      const user = await registerUser(a.url);
      const stream = await openSse(b.url, user.accessToken);
      try {
        const { body } = await as(a.url, user.accessToken).post('/api/messages', { content: 'from instance A' });
        await stream.waitFor((events) => created(events).length >= 2);
        assert.deepEqual(
          created(stream.events).map((e) => e.id),
          [body.message.id, body.reply.id],
        );
      } finally {
        stream.close();
      }
    });

    it('when a session is revoked on instance A, then its token fails on instance B at once', async () => {
      const user = await registerUser(a.url);
      assert.equal((await as(b.url, user.accessToken).get('/api/auth/me')).status, 200);
      assert.equal((await as(a.url, user.accessToken).post('/api/auth/logout')).status, 204);
      assert.equal((await as(b.url, user.accessToken).get('/api/auth/me')).status, 401);
    });
  });
}
