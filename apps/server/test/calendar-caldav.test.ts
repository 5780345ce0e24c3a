import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CalendarEvent, Message } from '@lifeos/contract';
import { connectCalDav, type CalDavClient } from '../src/integrations/caldav/caldav.client.ts';
import { as, registerUser } from './helpers/http.ts';
import { startTogether } from './helpers/fixtures.ts';
import { startRadicale, type RadicaleServer } from './helpers/radicale.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { skipWithout } from './helpers/system-servers.ts';

// Sunday 29 Nov 2026, 10:00 in Berlin.
const NOW = new Date('2026-11-29T09:00:00Z');
const tz = 'Europe/Berlin';

let server: TestServer;
let radicale: RadicaleServer;
let dav: CalDavClient;
let calendarUrl: string;

describe('CalDAV calendars', { skip: await skipWithout('radicale') }, () => {
  before(async () => {
    [server, radicale] = await startTogether([startTestServer({ now: NOW }), startRadicale()]);
    dav = await connectCalDav({ url: radicale.url, username: radicale.username, password: radicale.password }, { timeZone: tz, hosts: { allowPrivate: true } });
    calendarUrl = (await dav.createCalendar('Personal')).url;
    // Already in the CalDAV calendar before the user connects it.
    await dav.createEvent(calendarUrl, { title: 'Dentist', start: new Date('2026-11-30T09:00:00Z'), end: new Date('2026-11-30T10:00:00Z'), allDay: false, timeZone: tz });
    await dav.createEvent(calendarUrl, { title: 'Choir', start: new Date('2026-12-02T18:00:00Z'), end: new Date('2026-12-02T19:30:00Z'), allDay: false, rrule: 'FREQ=WEEKLY;BYDAY=WE', timeZone: tz });
  });
  after(async () => {
    await Promise.all([server?.close(), radicale?.stop()]);
  });

  async function say(api: ReturnType<typeof as>, content: string): Promise<Message> {
    const res = await api.post('/api/messages', { content });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.reply as Message;
  }

  async function confirm(api: ReturnType<typeof as>, reply: Message): Promise<Message> {
    const pending = reply.metadata?.pendingAction as { id: string } | undefined;
    assert.ok(pending, `expected a pending action in: ${reply.content}`);
    const res = await api.post(`/api/actions/${pending.id}/confirm`);
    assert.equal(res.status, 200);
    return res.body.reply as Message;
  }

  const week = { start: new Date('2026-11-29T00:00:00Z'), end: new Date('2026-12-07T00:00:00Z') };
  const remoteTitles = async () => (await dav.listEvents(calendarUrl, week)).map((e) => e.title).sort();

  describe('CalDAV calendar round trip (radicale)', () => {
    let api: ReturnType<typeof as>;
    before(async () => {
      api = as(server.url, (await registerUser(server.url, { timezone: tz })).accessToken);
    });

    it('when the password is wrong, then nothing is stored and the server says why', async () => {
      const res = await api.post('/api/connections/caldav', { url: radicale.url, username: radicale.username, password: 'wrong' });
      assert.equal(res.status, 400);
      assert.equal(res.body.code, 'connection_failed');
      assert.match(res.body.detail, /rejected the user name or password/);
      const exported = await api.get('/api/account/export');
      assert.deepEqual(exported.body.connections, []);
    });

    it('when the account is connected, then its calendars are listed and the password is never shown', async () => {
      const res = await api.post('/api/connections/caldav', { url: radicale.url, username: radicale.username, password: radicale.password });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.connection.provider, 'caldav');
      assert.deepEqual(res.body.connection.calendars.map((c: { name: string }) => c.name), ['Personal']);
      const exported = JSON.stringify((await api.get('/api/account/export')).body);
      assert.ok(!exported.includes(radicale.password));
    });

    it('when the agenda is asked for, then the CalDAV events are in it', async () => {
      const res = await api.get('/api/calendar/events?from=2026-11-29T00:00:00Z&to=2026-12-07T00:00:00Z');
      assert.deepEqual(
        res.body.events.map((e: CalendarEvent) => [e.title, e.start, e.source, e.calendarName]),
        [
          ['Dentist', '2026-11-30T09:00:00.000Z', 'caldav', 'Personal'],
          ['Choir', '2026-12-02T18:00:00.000Z', 'caldav', 'Personal'],
        ],
      );
      assert.equal((await say(api, "@cal what's on tomorrow")).content, 'Tomorrow: 1 event.\n**Mon 30 Nov**\n- 10:00–11:00 **Dentist**');
    });

    it('when free time is asked for, then CalDAV events count as busy', async () => {
      const reply = await say(api, '@cal am I free tomorrow at 10:30?');
      assert.match(reply.content, /^No — on Mon 30 Nov at 10:30 you have \*\*Dentist\*\* \(10:00–11:00\)\./);
    });

    it('when a CalDAV event is moved through @cal, then it changes on the server only after confirmation', async () => {
      const reply = await say(api, '@cal move the dentist to 14:00');
      assert.equal(reply.content, 'Move **Dentist** in Personal from Mon 30 Nov, 10:00–11:00 to Mon 30 Nov, 14:00–15:00?\nConfirm to go ahead.');
      assert.equal((await dav.listEvents(calendarUrl, week)).find((e) => e.title === 'Dentist')!.start.toISOString(), '2026-11-30T09:00:00.000Z');
      assert.equal((await confirm(api, reply)).content, 'Moved **Dentist** — Mon 30 Nov, 14:00–15:00.');
      assert.equal((await dav.listEvents(calendarUrl, week)).find((e) => e.title === 'Dentist')!.start.toISOString(), '2026-11-30T13:00:00.000Z');
    });

    it('when an event is added to the named CalDAV calendar, then it is created there after confirmation', async () => {
      const reply = await say(api, '@cal add team lunch on Friday at 12 to my Personal calendar');
      assert.equal(reply.content, 'Add **Team lunch** to Personal — Fri 4 Dec, 12:00–13:00?\nConfirm to go ahead.');
      assert.deepEqual(await remoteTitles(), ['Choir', 'Dentist']);
      assert.equal((await confirm(api, reply)).content, 'Added **Team lunch** to Personal — Fri 4 Dec, 12:00–13:00.');
      assert.deepEqual(await remoteTitles(), ['Choir', 'Dentist', 'Team lunch']);
    });

    it('when a CalDAV event is cancelled through @cal, then it is removed from the server', async () => {
      const reply = await say(api, '@cal cancel the team lunch');
      assert.match(reply.content, /^Delete \*\*Team lunch\*\* from Personal — Fri 4 Dec, 12:00–13:00\?/);
      await confirm(api, reply);
      assert.deepEqual(await remoteTitles(), ['Choir', 'Dentist']);
    });

    it('when the CalDAV event changes on the server, then the agenda shows the change once a minute has passed', async () => {
      const dentist = (await dav.listEvents(calendarUrl, week)).find((e) => e.title === 'Dentist')!;
      await dav.updateEvent(dentist, { title: 'Dentist check-up' });
      const day = '/api/calendar/events?from=2026-11-30T00:00:00Z&to=2026-12-01T00:00:00Z';
      assert.equal((await api.get(day)).body.events[0].title, 'Dentist', 'read at most once a minute');
      server.clock.now = new Date(NOW.getTime() + 2 * 60_000);
      try {
        assert.equal((await api.get(day)).body.events[0].title, 'Dentist check-up');
      } finally {
        server.clock.now = NOW;
      }
    });

    it("when another user looks, then they see none of this user's CalDAV events", async () => {
      const other = as(server.url, (await registerUser(server.url, { timezone: tz })).accessToken);
      const res = await other.get('/api/calendar/events?from=2026-11-29T00:00:00Z&to=2026-12-07T00:00:00Z');
      assert.deepEqual(res.body.events, []);
    });
  });

  describe('CalDAV server going away', () => {
    it('when the server stops answering, then the last copies stay in the agenda and the connection shows the error', async () => {
      const gone = await startRadicale();
      try {
        const client = await connectCalDav({ url: gone.url, username: gone.username, password: gone.password }, { timeZone: tz, hosts: { allowPrivate: true } });
        const cal = await client.createCalendar('Work');
        await client.createEvent(cal.url, { title: 'Standup', start: new Date('2026-11-30T08:00:00Z'), end: new Date('2026-11-30T08:15:00Z'), allDay: false, timeZone: tz });
        const api = as(server.url, (await registerUser(server.url, { timezone: tz })).accessToken);
        assert.equal((await api.post('/api/connections/caldav', { url: gone.url, username: gone.username, password: gone.password })).status, 201);
        await gone.stop();
        server.clock.now = new Date(NOW.getTime() + 10 * 60_000);
        const res = await api.get('/api/calendar/events?from=2026-11-30T00:00:00Z&to=2026-12-01T00:00:00Z');
        assert.equal(res.status, 200);
        assert.deepEqual(res.body.events.map((e: CalendarEvent) => e.title), ['Standup']);
        const [connection] = (await api.get('/api/account/export')).body.connections;
        assert.equal(connection.status, 'error');
        assert.match(connection.statusDetail, /Could not reach/);
      } finally {
        server.clock.now = NOW;
        await gone.stop();
      }
    });
  });
});
