import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rrule from 'rrule';
import { expandOccurrences, expandWithinBudget, firstStart, nextOccurrence, occurrencesOf, parseRRule, RECURRENCE_LIMITS, RecurrenceBudget, safeRecurrence, validateRecurrence } from './recurrence.ts';
import { fromFloating, toFloating } from './zoned-time.ts';

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

  it('when an RRULE is malformed or more frequent than hourly, then it is refused', () => {
    assert.throws(() => parseRRule('BYDAY=TU'), RangeError);
    assert.throws(() => parseRRule('FREQ=SOMETIMES'), RangeError);
    assert.throws(() => parseRRule('FREQ=MINUTELY'), RangeError);
    assert.throws(() => parseRRule('FREQ=SECONDLY'), RangeError);
    assert.doesNotThrow(() => parseRRule('FREQ=HOURLY;INTERVAL=2'));
    assert.doesNotThrow(() => parseRRule('RRULE:FREQ=WEEKLY;BYDAY=MO'));
  });

  it('when a rule asks for several minutes or seconds of the hour, or too large a COUNT, then it is refused', () => {
    assert.throws(() => parseRRule('FREQ=DAILY;BYMINUTE=0,1,2'), /BYMINUTE/);
    assert.throws(() => parseRRule('FREQ=DAILY;BYSECOND=0,30'), /BYSECOND/);
    assert.throws(() => parseRRule(`FREQ=DAILY;COUNT=${RECURRENCE_LIMITS.maxCount + 1}`), /COUNT/);
    assert.doesNotThrow(() => parseRRule('FREQ=DAILY;BYHOUR=9;BYMINUTE=30'));
  });
});

describe('recurrence limits', () => {
  const now = new Date('2026-12-01T12:00:00Z');
  const check = (rule: string, start = piano.start) => () => validateRecurrence(rule, start, tz, now);

  it('when a rule never or almost never matches, then it is refused', () => {
    assert.throws(check('FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30'), /too rarely/);
    assert.throws(check('FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=31'), /too rarely/);
    assert.throws(check('FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=31'), /too rarely/);
    assert.throws(check('FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO'), /too rarely/);
  });

  it('when a series would start centuries ago, then it is refused, and a century ago it is kept', () => {
    assert.throws(check('FREQ=DAILY', new Date('1000-01-01T06:00:00Z')), /100 years/);
    assert.equal(check('FREQ=YEARLY', new Date('1930-05-01T06:00:00Z'))(), 'FREQ=YEARLY');
  });

  it('when a COUNT series or an UNTIL ends before it begins or runs too sparsely, then it is refused', () => {
    assert.throws(check('FREQ=WEEKLY;UNTIL=20261101T000000Z'), /no occurrence/);
    assert.throws(check('FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;COUNT=100'), /COUNT/);
    assert.equal(check('rrule:freq=weekly;byday=tu;count=10')(), 'FREQ=WEEKLY;BYDAY=TU;COUNT=10');
  });

  it('when a connected calendar brings a rule that cannot be expanded safely, then the event is kept as a single one', () => {
    assert.equal(safeRecurrence('FREQ=MINUTELY', piano.start, tz), null);
    assert.equal(safeRecurrence('FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30', piano.start, tz), null);
    assert.equal(safeRecurrence('FREQ=YEARLY', new Date('1950-03-01T10:00:00Z'), tz), 'FREQ=YEARLY');
  });

  it('when a connected calendar brings many costly rules, then checking them all stays within one budget', () => {
    const shared = new RecurrenceBudget(RECURRENCE_LIMITS.syncWork);
    const kept = Array.from({ length: 50 }, () => safeRecurrence('FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30', piano.start, tz, shared));
    assert.ok(kept.every((r) => r === null));
    assert.ok(shared.exhausted, 'the checks stopped once the budget of the sync was spent');
    assert.equal(safeRecurrence('FREQ=WEEKLY', piano.start, tz, shared), null, 'after that, rules are kept as single events');
    assert.equal(safeRecurrence('FREQ=WEEKLY', piano.start, tz, new RecurrenceBudget(RECURRENCE_LIMITS.syncWork)), 'FREQ=WEEKLY');
  });

  it('when a stored rule never matches, then listing a year of it stops within the budget', () => {
    const budget = new RecurrenceBudget();
    const list = occurrencesOf({ ...piano, rrule: 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30' }, range('2026-12-01T00:00:00Z', '2027-12-01T00:00:00Z'), budget);
    assert.deepEqual(list, []);
    assert.equal(budget.exhausted, false, 'a year of daily steps fits in one request');
    assert.equal(firstStart('FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30', piano.start, piano.start, tz), null);
  });

  it('when a series began long ago, then expanding from the range gives what expanding from its first day gives', () => {
    const old = new Date('1931-03-10T07:30:00Z');
    const rules = [
      'FREQ=HOURLY;INTERVAL=5',
      'FREQ=HOURLY;INTERVAL=7;BYHOUR=9,10,11,12,13,14,15,16,17',
      'FREQ=DAILY',
      'FREQ=DAILY;INTERVAL=3',
      'FREQ=DAILY;BYHOUR=8,20',
      'FREQ=WEEKLY;BYDAY=TU,TH',
      'FREQ=WEEKLY;INTERVAL=2',
      'FREQ=WEEKLY;INTERVAL=3;BYDAY=SU;WKST=SU',
      'FREQ=MONTHLY',
      'FREQ=MONTHLY;INTERVAL=5;BYDAY=-1FR',
      'FREQ=MONTHLY;BYMONTHDAY=-1,15',
      'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1',
      'FREQ=YEARLY',
      'FREQ=YEARLY;INTERVAL=7;BYMONTH=2;BYMONTHDAY=29',
      'FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO',
    ];
    const window = range('2026-11-20T00:00:00Z', '2027-06-01T00:00:00Z');
    for (const rule of rules) {
      const event = { start: old, end: new Date(old.getTime() + 3_600_000), allDay: false, timeZone: tz, rrule: rule };
      const direct = new rrule.RRule({ ...rrule.RRule.parseString(rule), dtstart: toFloating(old, tz) })
        .between(toFloating(window.start, tz), toFloating(window.end, tz), true)
        .map((d) => fromFloating(d, tz).toISOString());
      assert.deepEqual(starts(occurrencesOf(event, window, new RecurrenceBudget(Infinity))), direct, rule);
    }
  });

  it('when a COUNT series ended long before the range, then listing it costs next to nothing', () => {
    const budget = new RecurrenceBudget();
    const old = { start: new Date('1950-01-02T08:00:00Z'), end: new Date('1950-01-02T09:00:00Z'), allDay: false, timeZone: tz, rrule: 'FREQ=DAILY;COUNT=1000' };
    assert.deepEqual(occurrencesOf(old, range('2026-12-01T00:00:00Z', '2027-12-01T00:00:00Z'), budget), []);
    assert.ok(budget.remaining > RECURRENCE_LIMITS.requestWork - 10, `spent ${RECURRENCE_LIMITS.requestWork - budget.remaining}`);
    const recent = { ...old, start: new Date('2026-06-01T08:00:00Z'), end: new Date('2026-06-01T09:00:00Z') };
    assert.equal(occurrencesOf(recent, range('2026-12-01T00:00:00Z', '2027-12-01T00:00:00Z')).length, 365, 'a COUNT series still under way is listed');
  });

  it('when a long COUNT series is under way, then after its end is known it is expanded from the range, with the same occurrences', () => {
    const start = new Date('2019-03-04T08:00:00Z');
    const rule = 'FREQ=WEEKLY;BYDAY=MO,TH;COUNT=900';
    const event = { start, end: new Date(start.getTime() + 3_600_000), allDay: false, timeZone: tz, rrule: rule };
    const window = range('2026-12-01T00:00:00Z', '2027-02-01T00:00:00Z');
    const direct = new rrule.RRule({ ...rrule.RRule.parseString(rule), dtstart: toFloating(start, tz) })
      .between(toFloating(window.start, tz), toFloating(window.end, tz), true)
      .map((d) => fromFloating(d, tz).toISOString());
    const first = new RecurrenceBudget();
    assert.deepEqual(starts(occurrencesOf(event, window, first)), direct);
    const again = new RecurrenceBudget();
    assert.deepEqual(starts(occurrencesOf(event, window, again)), direct);
    const spent = (b: RecurrenceBudget) => RECURRENCE_LIMITS.requestWork - b.remaining;
    assert.ok(spent(again) < 50 && spent(again) < spent(first) / 10, `first ${spent(first)}, then ${spent(again)}`);
    const ended = occurrencesOf(event, range('2037-01-01T00:00:00Z', '2037-06-01T00:00:00Z'));
    assert.deepEqual(ended, [], 'nothing after the 900th');
  });

  it('when many dense series are listed, then the listing stops at the cap and says it was cut', () => {
    const hourly = { ...piano, rrule: 'FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23' };
    const { occurrences, truncated } = expandWithinBudget([hourly, hourly, hourly], range('2026-12-01T00:00:00Z', '2027-01-01T00:00:00Z'));
    assert.equal(occurrences.length, RECURRENCE_LIMITS.maxOccurrences);
    assert.equal(truncated, true);
    const sorted = [...occurrences].sort((a, b) => a.start.getTime() - b.start.getTime());
    assert.deepEqual(occurrences, sorted);
    const small = expandWithinBudget([{ ...piano, rrule: 'FREQ=WEEKLY' }], range('2026-12-01T00:00:00Z', '2027-01-01T00:00:00Z'));
    assert.equal(small.truncated, false);
    assert.equal(small.occurrences.length, 5);
  });

  it('when the budget of a request runs out, then the remaining series are left out and the listing says so', () => {
    const daily = { ...piano, rrule: 'FREQ=DAILY' };
    const single = { ...piano, start: new Date('2026-12-20T10:00:00Z'), end: new Date('2026-12-20T11:00:00Z'), rrule: null };
    const { occurrences, truncated } = expandWithinBudget([daily, daily, single], range('2026-12-01T00:00:00Z', '2027-12-01T00:00:00Z'), new RecurrenceBudget(500));
    assert.equal(truncated, true);
    assert.ok(occurrences.some((o) => o.event === single), 'single events are never crowded out');
    assert.ok(occurrences.length < 730);
  });
});
