import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandOccurrences, nextOccurrence, occurrencesOf, parseRRule } from './recurrence.ts';

const tz = 'Europe/Berlin';
const range = (a: string, b: string) => ({ start: new Date(a), end: new Date(b) });
const starts = (list: Array<{ start: Date }>) => list.map((o) => o.start.toISOString());
// Tuesday 1 Dec 2026, 17:00–18:00 Berlin.
const piano = { start: new Date('2026-12-01T16:00:00Z'), end: new Date('2026-12-01T17:00:00Z'), allDay: false, timeZone: tz };

describe('recurrence expansion', () => {
  it('when a weekly series is listed for a range, then only occurrences in the range come back', () => {
    const list = occurrencesOf({ ...piano, rrule: 'FREQ=WEEKLY;BYDAY=TU' }, range('2026-12-07T00:00:00Z', '2026-12-23T00:00:00Z'));
    assert.deepEqual(starts(list), ['2026-12-08T16:00:00.000Z', '2026-12-15T16:00:00.000Z', '2026-12-22T16:00:00.000Z']);
    assert.equal(list[0]!.end.toISOString(), '2026-12-08T17:00:00.000Z');
  });

  it('when a series has COUNT, then it stops after that many', () => {
    const list = occurrencesOf({ ...piano, rrule: 'FREQ=WEEKLY;BYDAY=TU;COUNT=3' }, range('2026-11-01T00:00:00Z', '2027-03-01T00:00:00Z'));
    assert.equal(list.length, 3);
  });

  it('when a series has UNTIL in UTC, then the last occurrence is on or before it', () => {
    const list = occurrencesOf({ ...piano, rrule: 'FREQ=WEEKLY;BYDAY=TU;UNTIL=20261215T225959Z' }, range('2026-11-01T00:00:00Z', '2027-03-01T00:00:00Z'));
    assert.deepEqual(starts(list), ['2026-12-01T16:00:00.000Z', '2026-12-08T16:00:00.000Z', '2026-12-15T16:00:00.000Z']);
  });

  it('when a series has INTERVAL and several weekdays, then every other week both days occur', () => {
    const list = occurrencesOf({ ...piano, rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH' }, range('2026-12-01T00:00:00Z', '2026-12-20T00:00:00Z'));
    assert.deepEqual(starts(list), ['2026-12-01T16:00:00.000Z', '2026-12-03T16:00:00.000Z', '2026-12-15T16:00:00.000Z', '2026-12-17T16:00:00.000Z']);
  });

  it('when a monthly series is "first Monday", then it lands on the first Monday of each month', () => {
    const event = { start: new Date('2026-12-07T18:00:00Z'), end: new Date('2026-12-07T19:00:00Z'), allDay: false, timeZone: tz, rrule: 'FREQ=MONTHLY;BYDAY=1MO' };
    assert.deepEqual(starts(occurrencesOf(event, range('2026-12-01T00:00:00Z', '2027-03-01T00:00:00Z'))), [
      '2026-12-07T18:00:00.000Z',
      '2027-01-04T18:00:00.000Z',
      '2027-02-01T18:00:00.000Z',
    ]);
  });

  it('when a monthly series is on the 31st, then months without one are skipped', () => {
    const event = { start: new Date('2026-12-31T08:00:00Z'), end: new Date('2026-12-31T09:00:00Z'), allDay: false, timeZone: tz, rrule: 'FREQ=MONTHLY;BYMONTHDAY=31' };
    assert.deepEqual(starts(occurrencesOf(event, range('2026-12-01T00:00:00Z', '2027-04-01T00:00:00Z'))), ['2026-12-31T08:00:00.000Z', '2027-01-31T08:00:00.000Z', '2027-03-31T07:00:00.000Z']);
  });

  it('when an occurrence was removed, then it is not listed', () => {
    const list = occurrencesOf(
      { ...piano, rrule: 'FREQ=WEEKLY;BYDAY=TU', exdates: [new Date('2026-12-08T16:00:00Z')] },
      range('2026-12-01T00:00:00Z', '2026-12-16T00:00:00Z'),
    );
    assert.deepEqual(starts(list), ['2026-12-01T16:00:00.000Z', '2026-12-15T16:00:00.000Z']);
  });

  it('when an all-day series spans two days, then each occurrence spans two local days', () => {
    const event = { start: new Date('2026-12-04T23:00:00Z'), end: new Date('2026-12-06T23:00:00Z'), allDay: true, timeZone: tz, rrule: 'FREQ=WEEKLY' };
    const list = occurrencesOf(event, range('2026-12-10T00:00:00Z', '2026-12-14T00:00:00Z'));
    assert.deepEqual(list.map((o) => [o.start.toISOString(), o.end.toISOString()]), [['2026-12-11T23:00:00.000Z', '2026-12-13T23:00:00.000Z']]);
  });

  it('when a single event started before the range and is still running, then it is listed', () => {
    const event = { start: new Date('2026-12-01T22:00:00Z'), end: new Date('2026-12-02T02:00:00Z'), allDay: false, timeZone: tz, rrule: null };
    assert.equal(occurrencesOf(event, range('2026-12-02T00:00:00Z', '2026-12-03T00:00:00Z')).length, 1);
    assert.equal(occurrencesOf(event, range('2026-12-02T02:00:00Z', '2026-12-03T00:00:00Z')).length, 0);
  });

  it('when a series occurrence is under way at the range start, then it is listed', () => {
    const list = occurrencesOf({ ...piano, rrule: 'FREQ=WEEKLY;BYDAY=TU' }, range('2026-12-08T16:30:00Z', '2026-12-08T20:00:00Z'));
    assert.deepEqual(starts(list), ['2026-12-08T16:00:00.000Z']);
  });

  it('when several events are expanded, then they come back sorted by start', () => {
    const single = { start: new Date('2026-12-08T08:00:00Z'), end: new Date('2026-12-08T09:00:00Z'), allDay: false, timeZone: tz, rrule: null };
    const list = expandOccurrences([{ ...piano, rrule: 'FREQ=DAILY;COUNT=10' }, single], range('2026-12-08T00:00:00Z', '2026-12-09T00:00:00Z'));
    assert.deepEqual(starts(list), ['2026-12-08T08:00:00.000Z', '2026-12-08T16:00:00.000Z']);
  });

  it('when the next occurrence is asked for, then the first one ending after the instant comes back', () => {
    const next = nextOccurrence({ ...piano, rrule: 'FREQ=WEEKLY;BYDAY=TU' }, new Date('2026-12-09T00:00:00Z'));
    assert.equal(next?.start.toISOString(), '2026-12-15T16:00:00.000Z');
  });

  it('when an RRULE is malformed or more frequent than daily, then it is refused', () => {
    assert.throws(() => parseRRule('BYDAY=TU'), RangeError);
    assert.throws(() => parseRRule('FREQ=SOMETIMES'), RangeError);
    assert.throws(() => parseRRule('FREQ=HOURLY'), RangeError);
    assert.doesNotThrow(() => parseRRule('RRULE:FREQ=WEEKLY;BYDAY=MO'));
  });
});
