import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conflictsWith, findFreeSlots } from './free-slots.ts';

const tz = 'Europe/Berlin';
const d = (s: string) => new Date(s);
const spans = (list: Array<{ start: Date; end: Date }>) => list.map((s) => `${s.start.toISOString().slice(11, 16)}-${s.end.toISOString().slice(11, 16)}`);

// Thursday 3 Dec 2026 in Berlin (UTC+1): 09:00 local = 08:00Z.
const busy = [
  { title: 'Haircut', start: d('2026-12-03T09:00:00Z'), end: d('2026-12-03T10:00:00Z') },
  { title: 'Lunch', start: d('2026-12-03T11:00:00Z'), end: d('2026-12-03T12:00:00Z') },
  { title: 'Overlapping', start: d('2026-12-03T11:30:00Z'), end: d('2026-12-03T12:15:00Z') },
  { title: 'Holiday', start: d('2026-12-02T23:00:00Z'), end: d('2026-12-03T23:00:00Z'), allDay: true },
];

describe('free slots', () => {
  it('when a day has events, then the gaps inside working hours are the free slots', () => {
    const slots = findFreeSlots({ busy, range: { start: d('2026-12-02T23:00:00Z'), end: d('2026-12-03T23:00:00Z') }, timeZone: tz });
    assert.deepEqual(spans(slots), ['08:00-09:00', '10:00-11:00', '12:15-17:00']);
  });

  it('when a gap is shorter than asked for, then it is not offered', () => {
    const slots = findFreeSlots({ busy, range: { start: d('2026-12-02T23:00:00Z'), end: d('2026-12-03T23:00:00Z') }, timeZone: tz, minMinutes: 90 });
    assert.deepEqual(spans(slots), ['12:15-17:00']);
  });

  it('when the day is already under way, then nothing before now is offered', () => {
    const slots = findFreeSlots({ busy, range: { start: d('2026-12-02T23:00:00Z'), end: d('2026-12-03T23:00:00Z') }, timeZone: tz, notBefore: d('2026-12-03T10:20:00Z') });
    assert.deepEqual(spans(slots), ['10:20-11:00', '12:15-17:00']);
  });

  it('when a part of the day is asked for, then only its hours count', () => {
    const slots = findFreeSlots({ busy, range: { start: d('2026-12-02T23:00:00Z'), end: d('2026-12-03T23:00:00Z') }, timeZone: tz, dayHours: { from: 12, to: 18 } });
    assert.deepEqual(spans(slots), ['12:15-17:00']);
  });

  it('when a week is searched with weekends skipped, then Saturday and Sunday have no slots', () => {
    const slots = findFreeSlots({ busy: [], range: { start: d('2026-11-29T23:00:00Z'), end: d('2026-12-06T23:00:00Z') }, timeZone: tz, skipWeekends: true });
    assert.equal(slots.length, 5);
  });

  it('when a time is checked, then the overlapping events are named and all-day ones ignored', () => {
    const hits = conflictsWith(busy, d('2026-12-03T09:30:00Z'), d('2026-12-03T11:45:00Z'));
    assert.deepEqual(hits.map((b) => b.title), ['Haircut', 'Lunch', 'Overlapping']);
    assert.deepEqual(conflictsWith(busy, d('2026-12-03T10:00:00Z'), d('2026-12-03T11:00:00Z')), []);
  });
});
