import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CalDavError, connectCalDav, type CalDavClient } from './caldav.client.ts';

// The test servers run on loopback.
const hosts = { allowPrivate: true };
import { startRadicale, type RadicaleServer } from '../../../test/helpers/radicale.ts';
import { skipWithout } from '../../../test/helpers/system-servers.ts';

const tz = 'Europe/Berlin';

describe('CalDAV client against radicale', { skip: await skipWithout('radicale') }, () => {
  let server: RadicaleServer;
  let client: CalDavClient;
  let calendarUrl: string;

  before(async () => {
    server = await startRadicale();
    client = await connectCalDav({ url: server.url, username: server.username, password: server.password }, { timeZone: tz, hosts });
    calendarUrl = (await client.createCalendar('Personal')).url;
  });
  after(async () => server?.stop());

  it('when the password is wrong, then login fails with an auth error', async () => {
    await assert.rejects(
      connectCalDav({ url: server.url, username: server.username, password: 'wrong' }, { timeZone: tz, hosts }),
      (err: unknown) => err instanceof CalDavError && err.reason === 'auth',
    );
  });

  it('when nothing listens at the address, then login fails as unreachable', async () => {
    await assert.rejects(
      connectCalDav({ url: 'http://127.0.0.1:9/', username: 'x', password: 'y' }, { timeZone: tz, hosts }),
      (err: unknown) => err instanceof CalDavError && err.reason === 'unreachable',
    );
  });

  it('when calendars are listed, then the user sees their calendar by name', async () => {
    const calendars = await client.listCalendars();
    assert.deepEqual(calendars.map((c) => c.displayName), ['Personal']);
  });

  it('when an event is created, moved and deleted, then the server reflects each step', async () => {
    const created = await client.createEvent(calendarUrl, {
      title: 'Haircut',
      start: new Date('2026-12-03T09:00:00Z'),
      end: new Date('2026-12-03T10:00:00Z'),
      allDay: false,
      location: 'Salon Anna',
      timeZone: tz,
    });
    assert.equal(created.title, 'Haircut');
    assert.ok(created.etag);

    const week = { start: new Date('2026-11-30T00:00:00Z'), end: new Date('2026-12-07T00:00:00Z') };
    let listed = await client.listEvents(calendarUrl, week);
    assert.deepEqual(listed.map((e) => [e.title, e.start.toISOString(), e.location]), [['Haircut', '2026-12-03T09:00:00.000Z', 'Salon Anna']]);

    const moved = await client.updateEvent(created, { start: new Date('2026-12-03T10:00:00Z'), end: new Date('2026-12-03T11:00:00Z') });
    assert.equal(moved.start.toISOString(), '2026-12-03T10:00:00.000Z');
    assert.equal(moved.location, 'Salon Anna');
    assert.notEqual(moved.etag, created.etag);

    await client.deleteEvent(moved);
    listed = await client.listEvents(calendarUrl, week);
    assert.deepEqual(listed, []);
  });

  it('when a series is stored, then a range query finds it and its rule comes back', async () => {
    const series = await client.createEvent(calendarUrl, {
      title: 'Piano lesson',
      start: new Date('2026-12-01T16:00:00Z'),
      end: new Date('2026-12-01T17:00:00Z'),
      allDay: false,
      rrule: 'FREQ=WEEKLY;BYDAY=TU',
      timeZone: tz,
    });
    const later = await client.listEvents(calendarUrl, { start: new Date('2027-03-01T00:00:00Z'), end: new Date('2027-03-08T00:00:00Z') });
    assert.deepEqual(later.map((e) => [e.title, e.rrule, e.timeZone]), [['Piano lesson', 'FREQ=WEEKLY;BYDAY=TU', tz]]);
    await client.deleteEvent(series);
  });

  it('when an event made by another app is moved, then properties this client does not know are kept', async () => {
    const ics = [
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Other//App//EN',
      'BEGIN:VTIMEZONE', 'TZID:Europe/Berlin',
      'BEGIN:STANDARD', 'DTSTART:19701025T030000', 'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU', 'TZOFFSETFROM:+0200', 'TZOFFSETTO:+0100', 'END:STANDARD',
      'BEGIN:DAYLIGHT', 'DTSTART:19700329T020000', 'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU', 'TZOFFSETFROM:+0100', 'TZOFFSETTO:+0200', 'END:DAYLIGHT',
      'END:VTIMEZONE',
      'BEGIN:VEVENT', 'UID:other-app-1', 'DTSTAMP:20261120T100000Z', 'DTSTART;TZID=Europe/Berlin:20261204T090000', 'DURATION:PT45M',
      'SUMMARY:Dentist', 'ATTENDEE;CN=Dr Who:mailto:dr@example.test', 'SEQUENCE:2',
      'BEGIN:VALARM', 'ACTION:DISPLAY', 'DESCRIPTION:Dentist', 'TRIGGER:-PT30M', 'END:VALARM',
      'END:VEVENT', 'END:VCALENDAR', '',
    ].join('\r\n');
    const auth = `Basic ${Buffer.from(`${server.username}:${server.password}`).toString('base64')}`;
    const put = await fetch(new URL('other-app-1.ics', calendarUrl), { method: 'PUT', headers: { authorization: auth, 'content-type': 'text/calendar' }, body: ics });
    assert.equal(put.status, 201);

    const [event] = await client.listEvents(calendarUrl, { start: new Date('2026-12-04T00:00:00Z'), end: new Date('2026-12-05T00:00:00Z') });
    assert.ok(event);
    assert.deepEqual([event.title, event.start.toISOString(), event.end.toISOString(), event.timeZone], ['Dentist', '2026-12-04T08:00:00.000Z', '2026-12-04T08:45:00.000Z', tz]);

    const moved = await client.updateEvent(event, { start: new Date('2026-12-04T10:00:00Z') });
    assert.equal(moved.end.toISOString(), '2026-12-04T10:45:00.000Z');
    const raw = await (await fetch(new URL('other-app-1.ics', calendarUrl), { headers: { authorization: auth } })).text();
    assert.match(raw, /DTSTART;TZID=Europe\/Berlin:20261204T110000/);
    assert.match(raw, /BEGIN:VALARM/);
    assert.match(raw, /ATTENDEE;CN=Dr Who:mailto:dr@example\.test/);
    assert.match(raw, /SEQUENCE:3/);

    await client.deleteEvent(moved);
    await assert.rejects(client.updateEvent(moved, { title: 'gone' }), (err: unknown) => err instanceof CalDavError && err.reason === 'not_found');
  });

  it('when an all-day event is stored, then it comes back as a whole local day', async () => {
    const created = await client.createEvent(calendarUrl, {
      title: "Mum's birthday",
      start: new Date('2026-12-11T23:00:00Z'),
      end: new Date('2026-12-12T23:00:00Z'),
      allDay: true,
      timeZone: tz,
    });
    assert.equal(created.allDay, true);
    assert.equal(created.start.toISOString(), '2026-12-11T23:00:00.000Z');
    assert.equal(created.end.toISOString(), '2026-12-12T23:00:00.000Z');
    await client.deleteEvent(created);
  });
});
