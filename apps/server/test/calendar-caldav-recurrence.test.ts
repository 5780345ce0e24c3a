// Repeat rules read from a CalDAV server (radicale) get the same guard as the user's own:
// a rule that cannot be expanded safely makes the event a single one, never a slow listing.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { CalendarEvent } from '@lifeos/contract';
import { connectCalDav } from '../src/integrations/caldav/caldav.client.ts';
import { as, registerUser } from './helpers/http.ts';
import { startRadicale, type RadicaleServer } from './helpers/radicale.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

const NOW = new Date('2026-12-01T09:00:00Z');
const tz = 'Europe/Berlin';
const missing = existsSync('/usr/bin/radicale') ? false : 'radicale is not installed (apt-get install -y radicale)';
if (missing && process.env.CI !== 'true') console.log(`# skipped: ${missing}`);

describe('repeat rules from a CalDAV calendar', { skip: process.env.CI === 'true' ? false : missing }, () => {
  let radicale: RadicaleServer | undefined;
  let server: TestServer | undefined;
  before(async () => {
    radicale = await startRadicale();
    server = await startTestServer({ now: NOW });
  });
  after(async () => {
    await Promise.all([server?.close(), radicale?.stop()]);
  });

  it('when the calendar holds rules beyond the limits, then the listing is quick and shows each of them as a single event', async () => {
    const dav = await connectCalDav({ url: radicale!.url, username: radicale!.username, password: radicale!.password }, { timeZone: tz, hosts: { allowPrivate: true } });
    const calendarUrl = (await dav.createCalendar('Shared')).url;
    const at = (day: number, hour: number) => new Date(Date.UTC(2026, 11, day, hour));
    const remote: Array<[string, Date, string]> = [
      // Rules the CalDAV server itself can answer quickly, but this calendar does not expand.
      ['Every minute', at(2, 8), 'FREQ=MINUTELY;COUNT=3'],
      ['Hourly', at(2, 7), 'FREQ=HOURLY;COUNT=3'],
      ['Twice an hour', at(2, 9), 'FREQ=DAILY;BYMINUTE=0,30'],
      ['Five thousand days', at(2, 10), 'FREQ=DAILY;COUNT=5000'],
      ['Choir', at(2, 18), 'FREQ=WEEKLY;BYDAY=WE'],
      ['Birthday', new Date(Date.UTC(1900, 11, 3, 11)), 'FREQ=YEARLY'],
    ];
    for (const [title, start, rrule] of remote) {
      await dav.createEvent(calendarUrl, { title, start, end: new Date(start.getTime() + 3_600_000), allDay: false, rrule, timeZone: tz });
    }
    const api = as(server!.url, (await registerUser(server!.url, { timezone: tz })).accessToken);
    const connected = await api.post('/api/connections/caldav', { url: radicale!.url, username: radicale!.username, password: radicale!.password });
    assert.equal(connected.status, 201, JSON.stringify(connected.body));

    const started = performance.now();
    const listed = await api.get('/api/calendar/events?from=2026-12-01T00:00:00.000Z&to=2027-12-01T00:00:00.000Z');
    const ms = performance.now() - started;
    assert.equal(listed.status, 200);
    const count = (title: string) => listed.body.events.filter((e: CalendarEvent) => e.title === title).length;
    assert.equal(count('Every minute'), 1);
    assert.equal(count('Hourly'), 3, 'an hourly rule is within the limits');
    assert.equal(count('Twice an hour'), 1);
    assert.equal(count('Five thousand days'), 1);
    assert.equal(count('Choir'), 52, 'a sound rule is still expanded');
    assert.equal(count('Birthday'), 1, 'a yearly rule from 1900 is expanded from the range');
    const single = listed.body.events.find((e: CalendarEvent) => e.title === 'Twice an hour');
    assert.equal(single.recurrence, null);
    assert.ok(ms < 2_000, `listing took ${Math.round(ms)} ms`);
  });
});
