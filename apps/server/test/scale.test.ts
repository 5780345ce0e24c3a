// Three server processes on one PostgreSQL and one Redis, as behind a load
// balancer: streams fan out across instances, rate limits are shared, and
// each background job is done by exactly one instance.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { PgBoss } from 'pg-boss';
import { as, registerUser, request } from './helpers/http.ts';
import { metricValue, scrape } from './helpers/metrics.ts';
import { sharedSecrets, spawnServer, type ServerProcess } from './helpers/process.ts';
import { startTogether } from './helpers/fixtures.ts';
import { createTestDatabase } from './helpers/server.ts';
import { REDIS_URL, skipWithout } from './helpers/system-servers.ts';
import { created, openSse } from './helpers/sse.ts';

const METRICS_TOKEN = randomBytes(16).toString('hex');

describe('three instances on one PostgreSQL and Redis', { skip: await skipWithout('test-database', 'redis') }, () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let instances: ServerProcess[] = [];
  before(async () => {
    database = await createTestDatabase();
    const env = { DATABASE_URL: database.url, REDIS_URL, METRICS_TOKEN, RATE_LIMIT_LOGIN: '3', RATE_LIMIT_REGISTER: '100000', ...sharedSecrets() };
    // All three start at once, as after a deploy: migrations and the job queue's schema must not race.
    instances = await startTogether([1, 2, 3].map(() => spawnServer(env)));
  });
  after(async () => {
    await Promise.all(instances.map((i) => i.stop()));
    await database?.drop();
  });

  it('when a message is posted to one instance, then streams on the other two receive it', async () => {
    const [a, b, c] = instances;
    const user = await registerUser(a!.url);
    const streams = await Promise.all([b!, c!].map((i) => openSse(i.url, user.accessToken)));
    try {
      const { body } = await as(a!.url, user.accessToken).post('/api/messages', { content: 'across three instances' });
      for (const stream of streams) {
        await stream.waitFor((events) => created(events).length >= 2);
        assert.deepEqual(created(stream.events).map((e) => e.id), [body.message.id, body.reply.id]);
      }
    } finally {
      streams.forEach((s) => s.close());
    }
  });

  it('when failed logins are spread over the instances, then the shared limit stops the next one on any instance', async () => {
    const user = await registerUser(instances[0]!.url);
    const attempt = (i: number) =>
      request(instances[i % 3]!.url, 'POST', '/api/auth/login', { body: { email: user.user.email, password: 'not the password' } });
    for (let i = 0; i < 3; i++) assert.equal((await attempt(i)).status, 401, `attempt ${i + 1}`);
    for (let i = 0; i < 3; i++) {
      const limited = await attempt(i);
      assert.equal(limited.status, 429, `instance ${i + 1} knows about the failures on the others`);
      assert.ok(Number(limited.headers.get('retry-after')) > 0);
    }
  });

  it('when jobs are queued, then each is done by exactly one instance, and the schedule exists once', async () => {
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    const boss = new PgBoss({ connectionString: database.url, schedule: false, supervise: false, migrate: false, createSchema: false, registerInstance: false });
    boss.on('error', () => undefined);
    try {
      const user = await registerUser(instances[1]!.url);
      await db.query(`update sessions set expires_at = now() - interval '1 minute' where user_id = $1`, [user.user.id]);
      await boss.start();
      const count = async () => {
        let total = 0;
        for (const instance of instances) {
          total += metricValue(await scrape(instance.url, METRICS_TOKEN), 'lifeos_job_duration_seconds_count', { job: 'lifeos.prune', outcome: 'ok' }) ?? 0;
        }
        return total;
      };
      const before = await count();
      const { rows: [{ at: startedAt }] } = await db.query('select now() as at');
      const JOBS = 4;
      const ids: string[] = [];
      for (let i = 0; i < JOBS; i++) ids.push((await boss.send('lifeos.prune', { n: i }))!);
      const deadline = Date.now() + 30_000;
      while ((await count()) - before < JOBS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
      await new Promise((r) => setTimeout(r, 1_000));
      const { rows: sent } = await db.query('select state, retry_count from pgboss.job where id = any($1::uuid[])', [ids]);
      assert.deepEqual(
        sent.map((j) => [j.state, j.retry_count]),
        ids.map(() => ['completed', 0]),
        'every job sent ran to completion on its first delivery',
      );
      // The schedule (every 15 minutes) may add a run of its own while the test waits: it counts once too.
      const { rows: [{ n: completed }] } = await db.query(
        `select count(*)::int as n from pgboss.job where name = 'lifeos.prune' and state = 'completed' and completed_on >= $1`,
        [startedAt],
      );
      assert.ok(completed >= JOBS);
      assert.equal((await count()) - before, completed, 'every job ran once, none twice');
      const { rows: sessions } = await db.query('select id from sessions where user_id = $1', [user.user.id]);
      assert.equal(sessions.length, 0, 'the expired session was pruned');
      const { rows: schedules } = await db.query(`select name from pgboss.schedule where name = 'lifeos.prune'`);
      assert.equal(schedules.length, 1);
    } finally {
      await boss.stop({ graceful: false }).catch(() => undefined);
      await db.end();
    }
  });
});
