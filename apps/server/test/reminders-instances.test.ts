// Reminder delivery with three server processes on one PostgreSQL, as behind a
// load balancer: each reminder is said once (one message, one push), on every
// device's stream whichever instance it is connected to; and after every
// instance was stopped and one started again, what fell due meanwhile comes once.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { as, registerUser } from './helpers/http.ts';
import { sharedSecrets, spawnServer, type ServerProcess } from './helpers/process.ts';
import { startPushService, type PushServiceStandIn } from './helpers/push-service.ts';
import { createTestDatabase, usingPostgres } from './helpers/server.ts';
import { created, openSse } from './helpers/sse.ts';

function vapidKeys() {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const pub = publicKey.export({ format: 'jwk' });
  const raw = Buffer.concat([Buffer.from([4]), Buffer.from(pub.x!, 'base64url'), Buffer.from(pub.y!, 'base64url')]);
  return { VAPID_PUBLIC_KEY: raw.toString('base64url'), VAPID_PRIVATE_KEY: privateKey.export({ format: 'jwk' }).d!, VAPID_SUBJECT: 'mailto:ops@example.test' };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('reminders with three instances on one PostgreSQL', { skip: !usingPostgres() && 'needs TEST_DATABASE_URL' }, () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let instances: ServerProcess[] = [];
  let pushService: PushServiceStandIn;
  let env: Record<string, string>;
  before(async () => {
    pushService = await startPushService();
    database = await createTestDatabase();
    // Private hosts allowed: the push-service stand-in listens on 127.0.0.1.
    env = { DATABASE_URL: database.url, ALLOW_PRIVATE_HOSTS: 'true', REMINDER_SCAN_MS: '250', RATE_LIMIT_REGISTER: '100000', ...sharedSecrets(), ...vapidKeys() };
    instances = await Promise.all([1, 2, 3].map(() => spawnServer(env)));
  });
  after(async () => {
    await Promise.all(instances.map((i) => i.stop()));
    await database?.drop();
    await pushService?.close();
  });

  it('when 30 reminders fall due together, then each is one message on every stream and one push, whichever instance delivers it', async () => {
    const user = await registerUser(instances[0]!.url);
    const api = as(instances[1]!.url, user.accessToken);
    await api.post('/api/push/subscriptions', { kind: 'webpush', ...pushService.subscription('/push/three') });
    const streams = await Promise.all(instances.map((i) => openSse(i.url, user.accessToken)));
    try {
      const N = 30;
      const ids: string[] = [];
      const due = new Date(Date.now() + 3_000).toISOString();
      for (let i = 0; i < N; i++) ids.push((await api.post('/api/reminders', { text: `reminder ${i}`, dueAt: due })).body.reminder.id);
      for (const stream of streams) await stream.waitFor((events) => created(events).length >= N, 30_000);
      await pushService.waitFor(N, 30_000);
      await sleep(2_000);
      for (const stream of streams) {
        const seen = created(stream.events).map((e) => e.data.metadata.reminder.id);
        assert.equal(seen.length, N, 'no duplicates on the stream');
        assert.deepEqual([...seen].sort(), [...ids].sort());
      }
      const pushes = pushService.received.filter((p) => p.path === '/push/three');
      assert.equal(pushes.length, N, 'one push per reminder');
      const messages = (await api.get('/api/messages?limit=100')).body.messages;
      assert.equal(messages.length, N);
      const db = new pg.Client({ connectionString: database.url });
      await db.connect();
      try {
        const { rows } = await db.query(`select status, count(*)::int as n from reminders group by status`);
        assert.deepEqual(rows, [{ status: 'delivered', n: N }]);
      } finally {
        await db.end();
      }
    } finally {
      streams.forEach((s) => s.close());
    }
  });

  it('when every instance stops and one starts again, then a reminder due meanwhile is delivered once and marked late, and one due later on time', async () => {
    const user = await registerUser(instances[0]!.url);
    const api = as(instances[0]!.url, user.accessToken);
    const missed = (await api.post('/api/reminders', { text: 'missed while down', dueAt: new Date(Date.now() + 3_600_000).toISOString() })).body.reminder;
    const upcoming = (await api.post('/api/reminders', { text: 'after the restart', dueAt: new Date(Date.now() + 25_000).toISOString() })).body.reminder;
    await Promise.all(instances.map((i) => i.stop()));
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    try {
      // It fell due two minutes ago, while nothing was running.
      await db.query(`update reminders set due_at = now() - interval '2 minutes' where id = $1`, [missed.id]);
    } finally {
      await db.end();
    }
    instances = await Promise.all([1, 2].map(() => spawnServer(env)));
    // The missed one may be said before this stream opens: history has it either way.
    const stream = await openSse(instances[1]!.url, user.accessToken);
    try {
      await stream.waitFor((events) => created(events).some((e) => e.data.metadata.reminder.id === upcoming.id), 40_000);
    } finally {
      stream.close();
    }
    await sleep(1_500);
    const history = (await as(instances[0]!.url, user.accessToken).get('/api/messages')).body.messages;
    assert.deepEqual(
      history.map((m: any) => m.metadata.reminder).reverse(),
      [
        { id: missed.id, eventId: null, late: true },
        { id: upcoming.id, eventId: null },
      ],
    );
  });
});
