// Reminders over real HTTP: the REST contract, event reminders kept in step with
// their event (and in the iCalendar feed as VALARM), and delivery at the due time
// as a chat message on every open stream plus a push to the subscribed browser.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { startJobs, type JobRunner } from '../src/jobs/job-runner.ts';
import { as, registerUser, request } from './helpers/http.ts';
import { startPushService, type PushServiceStandIn } from './helpers/push-service.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { created, openSse } from './helpers/sse.ts';

const MIN = 60_000;
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();

describe(`reminders REST on ${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server?.close());

  it('when a reminder is created, listed, changed and cancelled, then each answer follows the contract', async () => {
    const user = await registerUser(server.url);
    const api = as(server.url, user.accessToken);
    const dueAt = inMs(90 * MIN);
    const made = await api.post('/api/reminders', { text: 'Call the garage', dueAt });
    assert.equal(made.status, 201);
    const r = made.body.reminder;
    assert.deepEqual({ text: r.text, dueAt: r.dueAt, eventId: r.eventId, status: r.status, deliveredAt: r.deliveredAt }, {
      text: 'Call the garage',
      dueAt,
      eventId: null,
      status: 'scheduled',
      deliveredAt: null,
    });
    const earlier = (await api.post('/api/reminders', { text: 'Stretch', dueAt: inMs(30 * MIN) })).body.reminder;
    const list = await api.get('/api/reminders?status=scheduled');
    assert.deepEqual(list.body.reminders.map((x: any) => x.text), ['Stretch', 'Call the garage'], 'by dueAt');

    const later = inMs(120 * MIN);
    const moved = await api.patch(`/api/reminders/${r.id}`, { text: 'Call the garage about the tyres', dueAt: later });
    assert.equal(moved.status, 200);
    assert.equal(moved.body.reminder.dueAt, later);
    assert.equal(moved.body.reminder.text, 'Call the garage about the tyres');

    assert.equal((await api.delete(`/api/reminders/${earlier.id}`)).status, 204);
    assert.deepEqual((await api.get('/api/reminders')).body.reminders.map((x: any) => x.id), [r.id]);
    assert.equal((await api.patch(`/api/reminders/${earlier.id}`, { text: 'again' })).status, 404);
    assert.equal((await api.get('/api/reminders?status=delivered')).body.reminders.length, 0);
  });

  it('when dueAt is in the past or the body is wrong, then it is a 400 problem', async () => {
    const user = await registerUser(server.url);
    const api = as(server.url, user.accessToken);
    for (const body of [
      { text: 'too late', dueAt: inMs(-MIN) },
      { text: '   ', dueAt: inMs(MIN) },
      { text: 'no time' },
      { text: 'bad time', dueAt: 'tomorrow' },
    ]) {
      const res = await api.post('/api/reminders', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.code, 'validation_failed');
    }
    const ok = (await api.post('/api/reminders', { text: 'x', dueAt: inMs(MIN) })).body.reminder;
    assert.equal((await api.patch(`/api/reminders/${ok.id}`, { dueAt: inMs(-MIN) })).status, 400);
    assert.equal((await api.get('/api/reminders?status=cancelled')).status, 400);
  });

  it("when another user's reminder id is used, then it is a 404 like an unknown one", async () => {
    const alice = await registerUser(server.url);
    const bob = await registerUser(server.url);
    const r = (await as(server.url, alice.accessToken).post('/api/reminders', { text: 'mine', dueAt: inMs(MIN * 5) })).body.reminder;
    const asBob = as(server.url, bob.accessToken);
    assert.equal((await asBob.patch(`/api/reminders/${r.id}`, { text: 'yours' })).status, 404);
    assert.equal((await asBob.delete(`/api/reminders/${r.id}`)).status, 404);
    assert.deepEqual((await asBob.get('/api/reminders')).body.reminders, []);
  });

  it('when an event has reminders, then each is a reminder with its eventId that moves with the event and goes with it', async () => {
    const user = await registerUser(server.url);
    const api = as(server.url, user.accessToken);
    const start = new Date(Date.now() + 3 * 86_400_000);
    start.setUTCSeconds(0, 0);
    const ev = await api.post('/api/calendar/events', { title: 'Dentist', start: start.toISOString(), reminders: [60, 10] });
    assert.equal(ev.status, 201);
    assert.deepEqual(ev.body.event.reminders, [10, 60]);
    const id = ev.body.event.id;
    const dues = async () => (await api.get('/api/reminders')).body.reminders.map((r: any) => [r.eventId, r.text, r.dueAt]);
    assert.deepEqual(await dues(), [
      [id, 'Dentist', new Date(start.getTime() - 60 * MIN).toISOString()],
      [id, 'Dentist', new Date(start.getTime() - 10 * MIN).toISOString()],
    ]);

    const moved = new Date(start.getTime() + 2 * 3_600_000);
    await api.patch(`/api/calendar/events/${id}`, { start: moved.toISOString(), title: 'Dentist (Dr Ruiz)' });
    assert.deepEqual(await dues(), [
      [id, 'Dentist (Dr Ruiz)', new Date(moved.getTime() - 60 * MIN).toISOString()],
      [id, 'Dentist (Dr Ruiz)', new Date(moved.getTime() - 10 * MIN).toISOString()],
    ]);

    await api.patch(`/api/calendar/events/${id}`, { reminders: [1440] });
    assert.deepEqual(await dues(), [[id, 'Dentist (Dr Ruiz)', new Date(moved.getTime() - 1440 * MIN).toISOString()]]);

    assert.equal((await api.delete(`/api/calendar/events/${id}`)).status, 204);
    assert.deepEqual(await dues(), []);
  });

  it('when a repeating event has a reminder, then the reminder is for its next occurrence', async () => {
    const user = await registerUser(server.url, { timezone: 'Europe/Berlin' });
    const api = as(server.url, user.accessToken);
    const first = new Date(Date.now() - 2 * 86_400_000);
    first.setUTCSeconds(0, 0);
    const ev = (await api.post('/api/calendar/events', { title: 'Stand-up', start: first.toISOString(), recurrence: 'FREQ=DAILY', reminders: [5] })).body.event;
    const [r] = (await api.get('/api/reminders')).body.reminders;
    assert.equal(r.eventId, ev.id);
    const due = new Date(r.dueAt).getTime();
    assert.ok(due > Date.now() && due <= Date.now() + 86_400_000, `next occurrence within a day: ${r.dueAt}`);
  });

  it('when event reminders are out of range or too many, then it is a 400', async () => {
    const user = await registerUser(server.url);
    const api = as(server.url, user.accessToken);
    for (const reminders of [[-1], [40_321], [1, 2, 3, 4, 5, 6], [1.5]]) {
      const res = await api.post('/api/calendar/events', { title: 'x', start: inMs(86_400_000), reminders });
      assert.equal(res.status, 400, JSON.stringify(reminders));
    }
    assert.equal((await api.post('/api/calendar/events', { title: 'x', start: inMs(86_400_000), reminders: [0, 40_320] })).status, 201);
  });

  it('when an event has reminders, then the iCalendar feed carries one VALARM per reminder', async () => {
    const user = await registerUser(server.url);
    const api = as(server.url, user.accessToken);
    await api.post('/api/calendar/events', { title: 'Flight to Lisbon', start: inMs(5 * 86_400_000), reminders: [0, 90, 1440] });
    const { body } = await api.get('/api/calendar/feed-url');
    const feed = await fetch(body.url);
    const text = await feed.text();
    const alarms = [...text.matchAll(/BEGIN:VALARM\r\n([\s\S]*?)END:VALARM/g)].map((m) => /TRIGGER:(.*)\r\n/.exec(m[1]!)![1]);
    assert.deepEqual(alarms.sort(), ['-P1D', '-PT1H30M', 'PT0S'].sort());
    assert.match(text, /ACTION:DISPLAY/);
  });
});

describe(`reminder delivery on ${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  let server: TestServer;
  let runner: JobRunner;
  let pushService: PushServiceStandIn;
  before(async () => {
    pushService = await startPushService();
    server = await startTestServer({ env: { REMINDER_SCAN_MS: '200' } });
    runner = await startJobs(server.ctx, []);
  });
  after(async () => {
    await runner?.stop();
    await server?.close();
    await pushService?.close();
  });

  it('when a reminder falls due, then every open stream gets one @cal message with metadata.reminder, and the browser gets the push', async () => {
    const user = await registerUser(server.url);
    const api = as(server.url, user.accessToken);
    await api.post('/api/push/subscriptions', { kind: 'webpush', ...pushService.subscription('/push/reminder') });
    const streams = await Promise.all([openSse(server.url, user.accessToken), openSse(server.url, user.accessToken)]);
    try {
      const dueAt = inMs(1_500);
      const r = (await api.post('/api/reminders', { text: 'Stretch', dueAt })).body.reminder;
      for (const stream of streams) {
        await stream.waitFor((events) => created(events).length >= 1, 20_000);
        const [msg] = created(stream.events).map((e) => e.data);
        assert.equal(msg.role, 'assistant');
        assert.equal(msg.agentName, '@cal');
        assert.deepEqual(msg.metadata.reminder, { id: r.id, eventId: null });
        assert.match(msg.content, /Stretch/);
        assert.ok(new Date(msg.createdAt).getTime() >= new Date(dueAt).getTime(), 'not before it was due');
      }
      const pushes = await pushService.waitFor(1);
      const push = pushes.find((p) => p.path === '/push/reminder')!;
      assert.equal(push.payload.messageId, created(streams[0]!.events)[0]!.data.id);
      assert.match(push.payload.body, /Stretch/);
      assert.equal(push.payload.url, `/?message=${push.payload.messageId}`);
      const listed = (await api.get('/api/reminders?status=delivered')).body.reminders;
      assert.equal(listed.length, 1);
      assert.equal(listed[0].status, 'delivered');
      assert.ok(listed[0].deliveredAt);
      await new Promise((r) => setTimeout(r, 1_000));
      const history = (await api.get('/api/messages')).body.messages.filter((m: any) => m.metadata?.reminder?.id === r.id);
      assert.equal(history.length, 1, 'delivered once');
    } finally {
      streams.forEach((s) => s.close());
    }
  });

  it('when an event reminder falls due, then the message names the event and carries its eventId', async () => {
    const user = await registerUser(server.url);
    const api = as(server.url, user.accessToken);
    const stream = await openSse(server.url, user.accessToken);
    try {
      const ev = (await api.post('/api/calendar/events', { title: 'Dentist', start: inMs(10 * MIN + 1_500), reminders: [10] })).body.event;
      await stream.waitFor((events) => created(events).length >= 1, 20_000);
      const msg = created(stream.events)[0]!.data;
      assert.deepEqual(msg.metadata.reminder, { id: msg.metadata.reminder.id, eventId: ev.id });
      assert.match(msg.content, /Dentist starts in 10 minutes/);
    } finally {
      stream.close();
    }
  });

  it('when a reminder was cancelled or moved before it fell due, then nothing is said at the old time', async () => {
    const user = await registerUser(server.url);
    const api = as(server.url, user.accessToken);
    const cancelled = (await api.post('/api/reminders', { text: 'cancelled one', dueAt: inMs(1_000) })).body.reminder;
    const moved = (await api.post('/api/reminders', { text: 'moved one', dueAt: inMs(1_000) })).body.reminder;
    await api.delete(`/api/reminders/${cancelled.id}`);
    await api.patch(`/api/reminders/${moved.id}`, { dueAt: inMs(3_600_000) });
    await new Promise((r) => setTimeout(r, 2_500));
    assert.deepEqual((await api.get('/api/messages')).body.messages, []);
  });
});

describe(`reminders due while no server ran (${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  let server: TestServer;
  let runner: JobRunner | undefined;
  before(async () => {
    server = await startTestServer({ env: { REMINDER_SCAN_MS: '200' } });
  });
  after(async () => {
    await runner?.stop();
    await server?.close();
  });

  it('when the job runner starts after a reminder fell due, then it is delivered once, marked late', async () => {
    const user = await registerUser(server.url);
    const api = as(server.url, user.accessToken);
    const r = (await api.post('/api/reminders', { text: 'Water the plants', dueAt: inMs(60 * MIN) })).body.reminder;
    // The server was down when it fell due: an hour ago.
    await server.ctx.db.execute(sql`update reminders set due_at = now() - interval '1 hour' where id = ${r.id}`);
    const stream = await openSse(server.url, user.accessToken);
    try {
      runner = await startJobs(server.ctx, []);
      await stream.waitFor((events) => created(events).length >= 1, 20_000);
      const msg = created(stream.events)[0]!.data;
      assert.deepEqual(msg.metadata.reminder, { id: r.id, eventId: null, late: true });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      assert.equal(created(stream.events).length, 1);
    } finally {
      stream.close();
    }
    const after = await request(server.url, 'GET', '/api/reminders?status=delivered', { token: user.accessToken });
    assert.equal(after.body.reminders[0].id, r.id);
  });
});
