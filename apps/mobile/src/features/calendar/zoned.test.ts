import { addDays, localDate, localTime, monthGrid, startOfWeek, zonedToUtc } from './zoned';

describe('zoned dates for the calendar', () => {
  it.each([
    ['2026-12-01', '14:30', 'Europe/Berlin', '2026-12-01T13:30:00.000Z'],
    ['2026-07-01', '14:30', 'Europe/Berlin', '2026-07-01T12:30:00.000Z'],
    ['2026-12-01', '09:00', 'America/New_York', '2026-12-01T14:00:00.000Z'],
    ['2026-12-01', '09:00', 'Asia/Tokyo', '2026-12-01T00:00:00.000Z'],
    // 02:30 does not exist on 29 March 2026 in Berlin: it becomes 03:30 CEST.
    ['2026-03-29', '02:30', 'Europe/Berlin', '2026-03-29T01:30:00.000Z'],
    // 02:30 happens twice on 25 October 2026 in Berlin: the first (CEST) is taken.
    ['2026-10-25', '02:30', 'Europe/Berlin', '2026-10-25T00:30:00.000Z'],
  ])('when %s %s in %s is entered, then it is %s', (date, time, zone, expected) => {
    const instant = zonedToUtc(date, time, zone);
    expect(instant.toISOString()).toBe(expected);
    if (!(date === '2026-03-29')) {
      expect(localDate(instant, zone)).toBe(date);
      expect(localTime(instant, zone)).toBe(time);
    }
  });

  it('when a month is shown, then it is whole weeks from Monday that cover every day of it', () => {
    const { days } = monthGrid('2026-12-15');
    expect(days[0]).toBe('2026-11-30');
    expect(days.length % 7).toBe(0);
    expect(days).toContain('2026-12-31');
    expect(days.at(-1)).toBe('2027-01-03');
    expect(startOfWeek('2026-12-06')).toBe('2026-11-30');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});
