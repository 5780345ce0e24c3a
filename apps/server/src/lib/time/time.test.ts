import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { houseChrono } from './chrono.ts';
import { formatClock, timeFormatOf } from './format.ts';
import { canonicalTimePhrases } from './house-rules.ts';

describe('house rules', () => {
  const CASES: [string, string][] = [
    ['half past 3', '3:30'],
    ['quarter to 5', '4:45'],
    ['quarter past 9 am', '9:15 am'],
    ['ten past 7', '7:10'],
    ['twenty to 6', '5:40'],
    ['in ninety minutes', 'in 90 minutes'],
    ['quarter to midnight', '23:45'],
  ];
  for (const [said, canonical] of CASES) {
    it(`when the user says "${said}", then it reads as "${canonical}"`, () => assert.equal(canonicalTimePhrases(said), canonical));
  }
  it('when "to" joins two clock times, then it stays a range', () => {
    assert.equal(canonicalTimePhrases('move the haircut at 10 to 11'), 'move the haircut at 10 to 11');
  });
});

describe('chrono with the house rules', () => {
  // The reference is the user's wall clock as a floating date: Sunday 29 Nov 2026, 10:00.
  const ref = { instant: new Date('2026-11-29T10:00:00Z'), timezone: 0 };
  it('when a day of the month is named alone, then it is the next such day', () => {
    assert.equal(houseChrono.parse('on the 14th', ref)[0]?.start.date().toISOString().slice(0, 10), '2026-12-14');
    assert.equal(houseChrono.parse('the 30th', ref)[0]?.start.date().toISOString().slice(0, 10), '2026-11-30');
    assert.equal(houseChrono.parse('the 31st', ref)[0]?.start.date().toISOString().slice(0, 10), '2026-12-31');
  });
  it('when a bare hour from 1 to 6 is given, then it is in the afternoon', () => {
    assert.equal(houseChrono.parse('tomorrow at 3', ref)[0]?.start.get('hour'), 15);
    assert.equal(houseChrono.parse('tomorrow at 9', ref)[0]?.start.get('hour'), 9);
    assert.equal(houseChrono.parse('tomorrow at 3am', ref)[0]?.start.get('hour'), 3);
  });
});

describe('clock times in replies', () => {
  const at = new Date('2026-11-29T13:05:00Z');
  it('when the user has no setting, then times are 24-hour', () => {
    assert.equal(formatClock(at, 'Europe/Berlin', timeFormatOf(undefined)), '14:05');
  });
  it('when the user chose 12-hour, then times have am/pm', () => {
    assert.equal(formatClock(at, 'Europe/Berlin', timeFormatOf({ timeFormat: '12h' })), '2:05 pm');
    assert.equal(formatClock(new Date('2026-11-29T23:00:00Z'), 'Europe/Berlin', '12h'), '12 am');
  });
});
