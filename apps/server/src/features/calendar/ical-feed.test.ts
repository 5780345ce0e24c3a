import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import ICAL from 'ical.js';
import { buildICalFeed, type FeedEvent } from './ical-feed.ts';
import { parseICalendar } from '../../integrations/caldav/icalendar-parse.ts';
import { expandOccurrences } from './recurrence.ts';

const created = new Date('2026-11-29T09:00:00Z');
const base = { location: null, notes: null, createdAt: created, updatedAt: created, timeZone: 'Europe/Berlin' };
const events: FeedEvent[] = [
  { ...base, id: 'e1', title: 'Haircut, with; commas', start: new Date('2026-12-03T09:00:00Z'), end: new Date('2026-12-03T10:00:00Z'), allDay: false, rrule: null, location: 'Salon Anna', notes: 'Line one\nLine two — ünïcødé' },
  { ...base, id: 'e2', title: 'Piano lesson', start: new Date('2026-03-03T16:00:00Z'), end: new Date('2026-03-03T17:00:00Z'), allDay: false, rrule: 'FREQ=WEEKLY;BYDAY=TU;COUNT=6', exdates: [new Date('2026-03-17T16:00:00Z')] },
  { ...base, id: 'e3', title: "Mum's birthday", start: new Date('2026-12-11T23:00:00Z'), end: new Date('2026-12-12T23:00:00Z'), allDay: true, rrule: 'FREQ=YEARLY;UNTIL=20301212T225959Z' },
  { ...base, id: 'e4', title: 'Standup', start: new Date('2026-10-30T16:00:00Z'), end: new Date('2026-10-30T16:15:00Z'), allDay: false, rrule: 'FREQ=DAILY;UNTIL=20261103T075959Z', timeZone: 'America/Los_Angeles' },
];
const text = buildICalFeed(events, { name: 'LifeOS', timeZone: 'Europe/Berlin', uidDomain: 'lifeos.test' });

describe('iCalendar feed', () => {
  it('when the feed is built, then it is CRLF-delimited with lines folded at 75 octets', () => {
    assert.ok(text.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n'));
    assert.ok(text.endsWith('END:VCALENDAR\r\n'));
    for (const line of text.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75, line);
    assert.ok(!/[^\r]\n/.test(text));
  });

  it('when the feed is parsed back with ical.js, then every event and property survives', () => {
    const vcal = ICAL.Component.fromString(text);
    assert.equal(vcal.getFirstPropertyValue('version'), '2.0');
    assert.ok(String(vcal.getFirstPropertyValue('prodid')).includes('LifeOS'));
    const vevents = vcal.getAllSubcomponents('vevent');
    assert.equal(vevents.length, 4);
    for (const v of vevents) {
      assert.ok(v.getFirstPropertyValue('uid'), 'UID');
      assert.ok(v.getFirstProperty('dtstamp')?.toICALString().endsWith('Z'), 'DTSTAMP in UTC');
    }
    const first = new ICAL.Event(vevents[0]!);
    assert.equal(first.uid, 'e1@lifeos.test');
    assert.equal(first.summary, 'Haircut, with; commas');
    assert.equal(first.location, 'Salon Anna');
    assert.equal(first.description, 'Line one\nLine two — ünïcødé');
    assert.equal(first.startDate.toJSDate().toISOString(), '2026-12-03T09:00:00.000Z');
  });

  it('when a series is in the feed, then it carries a TZID with a VTIMEZONE and its RRULE', () => {
    const vcal = ICAL.Component.fromString(text);
    const zones = vcal.getAllSubcomponents('vtimezone').map((z) => z.getFirstPropertyValue('tzid'));
    assert.deepEqual(zones.sort(), ['America/Los_Angeles', 'Europe/Berlin']);
    const piano = vcal.getAllSubcomponents('vevent')[1]!;
    assert.equal(piano.getFirstProperty('dtstart')!.getParameter('tzid'), 'Europe/Berlin');
    assert.equal(String(piano.getFirstPropertyValue('rrule')), 'FREQ=WEEKLY;COUNT=6;BYDAY=TU');
    const birthday = vcal.getAllSubcomponents('vevent')[2]!;
    assert.equal((birthday.getFirstPropertyValue('dtstart') as ICAL.Time).isDate, true);
    assert.equal((birthday.getFirstPropertyValue('dtstart') as ICAL.Time).toString(), '2026-12-12');
  });

  it('when ical.js expands the feed across DST, then it agrees with our own expansion', () => {
    const vcal = ICAL.Component.fromString(text);
    for (const vtz of vcal.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(vtz);
    const check = (index: number, range: { start: Date; end: Date }) => {
      const event = new ICAL.Event(vcal.getAllSubcomponents('vevent')[index]!);
      const iterator = event.iterator();
      const theirs: string[] = [];
      for (let next = iterator.next(); next; next = iterator.next()) {
        const at = next.toJSDate();
        if (at >= range.end) break;
        const excluded = event.component.getAllProperties('exdate').some((p) => (p.getFirstValue() as ICAL.Time).toJSDate().getTime() === at.getTime());
        if (at >= range.start && !excluded) theirs.push(at.toISOString());
      }
      const ours = expandOccurrences([events[index]!], range).map((o) => o.start.toISOString());
      assert.deepEqual(theirs, ours);
      return ours;
    };
    const piano = check(1, { start: new Date('2026-03-01T00:00:00Z'), end: new Date('2026-05-01T00:00:00Z') });
    assert.deepEqual(piano, ['2026-03-03T16:00:00.000Z', '2026-03-10T16:00:00.000Z', '2026-03-24T16:00:00.000Z', '2026-03-31T15:00:00.000Z', '2026-04-07T15:00:00.000Z']);
    const standup = check(3, { start: new Date('2026-10-30T00:00:00Z'), end: new Date('2026-11-10T00:00:00Z') });
    assert.deepEqual(standup.at(-1), '2026-11-02T17:00:00.000Z');
  });

  it('when our own reader parses the feed, then it gets back the stored events', () => {
    const parsed = parseICalendar(text, 'UTC');
    assert.deepEqual(
      parsed.map((e) => [e.uid, e.title, e.start.toISOString(), e.end.toISOString(), e.allDay, e.rrule, e.timeZone]),
      [
        ['e1@lifeos.test', 'Haircut, with; commas', '2026-12-03T09:00:00.000Z', '2026-12-03T10:00:00.000Z', false, null, 'UTC'],
        ['e2@lifeos.test', 'Piano lesson', '2026-03-03T16:00:00.000Z', '2026-03-03T17:00:00.000Z', false, 'FREQ=WEEKLY;COUNT=6;BYDAY=TU', 'Europe/Berlin'],
        ["e3@lifeos.test", "Mum's birthday", '2026-12-12T00:00:00.000Z', '2026-12-13T00:00:00.000Z', true, 'FREQ=YEARLY;UNTIL=20301212', 'UTC'],
        ['e4@lifeos.test', 'Standup', '2026-10-30T16:00:00.000Z', '2026-10-30T16:15:00.000Z', false, 'FREQ=DAILY;UNTIL=20261103T075959Z', 'America/Los_Angeles'],
      ],
    );
    assert.deepEqual(parsed[1]!.exdates.map((d) => d.toISOString()), ['2026-03-17T16:00:00.000Z']);
  });

  it('when there are no events, then the feed is still a valid calendar', () => {
    const empty = buildICalFeed([], { name: 'LifeOS', timeZone: 'Asia/Kolkata', uidDomain: 'lifeos.test' });
    assert.equal(ICAL.Component.fromString(empty).getAllSubcomponents('vevent').length, 0);
  });
});
