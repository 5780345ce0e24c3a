// @cal and the assistant understand reminder requests (built-in engine, over real HTTP):
// a reminder is set, listed, moved and cancelled, tied to an event when it is relative to
// one, and never becomes a calendar event.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startJobs, type JobRunner } from '../src/jobs/job-runner.ts';
import { as, registerUser } from './helpers/http.ts';
import { startPushService, type PushServiceStandIn } from './helpers/push-service.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { created, openSse } from './helpers/sse.ts';

const MIN = 60_000;

describe('@cal reminders in the chat', () => {
  let server: TestServer;
  // Tuesday 1 Dec 2026, 10:00 in Berlin.
  const NOW = new Date('2026-12-01T09:00:00Z');
  before(async () => {
    server = await startTestServer({ now: NOW });
  });
  after(async () => server?.close());

  const setup = async () => {
    const user = await registerUser(server.url, { timezone: 'Europe/Berlin' });
    const api = as(server.url, user.accessToken);
    const say = async (content: string) => (await api.post('/api/messages', { content })).body.reply;
    const scheduled = async () => (await api.get('/api/reminders?status=scheduled')).body.reminders;
    return { api, say, scheduled };
  };

  it('when the user says "remind me in 2 minutes to stretch" (with or without @cal), then a reminder is set and no event is created', async () => {
    const { api, say, scheduled } = await setup();
    const reply = await say('@cal remind me in 2 minutes to stretch');
    assert.match(reply.content, /remind you/i);
    assert.match(reply.content, /Stretch/);
    const [r] = await scheduled();
    assert.equal(r.text, 'Stretch');
    assert.equal(new Date(r.dueAt).getTime(), NOW.getTime() + 2 * MIN);
    const plain = await say('remind me at 5 to call the garage');
    assert.match(plain.content, /Call the garage/);
    assert.deepEqual((await scheduled()).map((x: any) => [x.text, x.dueAt]), [
      ['Stretch', '2026-12-01T09:02:00.000Z'],
      ['Call the garage', '2026-12-01T16:00:00.000Z'],
    ]);
    const events = await api.get(`/api/calendar/events?from=${NOW.toISOString()}&to=${new Date(NOW.getTime() + 7 * 86_400_000).toISOString()}`);
    assert.deepEqual(events.body.events, [], 'a reminder is not an event');
  });

  it('when a reminder is asked for relative to an event, then it is tied to it and moves with it', async () => {
    const { api, say, scheduled } = await setup();
    const ev = (await api.post('/api/calendar/events', { title: 'Dentist', start: '2026-12-03T14:00:00.000Z' })).body.event;
    const reply = await say('@cal remind me an hour before the dentist');
    assert.match(reply.content, /Dentist/);
    let [r] = await scheduled();
    assert.equal(r.eventId, ev.id);
    assert.equal(r.dueAt, '2026-12-03T13:00:00.000Z');
    await api.patch(`/api/calendar/events/${ev.id}`, { start: '2026-12-04T08:00:00.000Z' });
    [r] = await scheduled();
    assert.equal(r.dueAt, '2026-12-04T07:00:00.000Z', 'moved with the event');

    const flight = (await api.post('/api/calendar/events', { title: 'Flight to Lisbon', start: '2026-12-10T06:30:00.000Z' })).body.event;
    await say('@cal remind me the evening before my flight to pack');
    const packing = (await scheduled()).find((x: any) => x.eventId === flight.id);
    assert.equal(packing.text, 'Pack');
    assert.equal(packing.dueAt, '2026-12-09T18:00:00.000Z', '19:00 in Berlin the day before');
  });

  it('when a repeating reminder is asked for, then it carries the rule and says so', async () => {
    const { say, scheduled } = await setup();
    const reply = await say('every Monday at 8 remind me to take out the bins');
    assert.match(reply.content, /every Monday/);
    const [r] = await scheduled();
    assert.equal(r.recurrence, 'FREQ=WEEKLY;BYDAY=MO');
    assert.equal(r.dueAt, '2026-12-07T07:00:00.000Z');
  });

  it('when the user lists, moves and cancels reminders by name, then those reminders change', async () => {
    const { say, scheduled } = await setup();
    await say('@cal remind me tomorrow morning to water the plants');
    await say('@cal remind me at 17:00 to call the garage');
    const list = await say('@cal what are my reminders?');
    assert.match(list.content, /Water the plants/);
    assert.match(list.content, /Call the garage/);
    await say('@cal move the garage reminder to 6pm');
    assert.equal((await scheduled()).find((x: any) => x.text === 'Call the garage').dueAt, '2026-12-01T17:00:00.000Z');
    await say('@cal push the garage reminder by 30 minutes');
    assert.equal((await scheduled()).find((x: any) => x.text === 'Call the garage').dueAt, '2026-12-01T17:30:00.000Z');
    const cancelled = await say('@cal cancel the plants reminder');
    assert.match(cancelled.content, /Cancelled/);
    assert.deepEqual((await scheduled()).map((x: any) => x.text), ['Call the garage']);
    const which = await say('@cal remind me to buy milk');
    assert.match(which.content, /When should I remind you/);
  });
});

describe('"remind me in 2 minutes to stretch", end to end', () => {
  let server: TestServer;
  let runner: JobRunner;
  let pushService: PushServiceStandIn;
  const NOW = new Date('2026-12-01T09:00:00Z');
  before(async () => {
    pushService = await startPushService();
    server = await startTestServer({ now: NOW, env: { REMINDER_SCAN_MS: '200' } });
    runner = await startJobs(server.ctx, []);
  });
  after(async () => {
    await runner?.stop();
    await server?.close();
    await pushService?.close();
  });

  it('when two minutes have passed, then every open device shows the reminder in the chat and the subscribed browser gets the push', async () => {
    const user = await registerUser(server.url, { timezone: 'Europe/Berlin' });
    const api = as(server.url, user.accessToken);
    await api.post('/api/push/subscriptions', { kind: 'webpush', ...pushService.subscription('/push/stretch') });
    const reply = (await api.post('/api/messages', { content: 'remind me in 2 minutes to stretch' })).body.reply;
    assert.match(reply.content, /Stretch/);
    const devices = await Promise.all([openSse(server.url, user.accessToken), openSse(server.url, user.accessToken)]);
    try {
      await new Promise((r) => setTimeout(r, 600));
      assert.equal(created(devices[0]!.events).length, 0, 'nothing before it is due');
      // The server's clock moves on two minutes.
      server.clock.now = new Date(NOW.getTime() + 2 * MIN);
      for (const device of devices) {
        await device.waitFor((events) => created(events).length >= 1, 20_000);
        const msg = created(device.events)[0]!.data;
        assert.equal(msg.agentName, '@cal');
        assert.equal(msg.content, 'Reminder: Stretch');
      }
      const [push] = await pushService.waitFor(1);
      assert.equal(push!.payload.body, 'Reminder: Stretch');
      assert.equal(push!.payload.messageId, created(devices[1]!.events)[0]!.data.id);
    } finally {
      devices.forEach((d) => d.close());
    }
  });
});
