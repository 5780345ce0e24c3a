import rrule from 'rrule';
import type { Options as RRuleOptions } from 'rrule';
import { DateTime } from 'luxon';
import { fromFloating, toFloating, type Interval } from './zoned-time.ts';

const { RRule } = rrule;

/** What expansion needs to know about a stored event. */
export type RecurringEvent = {
  start: Date;
  end: Date;
  allDay: boolean;
  /** RRULE value without DTSTART, e.g. "FREQ=WEEKLY;BYDAY=TU"; UNTIL in UTC. */
  rrule: string | null;
  /** The zone whose wall clock the series follows, so DST never moves it. */
  timeZone: string;
  /** Starts of occurrences that were removed from the series. */
  exdates?: Date[] | null;
};

export type Occurrence<E> = { event: E; start: Date; end: Date };

const MAX_OCCURRENCES_PER_EVENT = 2000;
const DAY_MS = 86_400_000;

function overlaps(start: Date, end: Date, range: Interval): boolean {
  if (start.getTime() === end.getTime()) return start >= range.start && start < range.end;
  return start < range.end && end > range.start;
}

/** Whole local days an all-day event lasts (at least 1). */
function allDaySpan(event: RecurringEvent): number {
  const s = DateTime.fromJSDate(event.start, { zone: event.timeZone }).startOf('day');
  const e = DateTime.fromJSDate(event.end, { zone: event.timeZone }).startOf('day');
  return Math.max(1, Math.round(e.diff(s, 'days').days));
}

/** Parses an RRULE value; throws RangeError when it is not one. */
export function parseRRule(value: string): Partial<RRuleOptions> {
  const text = value.replace(/^RRULE:/i, '').trim();
  if (!/^FREQ=/i.test(text) && !/;FREQ=/i.test(text)) throw new RangeError('RRULE needs FREQ');
  let options: Partial<RRuleOptions>;
  try {
    options = RRule.parseString(text);
  } catch (err) {
    throw new RangeError(`Invalid RRULE: ${(err as Error).message}`);
  }
  if (options.freq === undefined || options.freq === null) throw new RangeError('RRULE needs FREQ');
  if (options.freq > RRule.DAILY) throw new RangeError('Recurrence more often than daily is not supported');
  return options;
}

function buildRule(event: RecurringEvent) {
  const options = parseRRule(event.rrule!);
  const raw = event.rrule!.toUpperCase();
  if (options.until) {
    // UNTIL in UTC ("...Z") is a real instant; a bare date or local time is already on the wall clock.
    if (/UNTIL=\d{8}T\d{6}Z/.test(raw)) options.until = toFloating(options.until, event.timeZone);
    else if (/UNTIL=\d{8}(?!T)/.test(raw)) options.until = new Date(options.until.getTime() + DAY_MS - 1);
  }
  return new RRule({ ...options, dtstart: toFloating(event.start, event.timeZone) });
}

/** Occurrence starts of one event inside `range` (a non-recurring event yields itself when it overlaps). */
export function occurrencesOf<E extends RecurringEvent>(event: E, range: Interval): Occurrence<E>[] {
  if (!event.rrule) return overlaps(event.start, event.end, range) ? [{ event, start: event.start, end: event.end }] : [];
  const rule = buildRule(event);
  const durationMs = event.end.getTime() - event.start.getTime();
  const days = event.allDay ? allDaySpan(event) : 0;
  // Widen the floating window by the event's length and a day for offsets; filter exactly afterwards.
  const from = new Date(toFloating(range.start, event.timeZone).getTime() - Math.max(durationMs, days * DAY_MS) - DAY_MS);
  const to = new Date(toFloating(range.end, event.timeZone).getTime() + DAY_MS);
  const excluded = new Set((event.exdates ?? []).map((d) => d.getTime()));
  const out: Occurrence<E>[] = [];
  rule.between(from, to, true, (floating, i) => {
    const start = fromFloating(floating, event.timeZone);
    const end = event.allDay
      ? fromFloating(new Date(floating.getTime() + days * DAY_MS), event.timeZone)
      : new Date(start.getTime() + durationMs);
    if (!excluded.has(start.getTime()) && overlaps(start, end, range)) out.push({ event, start, end });
    return i < MAX_OCCURRENCES_PER_EVENT;
  });
  return out;
}

/** All occurrences of `events` overlapping `range`, sorted by start. */
export function expandOccurrences<E extends RecurringEvent>(events: E[], range: Interval): Occurrence<E>[] {
  return events
    .flatMap((e) => occurrencesOf(e, range))
    .sort((a, b) => a.start.getTime() - b.start.getTime() || a.end.getTime() - b.end.getTime());
}

/** The first occurrence that ends after `after` (the current one if it is under way), within `horizonDays`. */
export function nextOccurrence<E extends RecurringEvent>(event: E, after: Date, horizonDays = 400): Occurrence<E> | null {
  const found = occurrencesOf(event, { start: after, end: new Date(after.getTime() + horizonDays * DAY_MS) });
  return found[0] ?? null;
}

/** The first start of a rule on or after `notBefore`, counting from `dtstart` (both real instants). */
export function firstStart(rruleValue: string, dtstart: Date, notBefore: Date, timeZone: string): Date | null {
  const rule = new RRule({ ...parseRRule(rruleValue), dtstart: toFloating(dtstart, timeZone) });
  const first = rule.after(toFloating(notBefore, timeZone), true);
  return first ? fromFloating(first, timeZone) : null;
}
