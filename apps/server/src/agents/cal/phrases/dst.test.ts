import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCalendarRequest, resolveMoveTarget } from './calendar-phrases.ts';
import { expandOccurrences } from '../../../features/calendar/recurrence.ts';
import { findFreeSlots } from '../../../features/calendar/free-slots.ts';

const at = (text: string, now: string, timeZone: string) => parseCalendarRequest(text, { now: new Date(now), timeZone });

describe('daylight saving time', () => {
  // Berlin: clocks go 02:00 -> 03:00 on Sun 29 Mar 2026. Clock: Fri 27 Mar, 10:00 CET.
  const berlinFriday = '2026-03-27T09:00:00Z';

  it('when an event is added across the spring change in Berlin, then it keeps its wall-clock time', () => {
    const before = at('add haircut tomorrow at 10', berlinFriday, 'Europe/Berlin') as { start: Date; end: Date };
    const after = at('yoga on Monday at 9', berlinFriday, 'Europe/Berlin') as { start: Date; end: Date };
    assert.equal(before.start.toISOString(), '2026-03-28T09:00:00.000Z'); // 10:00 CET = UTC+1
    assert.equal(after.start.toISOString(), '2026-03-30T07:00:00.000Z'); // 09:00 CEST = UTC+2
    assert.equal(after.end.getTime() - after.start.getTime(), 3_600_000);
  });

  it('when a weekly series crosses the spring change, then every occurrence is at 17:00 local', () => {
    const r = at('piano every Friday at 17:00', berlinFriday, 'Europe/Berlin') as { start: Date; end: Date; recurrence: string };
    const occurrences = expandOccurrences(
      [{ start: r.start, end: r.end, allDay: false, rrule: r.recurrence, timeZone: 'Europe/Berlin' }],
      { start: new Date('2026-03-20T00:00:00Z'), end: new Date('2026-04-11T00:00:00Z') },
    );
    assert.deepEqual(
      occurrences.map((o) => o.start.toISOString()),
      ['2026-03-27T16:00:00.000Z', '2026-04-03T15:00:00.000Z', '2026-04-10T15:00:00.000Z'],
    );
  });

  it('when "tomorrow" is the 23-hour day, then the agenda covers exactly that day', () => {
    const r = at("what's on on Sunday", berlinFriday, 'Europe/Berlin') as { range: { start: Date; end: Date } };
    assert.equal(r.range.start.toISOString(), '2026-03-28T23:00:00.000Z');
    assert.equal(r.range.end.toISOString(), '2026-03-29T22:00:00.000Z');
  });

  it('when an event is moved to a day after the change, then it keeps its clock time', () => {
    const friday10 = new Date('2026-03-27T09:00:00Z');
    const moved = resolveMoveTarget(friday10, { date: { year: 2026, month: 3, day: 30 }, time: null }, 'Europe/Berlin');
    assert.equal(moved.toISOString(), '2026-03-30T08:00:00.000Z');
  });

  it('when a time falls in the skipped hour, then it moves forward by the gap', () => {
    const r = at('night bus on Sunday at 02:30', berlinFriday, 'Europe/Berlin') as { start: Date };
    assert.equal(r.start.toISOString(), '2026-03-29T01:30:00.000Z'); // 03:30 CEST
  });

  // Los Angeles: clocks go 02:00 -> 01:00 on Sun 1 Nov 2026. Clock: Fri 30 Oct, 10:00 PDT.
  const laFriday = '2026-10-30T17:00:00Z';

  it('when an event is added across the autumn change in Los Angeles, then it keeps its wall-clock time', () => {
    const r = at('add standup on Monday at 9', laFriday, 'America/Los_Angeles') as { start: Date };
    assert.equal(r.start.toISOString(), '2026-11-02T17:00:00.000Z'); // 09:00 PST = UTC-8
  });

  it('when a daily series crosses the autumn change, then it stays at 08:30 local', () => {
    const r = at('walk the dog every day at 8:30am', laFriday, 'America/Los_Angeles') as { start: Date; end: Date; recurrence: string };
    const occurrences = expandOccurrences(
      [{ start: r.start, end: r.end, allDay: false, rrule: r.recurrence, timeZone: 'America/Los_Angeles' }],
      { start: new Date('2026-10-31T00:00:00Z'), end: new Date('2026-11-03T00:00:00Z') },
    );
    assert.deepEqual(
      occurrences.map((o) => o.start.toISOString()),
      ['2026-10-31T15:30:00.000Z', '2026-11-01T16:30:00.000Z', '2026-11-02T16:30:00.000Z'],
    );
  });

  it('when free time is sought on the 25-hour day, then working hours are local hours', () => {
    const slots = findFreeSlots({
      busy: [],
      range: { start: new Date('2026-11-01T07:00:00Z'), end: new Date('2026-11-02T08:00:00Z') },
      timeZone: 'America/Los_Angeles',
      dayHours: { from: 9, to: 18 },
    });
    assert.deepEqual(slots.map((s) => [s.start.toISOString(), s.end.toISOString()]), [['2026-11-01T17:00:00.000Z', '2026-11-02T02:00:00.000Z']]);
  });

  it('when an all-day series crosses a change, then each occurrence is one whole local day', () => {
    const r = at('bin day every Saturday', '2026-10-20T10:00:00Z', 'Europe/Berlin') as { start: Date; end: Date; recurrence: string; allDay: boolean };
    assert.equal(r.allDay, true);
    const occurrences = expandOccurrences(
      [{ start: r.start, end: r.end, allDay: true, rrule: r.recurrence, timeZone: 'Europe/Berlin' }],
      { start: new Date('2026-10-23T00:00:00Z'), end: new Date('2026-11-02T00:00:00Z') },
    );
    assert.deepEqual(
      occurrences.map((o) => [o.start.toISOString(), o.end.toISOString()]),
      [
        ['2026-10-23T22:00:00.000Z', '2026-10-24T22:00:00.000Z'],
        ['2026-10-30T23:00:00.000Z', '2026-10-31T23:00:00.000Z'],
      ],
    );
  });
});
