import rrule from 'rrule';
import type { Options as RRuleOptions } from 'rrule';
import { DateTime, IANAZone } from 'luxon';
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

/**
 * Limits on repeat rules, so that no rule (typed by a user or read from a connected
 * calendar) can keep the server busy. Work is counted in steps of a rule's frequency
 * (a day of a daily rule costs 1, a year of a yearly rule 5) plus a little per occurrence.
 */
export const RECURRENCE_LIMITS = {
  /** A repeating event of the local calendar starts at most this many years ago. */
  maxPastYears: 100,
  /** The largest COUNT a rule may have. */
  maxCount: 1000,
  /** Work a rule may need to reach its first occurrence, or the end of a COUNT series. */
  ruleWork: 3_000,
  /** Work one listing may spend expanding every repeat rule in it. */
  requestWork: 4_000,
  /** Work one sync of a connected calendar may spend checking the rules it brings. */
  syncWork: 10_000,
  /** Occurrences in one listing; beyond it the listing says it was cut. */
  maxOccurrences: 1_000,
  /** Repeating events one user may keep in the local calendar. */
  maxSeriesPerUser: 100,
} as const;

const MAX_RULE_LENGTH = 500;
const DAY_MS = 86_400_000;
/** Work per step of each frequency (rrule's YEARLY = 0 ... DAILY = 3, HOURLY = 4), measured at about 10 µs a unit. */
const STEP_COST: Record<number, number> = { 0: 5, 1: 2, 2: 2, 3: 1, 4: 1 };
const HOUR_MS = 3_600_000;
const OCCURRENCE_COST = 0.3;
const RULE_SETUP_COST = 2;
const FAR_FUTURE = new Date(Date.UTC(9999, 11, 31));

/** How much repeat-rule work is left for one request (or one validation). */
export class RecurrenceBudget {
  remaining: number;
  exhausted = false;

  constructor(units: number = RECURRENCE_LIMITS.requestWork) {
    this.remaining = units;
  }

  /** Takes `units`; false once the budget is used up. */
  spend(units: number): boolean {
    if (this.exhausted) return false;
    this.remaining -= units;
    if (this.remaining <= 0) this.exhausted = true;
    return !this.exhausted;
  }
}

const WEEK_MS = 7 * DAY_MS;
const NEAR_MS = 3 * 3_600_000;
/** Zone offsets (minutes) at week boundaries, by zone; few zones and weeks are ever asked for. */
const weekOffsets = new Map<string, Map<number, number>>();

/** The zone's offset at an instant: read once per week when nothing changes within it. */
function offsetAt(zone: IANAZone, at: number): number {
  let weeks = weekOffsets.get(zone.name);
  if (!weeks) {
    if (weekOffsets.size > 100) weekOffsets.clear();
    weekOffsets.set(zone.name, (weeks = new Map()));
  }
  const edge = (week: number) => {
    let offset = weeks.get(week);
    if (offset === undefined) {
      if (weeks.size > 10_000) weeks.clear();
      weeks.set(week, (offset = zone.offset(week * WEEK_MS)));
    }
    return offset;
  };
  const week = Math.floor(at / WEEK_MS);
  const before = edge(week);
  // NOTE: no zone changes its offset twice within a week, so equal offsets at both ends hold throughout.
  return before === edge(week + 1) ? before : zone.offset(at);
}

/**
 * fromFloating for many dates: the same answer, without asking Intl for each one. Near an
 * offset change (a skipped or repeated hour) it leaves the decision to fromFloating.
 */
function floatingToInstant(floating: Date, timeZone: string): Date {
  const zone = IANAZone.create(timeZone);
  if (!zone.isValid) return fromFloating(floating, timeZone);
  const local = floating.getTime();
  const offset = offsetAt(zone, local) * 60_000;
  const at = local - offset;
  if (offsetAt(zone, at) * 60_000 === offset && offsetAt(zone, at - NEAR_MS) * 60_000 === offset && offsetAt(zone, at + NEAR_MS) * 60_000 === offset) {
    return new Date(at);
  }
  return fromFloating(floating, timeZone);
}

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

/** Parsed rule texts: a listing parses the same few rules on every request. */
const parsedRules = new Map<string, Partial<RRuleOptions>>();
function remember(text: string, options: Partial<RRuleOptions>): Partial<RRuleOptions> {
  if (parsedRules.size >= 1_000) parsedRules.clear();
  parsedRules.set(text, options);
  return options;
}

const listLength = (v: unknown) => (Array.isArray(v) ? v.length : v === undefined || v === null ? 0 : 1);

/**
 * Parses an RRULE value; throws RangeError when it is not one or asks for more than
 * this calendar keeps: steps shorter than a day, several BYMINUTE or BYSECOND values,
 * a COUNT above the limit.
 */
export function parseRRule(value: string): Partial<RRuleOptions> {
  const text = value.replace(/^RRULE:/i, '').trim().toUpperCase();
  if (text.length > MAX_RULE_LENGTH) throw new RangeError(`A repeat rule has at most ${MAX_RULE_LENGTH} characters`);
  if (!/^FREQ=/i.test(text) && !/;FREQ=/i.test(text)) throw new RangeError('RRULE needs FREQ');
  if (/(^|;)BYEASTER=/i.test(text)) throw new RangeError('BYEASTER is not supported');
  let options: Partial<RRuleOptions>;
  try {
    options = { ...(parsedRules.get(text) ?? remember(text, RRule.parseString(text))) };
  } catch (err) {
    throw new RangeError(`Invalid RRULE: ${(err as Error).message}`);
  }
  if (options.freq === undefined || options.freq === null) throw new RangeError('RRULE needs FREQ');
  if (options.freq > RRule.HOURLY) throw new RangeError('Recurrence more often than hourly is not supported');
  if (listLength(options.byminute) > 1 || listLength(options.bysecond) > 1) {
    throw new RangeError('A repeating event happens at one minute of the hour: use a single BYMINUTE and BYSECOND value');
  }
  if (options.count !== undefined && options.count !== null && options.count > RECURRENCE_LIMITS.maxCount) {
    throw new RangeError(`COUNT may be at most ${RECURRENCE_LIMITS.maxCount}`);
  }
  if (options.interval !== undefined && options.interval !== null && (options.interval < 1 || options.interval > 1000)) {
    throw new RangeError('INTERVAL must be between 1 and 1000');
  }
  return options;
}

/** The rule's options with DTSTART as a floating date and UNTIL on the series' wall clock. */
function ruleOptions(rruleValue: string, start: Date, timeZone: string): Partial<RRuleOptions> {
  const options = parseRRule(rruleValue);
  const raw = rruleValue.toUpperCase();
  if (options.until) {
    // UNTIL in UTC ("...Z") is a real instant; a bare date or local time is already on the wall clock.
    if (/UNTIL=\d{8}T\d{6}Z/.test(raw)) options.until = toFloating(options.until, timeZone);
    else if (/UNTIL=\d{8}(?!T)/.test(raw)) options.until = new Date(options.until.getTime() + DAY_MS - 1);
  }
  return { ...options, dtstart: toFloating(start, timeZone) };
}

const present = (v: unknown) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);

/** Writes out what rrule would take from DTSTART (weekday, day of month, clock time), so DTSTART can move. */
function withStartDefaults(options: Partial<RRuleOptions>, dtstart: Date): Partial<RRuleOptions> {
  const o = { ...options };
  if (!present(o.byweekno) && !present(o.byyearday) && !present(o.bymonthday) && !present(o.byweekday)) {
    if (o.freq === RRule.YEARLY) {
      if (!present(o.bymonth)) o.bymonth = dtstart.getUTCMonth() + 1;
      o.bymonthday = dtstart.getUTCDate();
    } else if (o.freq === RRule.MONTHLY) o.bymonthday = dtstart.getUTCDate();
    else if (o.freq === RRule.WEEKLY) o.byweekday = [(dtstart.getUTCDay() + 6) % 7];
  }
  // An hourly rule keeps every hour unless it names some.
  if (!present(o.byhour) && o.freq !== RRule.HOURLY) o.byhour = dtstart.getUTCHours();
  if (!present(o.byminute)) o.byminute = dtstart.getUTCMinutes();
  if (!present(o.bysecond)) o.bysecond = dtstart.getUTCSeconds();
  return o;
}

function floatingDate(year: number, monthIndex: number, day: number): Date {
  const d = new Date(0);
  d.setUTCFullYear(year, monthIndex, day);
  return d;
}

/**
 * The same series with DTSTART moved forward by whole periods (whole INTERVALs) to the
 * last period that begins at or before `notBefore`, so expansion starts near the range
 * instead of at the series' first day. A COUNT series counts from its first day and stays.
 */
function movedForward(options: Partial<RRuleOptions>, notBefore: Date): Partial<RRuleOptions> {
  const dtstart = options.dtstart!;
  if (options.count || notBefore <= dtstart) return options;
  const interval = options.interval ?? 1;
  const wkst = typeof options.wkst === 'number' ? options.wkst : (options.wkst?.weekday ?? 0);
  const parsed = { freq: options.freq, wkst };
  const dayOf = (d: Date) => Math.floor(d.getTime() / DAY_MS);
  let moved: Date | null = null;
  switch (parsed.freq) {
    case RRule.HOURLY: {
      const hourOf = (d: Date) => Math.floor(d.getTime() / HOUR_MS);
      const k = Math.floor((hourOf(notBefore) - hourOf(dtstart)) / interval);
      if (k > 0) moved = new Date((hourOf(dtstart) + k * interval) * HOUR_MS);
      break;
    }
    case RRule.DAILY: {
      const k = Math.floor((dayOf(notBefore) - dayOf(dtstart)) / interval);
      if (k > 0) moved = new Date((dayOf(dtstart) + k * interval) * DAY_MS);
      break;
    }
    case RRule.WEEKLY: {
      const weekday = (dtstart.getUTCDay() + 6) % 7;
      const weekStart = dayOf(dtstart) - ((weekday - parsed.wkst + 7) % 7);
      const k = Math.floor((dayOf(notBefore) - weekStart) / (7 * interval));
      if (k > 0) moved = new Date((weekStart + k * 7 * interval) * DAY_MS);
      break;
    }
    case RRule.MONTHLY: {
      const first = dtstart.getUTCFullYear() * 12 + dtstart.getUTCMonth();
      const k = Math.floor((notBefore.getUTCFullYear() * 12 + notBefore.getUTCMonth() - first) / interval);
      if (k > 0) moved = floatingDate(Math.floor((first + k * interval) / 12), (first + k * interval) % 12, 1);
      break;
    }
    case RRule.YEARLY: {
      const k = Math.floor((notBefore.getUTCFullYear() - dtstart.getUTCFullYear()) / interval);
      if (k > 0) moved = floatingDate(dtstart.getUTCFullYear() + k * interval, 0, 1);
      break;
    }
  }
  return moved ? { ...withStartDefaults(options, dtstart), dtstart: moved } : options;
}

const PERIOD_MS: Record<number, number> = { 0: 366 * DAY_MS, 1: 31 * DAY_MS, 2: 7 * DAY_MS, 3: DAY_MS, 4: HOUR_MS };

/**
 * A date no occurrence of a COUNT series passes: validation let it finish within
 * `ruleWork`, so within that many steps of its start (a rule from before the check that
 * runs longer is cut there).
 */
function countSeriesEndBound(options: Partial<RRuleOptions>): Date {
  const freq = options.freq ?? RRule.DAILY;
  const stepCost = (STEP_COST[freq] ?? 1) * (present(options.bysetpos) ? 2 : 1);
  const steps = Math.ceil(RECURRENCE_LIMITS.ruleWork / stepCost) + 2;
  return new Date(options.dtstart!.getTime() + steps * (options.interval ?? 1) * (PERIOD_MS[freq] ?? DAY_MS));
}

/** Steps of the rule's frequency from its DTSTART past `to` (a bound: rrule never stops on its own while nothing matches). */
function stepsUntil(parsed: { freq: number; interval: number; dtstart: Date }, to: Date): number {
  const start = parsed.dtstart;
  const months = (to.getUTCFullYear() - start.getUTCFullYear()) * 12 + to.getUTCMonth() - start.getUTCMonth();
  const span =
    parsed.freq === RRule.HOURLY ? (to.getTime() - start.getTime()) / HOUR_MS
    : parsed.freq === RRule.DAILY ? (to.getTime() - start.getTime()) / DAY_MS
    : parsed.freq === RRule.WEEKLY ? (to.getTime() - start.getTime()) / (7 * DAY_MS)
    : parsed.freq === RRule.MONTHLY ? months
    : months / 12;
  return Math.max(0, Math.ceil(span / parsed.interval)) + 2;
}

/**
 * Floating occurrence starts of a rule in [from, to] in order, charging `budget` for
 * every step; stops when `each` returns false. Returns false when the budget ran out.
 */
function iterate(options: Partial<RRuleOptions>, from: Date, to: Date, budget: RecurrenceBudget, each: (floating: Date) => boolean): boolean {
  if (!budget.spend(RULE_SETUP_COST)) return false;
  const rule = new RRule(options, true);
  const stepCost = (STEP_COST[rule.options.freq] ?? 1) * (present(rule.options.bysetpos) ? 2 : 1);
  const interval = rule.options.interval;
  // One read before the first step, then two per step.
  const maxReads = to >= FAR_FUTURE ? Infinity : 1 + 2 * stepsUntil(rule.options, to);
  let reads = 0;
  let outOfBudget = false;
  // NOTE: rrule steps through periods that yield nothing without calling back (a rule that
  // never matches runs on to the year 9999, past any UNTIL). It reads `interval` twice per
  // step and stops when it reads 0, so the budget is charged there, and the iteration ends
  // once it has stepped past `to`.
  Object.defineProperty(rule.options, 'interval', {
    get: () => {
      if (outOfBudget || ++reads > maxReads) return 0;
      if (!budget.spend(stepCost / 2)) outOfBudget = true;
      return outOfBudget ? 0 : interval;
    },
  });
  let last = -Infinity;
  rule.between(from, to, true, (floating) => {
    // The step that ran out of budget may repeat its period once; its dates were seen.
    if (floating.getTime() <= last) return true;
    last = floating.getTime();
    if (!budget.spend(OCCURRENCE_COST)) {
      outOfBudget = true;
      return false;
    }
    return each(floating);
  });
  return !outOfBudget;
}

/**
 * Checks a rule for a series starting at `start` before it is stored: parseable, within
 * the limits, and yielding an occurrence (for COUNT, all of them) within `ruleWork`.
 * `now` enables the bound on how far in the past a series may start. Throws RangeError.
 * Returns the value as stored (upper case, without "RRULE:").
 */
export function validateRecurrence(value: string, start: Date, timeZone: string, now?: Date, budget = new RecurrenceBudget(RECURRENCE_LIMITS.ruleWork)): string {
  const options = ruleOptions(value, start, timeZone);
  if (now && start < DateTime.fromJSDate(now).minus({ years: RECURRENCE_LIMITS.maxPastYears }).toJSDate()) {
    throw new RangeError(`A repeating event may start at most ${RECURRENCE_LIMITS.maxPastYears} years ago`);
  }
  let found = 0;
  const completed = iterate(options, options.dtstart!, FAR_FUTURE, budget, () => {
    found++;
    return Boolean(options.count);
  });
  if (!completed) {
    throw new RangeError(
      options.count
        ? 'The rule repeats too rarely for its COUNT; use UNTIL or a smaller COUNT'
        : 'The rule repeats too rarely: no occurrence within a reasonable time after the start',
    );
  }
  if (found === 0) throw new RangeError('The rule has no occurrence on or after the start');
  return value.replace(/^RRULE:/i, '').trim().toUpperCase();
}

/**
 * The rule as stored when this calendar can expand it safely, else null (the event is then
 * a single one). `shared` bounds the checks of many rules at once (one calendar sync): once
 * it is spent, further rules are dropped too.
 */
export function safeRecurrence(value: string | null | undefined, start: Date, timeZone: string, shared?: RecurrenceBudget): string | null {
  if (!value) return null;
  const allowed = Math.min(RECURRENCE_LIMITS.ruleWork, shared ? Math.max(0, shared.remaining) : Infinity);
  const budget = new RecurrenceBudget(allowed);
  try {
    return validateRecurrence(value, start, timeZone, undefined, budget);
  } catch {
    return null;
  } finally {
    shared?.spend(allowed - Math.max(0, budget.remaining));
  }
}

type Expansion<E> = { occurrences: Occurrence<E>[]; complete: boolean };

/** Floating last occurrence of COUNT series (null: none), by rule and zone, and start. */
const countSeriesEnds = new Map<string, number | null>();

/**
 * The floating last occurrence of a COUNT series, found once per process by stepping through
 * the whole series (validation bounds that work); undefined when the budget ran out first.
 */
function lastOfCount(ruleAndZone: string, options: Partial<RRuleOptions>, budget: RecurrenceBudget): number | null | undefined {
  const key = `${ruleAndZone}|${options.dtstart!.getTime()}`;
  if (countSeriesEnds.has(key)) return countSeriesEnds.get(key);
  let last: number | null = null;
  if (!iterate(options, options.dtstart!, FAR_FUTURE, budget, (floating) => ((last = floating.getTime()), true))) return undefined;
  if (countSeriesEnds.size >= 10_000) countSeriesEnds.clear();
  countSeriesEnds.set(key, last);
  return last;
}

function expandOne<E extends RecurringEvent>(event: E, range: Interval, budget: RecurrenceBudget, max: number): Expansion<E> {
  if (!event.rrule) {
    return { occurrences: overlaps(event.start, event.end, range) ? [{ event, start: event.start, end: event.end }] : [], complete: true };
  }
  let options: Partial<RRuleOptions>;
  try {
    options = ruleOptions(event.rrule, event.start, event.timeZone);
  } catch {
    // A stored rule that no longer parses: the event stands alone.
    return expandOne({ ...event, rrule: null }, range, budget, max);
  }
  const durationMs = event.end.getTime() - event.start.getTime();
  const days = event.allDay ? allDaySpan(event) : 0;
  const rangeStart = toFloating(range.start, event.timeZone).getTime();
  const rangeEnd = toFloating(range.end, event.timeZone).getTime();
  // Widen the floating window by the event's length and by what an offset change can move a wall clock (NEAR_MS); filter exactly afterwards.
  const from = new Date(rangeStart - Math.max(durationMs, days * DAY_MS) - NEAR_MS);
  const to = new Date(rangeEnd + NEAR_MS);
  const excluded = new Set((event.exdates ?? []).map((d) => d.getTime()));
  const occurrences: Occurrence<E>[] = [];
  let full = false;
  if (options.count) {
    if (countSeriesEndBound(options) < from) return { occurrences: [], complete: true };
    const last = lastOfCount(`${event.rrule}|${event.timeZone}`, options, budget);
    if (last === undefined) return { occurrences: [], complete: false };
    if (last === null || last < from.getTime()) return { occurrences: [], complete: true };
    // The same series as "until its last occurrence", which can be expanded from the range.
    options = { ...options, count: null, until: new Date(last) };
  }
  const completed = iterate(movedForward(options, from), from, to, budget, (floating) => {
    const start = floatingToInstant(floating, event.timeZone);
    const end = event.allDay
      ? floatingToInstant(new Date(floating.getTime() + days * DAY_MS), event.timeZone)
      : new Date(start.getTime() + durationMs);
    if (!excluded.has(start.getTime()) && overlaps(start, end, range)) occurrences.push({ event, start, end });
    full = occurrences.length > max;
    return !full;
  });
  return { occurrences, complete: completed && !full };
}

/** Occurrence starts of one event inside `range` (a non-recurring event yields itself when it overlaps). */
export function occurrencesOf<E extends RecurringEvent>(event: E, range: Interval, budget = new RecurrenceBudget()): Occurrence<E>[] {
  return expandOne(event, range, budget, RECURRENCE_LIMITS.maxOccurrences).occurrences.slice(0, RECURRENCE_LIMITS.maxOccurrences);
}

/**
 * All occurrences of `events` overlapping `range`, sorted by start, within one request's
 * budget and at most `maxOccurrences`; `truncated` says that some were left out.
 */
export function expandWithinBudget<E extends RecurringEvent>(
  events: E[],
  range: Interval,
  budget = new RecurrenceBudget(),
  max: number = RECURRENCE_LIMITS.maxOccurrences,
): { occurrences: Occurrence<E>[]; truncated: boolean } {
  let truncated = false;
  let all: Occurrence<E>[] = [];
  let end = range.end;
  const byStart = (a: Occurrence<E>, b: Occurrence<E>) => a.start.getTime() - b.start.getTime() || a.end.getTime() - b.end.getTime();
  /** `all` and `more` (both sorted) merged, cut to the earliest `max`. */
  const merge = (more: Occurrence<E>[]) => {
    const out: Occurrence<E>[] = [];
    let i = 0;
    let j = 0;
    while (out.length < max && (i < all.length || j < more.length)) {
      out.push(j >= more.length || (i < all.length && byStart(all[i]!, more[j]!) <= 0) ? all[i++]! : more[j++]!);
    }
    if (i < all.length || j < more.length) truncated = true;
    all = out;
  };
  // Single events first: they cost nothing, so a costly series can only crowd out other series.
  merge(events.filter((e) => !e.rrule).flatMap((e) => expandOne(e, range, budget, max).occurrences).sort(byStart));
  for (const event of events.filter((e) => e.rrule)) {
    if (budget.exhausted) {
      truncated = true;
      break;
    }
    const { occurrences, complete } = expandOne(event, { start: range.start, end }, budget, max);
    if (!complete) truncated = true;
    merge(occurrences);
    // Only the earliest `max` are listed: later series need not look past the last of them.
    if (all.length === max) end = new Date(Math.min(end.getTime(), all[max - 1]!.start.getTime() + 1));
  }
  return { occurrences: all, truncated };
}

/** All occurrences of `events` overlapping `range`, sorted by start (see expandWithinBudget for the limits). */
export function expandOccurrences<E extends RecurringEvent>(events: E[], range: Interval): Occurrence<E>[] {
  return expandWithinBudget(events, range).occurrences;
}

/** The first occurrence that ends after `after` (the current one if it is under way), within `horizonDays`. */
export function nextOccurrence<E extends RecurringEvent>(event: E, after: Date, horizonDays = 400): Occurrence<E> | null {
  const found = occurrencesOf(event, { start: after, end: new Date(after.getTime() + horizonDays * DAY_MS) });
  return found[0] ?? null;
}

/** The first start of a rule on or after `notBefore`, counting from `dtstart` (both real instants); null when none is found within `ruleWork`. */
export function firstStart(rruleValue: string, dtstart: Date, notBefore: Date, timeZone: string): Date | null {
  const options = ruleOptions(rruleValue, dtstart, timeZone);
  const from = toFloating(notBefore, timeZone);
  let first: Date | null = null;
  iterate(movedForward(options, from), from, FAR_FUTURE, new RecurrenceBudget(RECURRENCE_LIMITS.ruleWork), (floating) => {
    first = floating;
    return false;
  });
  return first ? fromFloating(first, timeZone) : null;
}
