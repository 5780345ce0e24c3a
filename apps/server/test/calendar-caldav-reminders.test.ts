// VALARMs of a connected CalDAV calendar (radicale) become reminders of the copied
// events, and follow them when the alarm changes, the event moves or goes away there.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connectCalDav } from '../src/integrations/caldav/caldav.client.ts';
import { as, registerUser } from './helpers/http.ts';
import { startRadicale, type RadicaleServer } from './helpers/radicale.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

// Sunday 29 Nov 2026, 10:00 in Berlin.
const NOW = new Date('2026-11-29T09:00:00Z');
const tz = 'Europe/Berlin';

function vevent(uid: string, start: string, trigger: string | null): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//test//EN',
    'BEGIN:VEVENT',
    `UID:${uid}`,
    'DTSTAMP:20261129T080000Z',
    `DTSTART:${start}`,
    'DURATION:PT1H',
    'SUMMARY:Dentist',
    ...(trigger ? ['BEGIN:VALARM', 'ACTION:DISPLAY', 'DESCRIPTION:Dentist', `TRIGGER:${trigger}`, 'END:VALARM'] : []),
    // An alarm relative to the end is not a reminder before the start: ignored.
    'BEGIN:VALARM',
    'ACTION:DISPLAY',
    'DESCRIPTION:after',
    'TRIGGER;RELATED=END:PT5M',
    'END:VALARM',
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

describe('CalDAV alarms as reminders (radicale)', () => {
  let server: TestServer;
  let radicale: RadicaleServer | undefined;
  let objectUrl: string;
  let auth: string;
  before(async () => {
    radicale = await startRadicale();
    try {
      server = await startTestServer({ now: NOW });
    } catch (err) {
      await radicale.stop();
      throw err;
    }
    const dav = await connectCalDav({ url: radicale.url, username: radicale.username, password: radicale.password }, { timeZone: tz, hosts: { allowPrivate: true } });
    const calendarUrl = (await dav.createCalendar('Personal')).url;
    objectUrl = new URL('dentist-1.ics', calendarUrl.endsWith('/') ? calendarUrl : `${calendarUrl}/`).toString();
    auth = `Basic ${Buffer.from(`${radicale.username}:${radicale.password}`).toString('base64')}`;
  });
  after(async () => {
    await server?.close();
    await radicale?.stop();
  });

  const put = async (body: string) => {
    const res = await fetch(objectUrl, { method: 'PUT', headers: { authorization: auth, 'content-type': 'text/calendar; charset=utf-8' }, body });
    assert.ok(res.status === 201 || res.status === 204, `PUT ${res.status}`);
  };

  it('when a synced event has a VALARM, then it has that reminder, which follows the alarm, the event and its deletion', async () => {
    await put(vevent('dentist-1@example.test', '20261201T130000Z', '-PT15M'));
    const user = await registerUser(server.url, { timezone: tz });
    const api = as(server.url, user.accessToken);
    assert.equal((await api.post('/api/connections/caldav', { url: radicale!.url, username: radicale!.username, password: radicale!.password })).status, 201);
    const events = async () => (await api.get('/api/calendar/events?from=2026-11-29T00:00:00Z&to=2026-12-07T00:00:00Z')).body.events;
    const reminders = async () => (await api.get('/api/reminders?status=scheduled')).body.reminders.map((r: any) => [r.text, r.dueAt, r.eventId]);

    const [event] = await events();
    assert.deepEqual(event.reminders, [15]);
    assert.deepEqual(await reminders(), [['Dentist', '2026-12-01T12:45:00.000Z', event.id]]);

    // Changed in the other calendar app: a day earlier, an hour's notice.
    await put(vevent('dentist-1@example.test', '20261130T130000Z', '-PT1H'));
    server.clock.now = new Date(NOW.getTime() + 61_000);
    const [moved] = await events();
    assert.equal(moved.id, event.id);
    assert.deepEqual(moved.reminders, [60]);
    assert.deepEqual(await reminders(), [['Dentist', '2026-11-30T12:00:00.000Z', event.id]]);

    const gone = await fetch(objectUrl, { method: 'DELETE', headers: { authorization: auth } });
    assert.ok(gone.ok);
    server.clock.now = new Date(NOW.getTime() + 122_000);
    assert.deepEqual(await events(), []);
    assert.deepEqual(await reminders(), []);
  });
});
