import { DateTime } from 'luxon';

/** A calendar day as the user reads it on their wall calendar. */
export type WallDate = { year: number; month: number; day: number };
/** A clock time as the user reads it on their wall clock. */
export type WallTime = { hour: number; minute: number };
/** A half-open span of instants [start, end). */
export type Interval = { start: Date; end: Date };

/** Throws a RangeError for a name that is not an IANA time zone this runtime knows. */
export function assertTimeZone(timeZone: string): void {
  if (!DateTime.now().setZone(timeZone).isValid) throw new RangeError(`Unknown time zone: ${timeZone}`);
}

export function zoned(instant: Date, timeZone: string): DateTime {
  return DateTime.fromJSDate(instant, { zone: timeZone });
}

/**
 * The instant at which the wall clock in `timeZone` shows `date` `time`.
 * A wall time that does not exist (the hour skipped when clocks go forward) moves forward
 * by the gap, as calendar apps do.
 */
export function wallToInstant(date: WallDate, time: WallTime, timeZone: string): Date {
  const dt = DateTime.fromObject({ ...date, hour: time.hour, minute: time.minute }, { zone: timeZone });
  if (!dt.isValid) throw new RangeError(`Invalid wall time ${JSON.stringify({ date, time, timeZone })}`);
  return dt.toJSDate();
}

export function wallDateOf(instant: Date, timeZone: string): WallDate {
  const dt = zoned(instant, timeZone);
  return { year: dt.year, month: dt.month, day: dt.day };
}

export function wallTimeOf(instant: Date, timeZone: string): WallTime {
  const dt = zoned(instant, timeZone);
  return { hour: dt.hour, minute: dt.minute };
}

/** Adds calendar days (not 24-hour periods, so a DST change never moves the clock time). */
export function addDays(date: WallDate, days: number): WallDate {
  const dt = DateTime.fromObject(date, { zone: 'UTC' }).plus({ days });
  return { year: dt.year, month: dt.month, day: dt.day };
}

/** ISO weekday: 1 = Monday ... 7 = Sunday. */
export function isoWeekday(date: WallDate): number {
  return DateTime.fromObject(date, { zone: 'UTC' }).weekday;
}

export function startOfDay(date: WallDate, timeZone: string): Date {
  return wallToInstant(date, { hour: 0, minute: 0 }, timeZone);
}

/** The whole local day: from its midnight to the next (23, 24 or 25 hours long). */
export function dayInterval(date: WallDate, timeZone: string): Interval {
  return { start: startOfDay(date, timeZone), end: startOfDay(addDays(date, 1), timeZone) };
}

/** Local hours [fromHour, toHour) of one day; toHour 24 is the next midnight. */
export function hoursOfDay(date: WallDate, fromHour: number, toHour: number, timeZone: string): Interval {
  const end = toHour >= 24 ? startOfDay(addDays(date, 1), timeZone) : wallToInstant(date, { hour: toHour, minute: 0 }, timeZone);
  return { start: wallToInstant(date, { hour: fromHour, minute: 0 }, timeZone), end };
}

export function compareWallDates(a: WallDate, b: WallDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

/**
 * "Floating" dates: a Date whose UTC fields equal the local wall clock in `timeZone`.
 * chrono-node and rrule compute in one fixed offset; giving them floating dates lets them
 * count days and weekdays as the user does, and converting back puts DST in the right place.
 */
export function toFloating(instant: Date, timeZone: string): Date {
  const dt = zoned(instant, timeZone);
  return new Date(Date.UTC(dt.year, dt.month - 1, dt.day, dt.hour, dt.minute, dt.second, dt.millisecond));
}

export function fromFloating(floating: Date, timeZone: string): Date {
  const dt = DateTime.fromObject(
    {
      year: floating.getUTCFullYear(),
      month: floating.getUTCMonth() + 1,
      day: floating.getUTCDate(),
      hour: floating.getUTCHours(),
      minute: floating.getUTCMinutes(),
      second: floating.getUTCSeconds(),
      millisecond: floating.getUTCMilliseconds(),
    },
    { zone: timeZone },
  );
  if (!dt.isValid) throw new RangeError(`Invalid floating date for ${timeZone}`);
  return dt.toJSDate();
}

export function floatingWallDate(floating: Date): WallDate {
  return { year: floating.getUTCFullYear(), month: floating.getUTCMonth() + 1, day: floating.getUTCDate() };
}
