import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ICAL from 'ical.js';
import { CalendarEvent } from '@lifeos/contract';
import { as, registerUser, request } from './helpers/http.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

// Sunday 29 Nov 2026, 10:00 in Berlin.
const NOW = new Date('2026-11-29T09:00:00Z');
let server: TestServer;
before(async () => {
  server = await startTestServer({ now: NOW });
});
after(() => server.close());

async function newUser(timezone = 'Europe/Berlin') {
  const user = await registerUser(server.url, { timezone });
  return { ...user, api: as(server.url, user.accessToken) };
}

describe('calendar REST contract', () => {
  it('when an event is created without an end, then it lasts one hour and is shaped as the contract says', async () => {
    const { api } = await newUser();
    const res = await api.post('/api/calendar/events', { title: 'Haircut', start: '2026-12-03T09:00:00.000Z', location: 'Salon Anna' });
    assert.equal(res.status, 201);
    const event = CalendarEvent.parse(res.body.event);
    assert.equal(event.end, '2026-12-03T10:00:00.000Z');
    assert.equal(event.source, 'local');
    assert.equal(event.allDay, false);
    assert.equal(event.location, 'Salon Anna');
    assert.equal(event.notes, null);
    assert.equal(event.timeZone, 'Europe/Berlin');
  });

  it('when end is before start, then it is a 400 naming end', async () => {
    const { api } = await newUser();
    const res = await api.post('/api/calendar/events', { title: 'Backwards', start: '2026-12-03T10:00:00Z', end: '2026-12-03T09:00:00Z' });
    assert.equal(res.status, 400);
    assert.equal(res.body.code, 'validation_failed');
    assert.equal(res.body.errors[0].path, 'end');
  });

  it('when a date cannot be parsed or the title is blank, then it is a 400', async () => {
    const { api } = await newUser();
    for (const body of [
      { title: 'X', start: 'next thursday' },
      { title: 'X', start: '2026-13-45T99:00:00Z' },
      { title: '   ', start: '2026-12-03T10:00:00Z' },
      { start: '2026-12-03T10:00:00Z' },
      { title: 'X', start: '2026-12-03T10:00:00Z', recurrence: 'FREQ=SOMETIMES' },
      { title: 'X', start: '2026-12-03T10:00:00Z', recurrence: 'FREQ=MINUTELY' },
    ]) {
      const res = await api.post('/api/calendar/events', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.code, 'validation_failed');
    }
  });

  it('when events are listed, then those overlapping the range come back sorted, series expanded', async () => {
    const { api } = await newUser();
    await api.post('/api/calendar/events', { title: 'Late', start: '2026-12-02T15:00:00Z' });
    await api.post('/api/calendar/events', { title: 'Early', start: '2026-12-01T08:00:00Z', end: '2026-12-01T08:30:00Z' });
    await api.post('/api/calendar/events', { title: 'Overnight', start: '2026-11-30T22:00:00Z', end: '2026-12-01T02:00:00Z' });
    await api.post('/api/calendar/events', { title: 'Outside', start: '2026-12-10T08:00:00Z' });
    const piano = await api.post('/api/calendar/events', { title: 'Piano', start: '2026-11-24T16:00:00Z', recurrence: 'FREQ=WEEKLY;BYDAY=TU' });
    assert.equal(piano.body.event.recurrence, 'FREQ=WEEKLY;BYDAY=TU');

    const res = await api.get('/api/calendar/events?from=2026-12-01T00:00:00.000Z&to=2026-12-03T00:00:00.000Z');
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.events.map((e: CalendarEvent) => [e.title, e.start]),
      [
        ['Overnight', '2026-11-30T22:00:00.000Z'],
        ['Early', '2026-12-01T08:00:00.000Z'],
        ['Piano', '2026-12-01T16:00:00.000Z'],
        ['Late', '2026-12-02T15:00:00.000Z'],
      ],
    );
    const piece = res.body.events[2];
    assert.equal(piece.id, piano.body.event.id);
    assert.equal(piece.end, '2026-12-01T17:00:00.000Z');
  });

  it('when no range is given, then the next 7 days from the start of today are listed', async () => {
    const { api } = await newUser();
    await api.post('/api/calendar/events', { title: 'Today', start: '2026-11-29T07:00:00Z' });
    await api.post('/api/calendar/events', { title: 'In a week', start: '2026-12-06T07:00:00Z' });
    const res = await api.get('/api/calendar/events');
    assert.deepEqual(res.body.events.map((e: CalendarEvent) => e.title), ['Today']);
  });

  it('when the range is backwards or too long, then it is a 400', async () => {
    const { api } = await newUser();
    assert.equal((await api.get('/api/calendar/events?from=2026-12-03T00:00:00Z&to=2026-12-01T00:00:00Z')).status, 400);
    assert.equal((await api.get('/api/calendar/events?from=2026-01-01T00:00:00Z&to=2028-01-01T00:00:00Z')).status, 400);
    assert.equal((await api.get('/api/calendar/events?from=yesterday')).status, 400);
  });

  it('when an event is patched, then a new start keeps its length and a bad end is refused', async () => {
    const { api } = await newUser();
    const created = await api.post('/api/calendar/events', { title: 'Call', start: '2026-12-12T13:30:00Z', end: '2026-12-12T13:50:00Z' });
    const id = created.body.event.id;
    const moved = await api.patch(`/api/calendar/events/${id}`, { start: '2026-12-12T14:00:00Z' });
    assert.equal(moved.status, 200);
    assert.equal(moved.body.event.end, '2026-12-12T14:20:00.000Z');
    const renamed = await api.patch(`/api/calendar/events/${id}`, { title: 'Call with the bank', location: null });
    assert.equal(renamed.body.event.title, 'Call with the bank');
    assert.equal(renamed.body.event.start, '2026-12-12T14:00:00.000Z');
    const bad = await api.patch(`/api/calendar/events/${id}`, { end: '2026-12-12T13:00:00Z' });
    assert.equal(bad.status, 400);
    assert.equal((await api.patch(`/api/calendar/events/${id}`, {})).status, 200);
  });

  it('when an event is deleted, then it is gone and a second delete is a 404', async () => {
    const { api } = await newUser();
    const created = await api.post('/api/calendar/events', { title: 'Bank call', start: '2026-12-12T13:30:00Z' });
    const id = created.body.event.id;
    assert.equal((await api.delete(`/api/calendar/events/${id}`)).status, 204);
    assert.equal((await api.delete(`/api/calendar/events/${id}`)).status, 404);
    assert.equal((await api.patch(`/api/calendar/events/${id}`, { title: 'x' })).status, 404);
  });

  it('when an all-day event is created, then it spans whole local days', async () => {
    const { api } = await newUser('Asia/Kolkata');
    const res = await api.post('/api/calendar/events', { title: 'Diwali trip', start: '2026-12-03T10:00:00Z', end: '2026-12-05T10:00:00Z', allDay: true });
    assert.equal(res.body.event.start, '2026-12-02T18:30:00.000Z');
    assert.equal(res.body.event.end, '2026-12-05T18:30:00.000Z');
    const single = await api.post('/api/calendar/events', { title: 'Holiday', start: '2026-12-07T00:00:00+05:30', allDay: true });
    assert.equal(single.body.event.end, '2026-12-07T18:30:00.000Z');
  });

  it('when there is no token, then every calendar endpoint is a 401', async () => {
    for (const [method, path] of [['GET', '/api/calendar/events'], ['POST', '/api/calendar/events'], ['GET', '/api/calendar/feed-url']]) {
      assert.equal((await request(server.url, method!, path!, method === 'GET' ? {} : { body: {} })).status, 401);
    }
  });
});

describe('calendar isolation between users', () => {
  it("when another user names an event's id, then it is answered as not found and never listed", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const created = await alice.api.post('/api/calendar/events', { title: 'Alice only', start: '2026-11-30T09:00:00Z' });
    const id = created.body.event.id;
    assert.equal((await bob.api.patch(`/api/calendar/events/${id}`, { title: 'mine now' })).status, 404);
    assert.equal((await bob.api.delete(`/api/calendar/events/${id}`)).status, 404);
    const bobs = await bob.api.get('/api/calendar/events?from=2026-11-29T00:00:00Z&to=2026-12-06T00:00:00Z');
    assert.deepEqual(bobs.body.events, []);
    const alices = await alice.api.get('/api/calendar/events?from=2026-11-29T00:00:00Z&to=2026-12-06T00:00:00Z');
    assert.deepEqual(alices.body.events.map((e: CalendarEvent) => e.title), ['Alice only']);
  });
});

describe('iCalendar feed', () => {
  const path = (url: string) => new URL(url).pathname;

  it('when the feed URL is asked for, then it serves valid iCalendar with the user\'s events', async () => {
    const { api } = await newUser();
    await api.post('/api/calendar/events', { title: 'Haircut', start: '2026-12-03T09:00:00Z' });
    await api.post('/api/calendar/events', { title: 'Piano lesson', start: '2026-12-01T16:00:00Z', recurrence: 'FREQ=WEEKLY;BYDAY=TU' });
    const res = await api.get('/api/calendar/feed-url');
    assert.equal(res.status, 200);
    assert.match(res.body.url, /^http:\/\/127\.0\.0\.1:\d+\/api\/calendar\/feed\/[A-Za-z0-9_-]{43}\.ics$/);
    const feed = await request(server.url, 'GET', path(res.body.url));
    assert.equal(feed.status, 200);
    assert.match(feed.headers.get('content-type') ?? '', /^text\/calendar/);
    const vcal = ICAL.Component.fromString(feed.body as string);
    const events = vcal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    assert.deepEqual(events.map((e) => e.summary).sort(), ['Haircut', 'Piano lesson']);
    const piano = events.find((e) => e.summary === 'Piano lesson')!;
    assert.equal(piano.component.getFirstProperty('dtstart')!.getParameter('tzid'), 'Europe/Berlin');
    assert.equal(String(piano.component.getFirstPropertyValue('rrule')), 'FREQ=WEEKLY;BYDAY=TU');
  });

  it('when a new feed URL is asked for, then the old one stops working', async () => {
    const { api } = await newUser();
    const first = (await api.get('/api/calendar/feed-url')).body.url;
    const second = (await api.get('/api/calendar/feed-url')).body.url;
    assert.notEqual(first, second);
    assert.equal((await request(server.url, 'GET', path(first))).status, 404);
    assert.equal((await request(server.url, 'GET', path(second))).status, 200);
  });

  it("when one user's feed is opened, then no other user's events are in it", async () => {
    const alice = await newUser();
    const bob = await newUser();
    await alice.api.post('/api/calendar/events', { title: 'Alice secret', start: '2026-12-03T09:00:00Z' });
    await bob.api.post('/api/calendar/events', { title: 'Bob plans', start: '2026-12-03T09:00:00Z' });
    const bobFeed = await request(server.url, 'GET', path((await bob.api.get('/api/calendar/feed-url')).body.url));
    assert.match(bobFeed.body as string, /Bob plans/);
    assert.doesNotMatch(bobFeed.body as string, /Alice secret/);
    assert.equal((await request(server.url, 'GET', '/api/calendar/feed/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.ics')).status, 404);
  });

  it('when the account is exported, then events are in it but the feed token is not', async () => {
    const { api } = await newUser();
    await api.post('/api/calendar/events', { title: 'Exported', start: '2026-12-03T09:00:00Z' });
    const url = (await api.get('/api/calendar/feed-url')).body.url as string;
    const res = await api.get('/api/account/export');
    assert.deepEqual(res.body.calendarEvents.map((e: CalendarEvent) => e.title), ['Exported']);
    assert.deepEqual(res.body.calendarFeed, { active: true });
    assert.ok(!JSON.stringify(res.body).includes(url.split('/').pop()!.replace('.ics', '')));
  });
});
