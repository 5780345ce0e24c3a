import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GoogleCalendarError, googleCalendarClient } from './google-calendar.client.ts';
import { startFakeGoogleCalendar, type FakeGoogleCalendar } from '../../../test/helpers/google-calendar-server.ts';

describe('Google Calendar client', () => {
  let google: FakeGoogleCalendar;
  before(async () => {
    google = await startFakeGoogleCalendar({ token: 'ya29.test-token', pageSize: 2 });
  });
  after(async () => google?.close());

  const client = () => googleCalendarClient({ getAccessToken: async () => google.token, rootUrl: google.rootUrl, timeZone: 'Europe/Berlin' });

  it('when calendars are listed, then the primary calendar is marked', async () => {
    const calendars = await client().listCalendars();
    assert.deepEqual(calendars, [{ id: 'primary', name: 'me@example.test', primary: true, canWrite: true, timeZone: 'Europe/Berlin' }]);
  });

  it('when events are created, listed, patched and deleted, then each call has the documented shape', async () => {
    const c = client();
    const haircut = await c.createEvent('primary', { title: 'Haircut', start: new Date('2026-12-03T09:00:00Z'), end: new Date('2026-12-03T10:00:00Z'), location: 'Salon' });
    await c.createEvent('primary', { title: 'Party', start: new Date('2026-12-04T23:00:00Z'), end: new Date('2026-12-05T23:00:00Z'), allDay: true });
    await c.createEvent('primary', { title: 'Gym', start: new Date('2026-12-03T17:00:00Z'), end: new Date('2026-12-03T18:00:00Z') });
    const stored = google.events.get('primary')!;
    assert.deepEqual(stored[0]!.start, { dateTime: '2026-12-03T09:00:00.000Z', timeZone: 'Europe/Berlin', date: null });
    assert.deepEqual(stored[1]!.start, { date: '2026-12-05', dateTime: null });

    const listed = await c.listEvents('primary', { start: new Date('2026-12-01T00:00:00Z'), end: new Date('2026-12-08T00:00:00Z') });
    assert.deepEqual(listed.map((e) => [e.title, e.start.toISOString(), e.allDay]), [
      ['Haircut', '2026-12-03T09:00:00.000Z', false],
      ['Gym', '2026-12-03T17:00:00.000Z', false],
      ['Party', '2026-12-04T23:00:00.000Z', true],
    ]);
    const listCalls = google.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/events'));
    assert.equal(listCalls.length, 2, 'follows nextPageToken');
    assert.equal(listCalls[0]!.query.singleEvents, 'true');
    assert.equal(listCalls[0]!.query.timeMin, '2026-12-01T00:00:00.000Z');

    const moved = await c.updateEvent('primary', haircut.id, { start: new Date('2026-12-03T10:00:00Z'), end: new Date('2026-12-03T11:00:00Z') });
    assert.equal(moved.start.toISOString(), '2026-12-03T10:00:00.000Z');
    assert.equal(moved.location, 'Salon');

    await c.deleteEvent('primary', haircut.id);
    await assert.rejects(c.deleteEvent('primary', haircut.id), (err: unknown) => err instanceof GoogleCalendarError && err.reason === 'not_found');
  });

  it('when a series is created, then the RRULE goes in recurrence', async () => {
    await client().createEvent('primary', { title: 'Piano', start: new Date('2026-12-01T16:00:00Z'), end: new Date('2026-12-01T17:00:00Z'), rrule: 'FREQ=WEEKLY;BYDAY=TU' });
    assert.deepEqual(google.events.get('primary')!.at(-1)!.recurrence, ['RRULE:FREQ=WEEKLY;BYDAY=TU']);
  });

  it('when the access token is refused, then the error says so', async () => {
    const bad = googleCalendarClient({ getAccessToken: async () => 'expired', rootUrl: google.rootUrl, timeZone: 'UTC' });
    await assert.rejects(bad.listCalendars(), (err: unknown) => err instanceof GoogleCalendarError && err.reason === 'auth' && err.status === 401);
  });
});
