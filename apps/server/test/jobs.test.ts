import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { memoryExtractQueue } from '../src/agents/mem/mem-extract.ts';
import { startJobs, type JobRunner } from '../src/jobs/job-runner.ts';
import { as, registerUser } from './helpers/http.ts';
import { metricValue } from './helpers/metrics.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

const rows = async (server: TestServer, query: ReturnType<typeof sql>) =>
  ((await server.ctx.db.execute(query)) as unknown as { rows: Record<string, unknown>[] }).rows;

describe(`background jobs on ${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'} (pg-boss)`, () => {
  let server: TestServer;
  let runner: JobRunner;
  before(async () => {
    server = await startTestServer();
    runner = await startJobs(server.ctx);
  });
  after(async () => {
    await runner?.stop();
    await server?.close();
  });

  it('when the prune job runs, then expired, idle and revoked sessions and long-expired actions are gone, and live ones stay', async () => {
    const keep = await registerUser(server.url);
    const revoked = await registerUser(server.url);
    await as(server.url, revoked.accessToken).post('/api/auth/logout');
    const expired = await registerUser(server.url);
    const db = server.ctx.db;
    await db.execute(sql`update sessions set expires_at = now() - interval '1 minute' where user_id = ${expired.user.id}`);
    await db.execute(sql`
      insert into pending_actions (user_id, kind, summary, payload, expires_at) values
        (${keep.user.id}, 'test.old', 'long expired', '{}', now() - interval '2 days'),
        (${keep.user.id}, 'test.fresh', 'still answerable', '{}', now() + interval '10 minutes')`);

    await runner.trigger('lifeos.prune');
    const deadline = Date.now() + 20_000;
    let sessions: Record<string, unknown>[] = [];
    while (Date.now() < deadline) {
      sessions = await rows(server, sql`select user_id from sessions`);
      if (sessions.length === 1) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.deepEqual(sessions.map((s) => s.user_id), [keep.user.id]);
    const actions = await rows(server, sql`select kind from pending_actions where user_id = ${keep.user.id}`);
    assert.deepEqual(actions.map((a) => a.kind), ['test.fresh']);
    assert.equal((await as(server.url, keep.accessToken).get('/api/auth/me')).status, 200);
    const text = await server.ctx.metrics.registry.metrics();
    assert.equal(metricValue(text, 'lifeos_job_duration_seconds_count', { job: 'lifeos.prune', outcome: 'ok' }), 1);
  });

  it('when the jobs start, then the prune job and the daily briefings are scheduled once', async () => {
    const schedules = await rows(server, sql`select name, cron from pgboss.schedule order by name`);
    assert.deepEqual(schedules, [
      { name: 'lifeos.briefing', cron: '* * * * *' },
      { name: 'lifeos.prune', cron: '*/15 * * * *' },
    ]);
  });

  it('when a job is queued inside a transaction, then it exists once the transaction commits, and not at all when it rolls back', async () => {
    const [kept, dropped] = [randomUUID(), randomUUID()];
    const queued = (messageId: string) => rows(server, sql`select id from pgboss.job where name = ${memoryExtractQueue.name} and data->>'messageId' = ${messageId}`);
    await server.ctx.db.transaction(async (tx) => {
      await server.ctx.jobs.send(memoryExtractQueue, { userId: randomUUID(), messageId: kept }, { tx });
    });
    await assert.rejects(
      server.ctx.db.transaction(async (tx) => {
        await server.ctx.jobs.send(memoryExtractQueue, { userId: randomUUID(), messageId: dropped }, { tx });
        throw new Error('the store failed');
      }),
      /the store failed/,
    );
    assert.equal((await queued(kept)).length, 1);
    assert.equal((await queued(dropped)).length, 0);
  });
});
