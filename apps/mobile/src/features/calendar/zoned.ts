// Wall-clock dates in the user's time zone <-> instants, for the calendar's views and form.

/** The offset (ms) of `timeZone` from UTC at the instant `utcMs`. */
function offsetAt(utcMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second'));
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/**
 * The instant at which the wall clock in `timeZone` shows `date` ("2026-12-01") and
 * `time` ("14:30"). A time skipped by a DST change moves forward by the gap; an
 * ambiguous one (clocks going back) takes the first occurrence.
 */
export function zonedToUtc(date: string, time: string, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  let guess = wall - offsetAt(wall, timeZone);
  // A second pass settles the offset on the other side of a DST change.
  guess = wall - offsetAt(guess, timeZone);
  const earlier = wall - offsetAt(guess - 3_600_000, timeZone);
  if (earlier < guess && offsetAt(earlier, timeZone) === wall - earlier) return new Date(earlier);
  return new Date(guess);
}

/** "YYYY-MM-DD" of an instant in `timeZone`. */
export function localDate(iso: string | Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
}

/** "HH:MM" (24-hour) of an instant in `timeZone`: the form's time fields. */
export function localTime(iso: string | Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}

/** A calendar date plus `days` (no time zone involved: pure dates). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** 0 = Monday … 6 = Sunday. */
export function weekday(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
}

/** The Monday of the week `date` is in. */
export function startOfWeek(date: string): string {
  return addDays(date, -weekday(date));
}

/** The days a month view shows: whole weeks (Monday first) around the month of `date`. */
export function monthGrid(date: string): { month: string; days: string[] } {
  const first = `${date.slice(0, 7)}-01`;
  const start = startOfWeek(first);
  const nextMonth = addDays(first, 32).slice(0, 7);
  const days: string[] = [];
  for (let day = start; days.length < 42; day = addDays(day, 1)) {
    if (days.length % 7 === 0 && days.length >= 28 && day.slice(0, 7) === nextMonth) break;
    days.push(day);
  }
  return { month: date.slice(0, 7), days };
}

export const isDate = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
export const isTime = (value: string) => /^([01]\d|2[0-3]):[0-5]\d$/.test(value);
