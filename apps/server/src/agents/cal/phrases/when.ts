import type * as chrono from 'chrono-node';
import { houseChrono } from '../../../lib/time/chrono.ts';
import {
  addDays,
  isoWeekday,
  toFloating,
  wallDateOf,
  type WallDate,
  type WallTime,
} from '../../../lib/time/zoned-time.ts';
import { cut, SMALL_NUMBER_SOURCE, smallNumber } from './words.ts';

export type ParseContext = { now: Date; timeZone: string };

export type PartOfDay = 'morning' | 'afternoon' | 'evening' | 'night';

export type Period =
  | { kind: 'week' }
  | { kind: 'this_week' }
  | { kind: 'next_week' }
  | { kind: 'weekend' }
  | { kind: 'next_weekend' }
  | { kind: 'this_month' }
  | { kind: 'next_month' }
  | { kind: 'days'; days: number }
  | { kind: 'rest_of_day' };

/** Everything about "when" found in a phrase, as wall-clock values in the user's zone. */
export type When = {
  date: WallDate | null;
  endDate: WallDate | null;
  time: WallTime | null;
  endTime: WallTime | null;
  /** The user named a clock time (not only a part of the day). */
  partOfDay: PartOfDay | null;
  period: Period | null;
  /** The phrase with every recognised expression blanked out. */
  rest: string;
};

type Meridiem = 'am' | 'pm' | null;
type TimeToken = { hour: number; minute: number; meridiem: Meridiem; word: boolean; minutesGiven: boolean; leadingZero: boolean };

const timeSource = (p: string) =>
  String.raw`(?:(?<${p}h>[01]?\d|2[0-4])(?:(?:[:.]|h(?=\d))(?<${p}m>[0-5]\d))?(?:\s*(?<${p}ap>[ap]\.?\s?m\b\.?|o'?clock\b))?(?![\w:/]|\.\d)|(?<${p}w>noon|midday|midnight))`;

const RANGE_RE = new RegExp(
  String.raw`(?<![\w:./-])(?<pre>\b(?:from|between)\s+)?${timeSource('s')}\s*(?<sep>-|–|—|\bto\b|\buntil\b|\btill\b|\btil\b|\band\b)\s*${timeSource('e')}`,
  'gi',
);
const SINGLE_RE = new RegExp(
  String.raw`(?<![\w:./-])(?<pre>\b(?:at|@|around|about|from|starting(?:\s+at)?|by)\s+)?${timeSource('s')}`,
  'gi',
);
const MONTH_BEFORE_RE = /(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s*$/i;

function readToken(groups: Record<string, string | undefined>, p: string): TimeToken {
  const word = groups[`${p}w`]?.toLowerCase();
  if (word) return { hour: word === 'midnight' ? 0 : 12, minute: 0, meridiem: null, word: true, minutesGiven: true, leadingZero: false };
  const h = groups[`${p}h`]!;
  const ap = groups[`${p}ap`]?.toLowerCase() ?? '';
  const meridiem: Meridiem = ap.startsWith('a') ? 'am' : ap.startsWith('p') ? 'pm' : null;
  return {
    hour: Number(h),
    minute: Number(groups[`${p}m`] ?? 0),
    meridiem,
    word: false,
    minutesGiven: groups[`${p}m`] !== undefined || ap.includes('clock'),
    leadingZero: h.length === 2 && h.startsWith('0'),
  };
}

/**
 * The 24-hour clock hour the user most likely means. Without am/pm, "at 3" is 15:00
 * (nobody books 3 am by default), 7 to 12 stay morning, and a part of the day decides when named.
 */
function resolveHour(t: TimeToken, part: PartOfDay | null, meridiem: Meridiem = t.meridiem): number {
  if (t.word) return t.hour;
  if (meridiem === 'am') return t.hour === 12 ? 0 : t.hour;
  if (meridiem === 'pm') return t.hour < 12 ? t.hour + 12 : t.hour;
  if (t.leadingZero || t.hour >= 13 || t.hour === 0) return t.hour % 24;
  if (part === 'morning') return t.hour === 12 ? 12 : t.hour;
  if (part && t.hour < 12) return t.hour + 12;
  if (t.hour >= 1 && t.hour <= 6) return t.hour + 12;
  return t.hour;
}

function validToken(t: TimeToken): boolean {
  if (t.word) return true;
  if (t.meridiem && (t.hour < 1 || t.hour > 12)) return false;
  return t.hour <= 24 && !(t.hour === 24 && t.minute > 0);
}

const PART_RE =
  /\b(?:(?<mod>this|in\s+the|early|late|on|at)\s+)?(?<part>morning|afternoon|evening|night|tonight|lunchtime|lunch\s+time)\b/i;

const PERIODS: Array<[RegExp, (m: RegExpExecArray) => Period | null]> = [
  [/\b(?:for\s+|in\s+|during\s+)?(?:the\s+)?rest\s+of\s+(?:the|this|my)\s+week\b/i, () => ({ kind: 'this_week' })],
  [/\b(?:for\s+|in\s+|during\s+)?(?:the\s+)?rest\s+of\s+(?:the\s+day|today|my\s+day)\b/i, () => ({ kind: 'rest_of_day' })],
  [/\b(?:for\s+|in\s+|during\s+|on\s+|over\s+)?next\s+weekend\b/i, () => ({ kind: 'next_weekend' })],
  [/\b(?:for\s+|in\s+|during\s+|on\s+|over\s+|at\s+)?(?:(?:this|the|coming|my)\s+)?weekend\b/i, () => ({ kind: 'weekend' })],
  [/\b(?:for\s+|in\s+|during\s+)?next\s+week(?:'s)?\b/i, () => ({ kind: 'next_week' })],
  [/\b(?:for\s+|in\s+|during\s+)?this\s+week(?:'s)?\b/i, () => ({ kind: 'this_week' })],
  [/\b(?:for\s+|in\s+|during\s+)?(?:my|the|coming|upcoming)\s+week(?:'s)?(?:\s+ahead)?\b|\bweek\s+ahead\b/i, () => ({ kind: 'week' })],
  [/\b(?:for\s+|in\s+|during\s+)?next\s+month(?:'s)?\b/i, () => ({ kind: 'next_month' })],
  [/\b(?:for\s+|in\s+|during\s+)?this\s+month(?:'s)?\b/i, () => ({ kind: 'this_month' })],
  [
    new RegExp(String.raw`\b(?:in\s+|for\s+|over\s+)?(?:the\s+)?next\s+(?<n>${SMALL_NUMBER_SOURCE}|few|couple\s+of)\s+days\b`, 'i'),
    (m) => {
      const n = smallNumber(m.groups!.n!.replace(/\s+of$/, ''));
      return n && n > 0 && n <= 62 ? { kind: 'days', days: n } : null;
    },
  ],
];

function chronoReference(ctx: ParseContext) {
  // chrono computes in one fixed offset: hand it the user's wall clock as if it were UTC.
  return { instant: toFloating(ctx.now, ctx.timeZone), timezone: 0 };
}

function isDateResult(r: chrono.ParsedResult): boolean {
  const tags = [...r.tags()].join(' ');
  return (
    r.start.isCertain('day') ||
    r.start.isCertain('weekday') ||
    r.start.isCertain('month') ||
    /casualReference\/(?:today|tomorrow|yesterday|now|tonight)|result\/relativeDate|house\/ordinalDay/.test(tags)
  );
}

function componentsDate(c: chrono.ParsedComponents): WallDate {
  return { year: c.get('year')!, month: c.get('month')!, day: c.get('day')! };
}

/** Monday of the week after the one containing `date` (weeks start on Monday). */
export function mondayOfNextWeek(date: WallDate): WallDate {
  return addDays(date, 8 - isoWeekday(date));
}

/** Parses a chrono date that starts at `index` of `text` (used for "until Dec 31"). */
export function dateAt(text: string, index: number, ctx: ParseContext): { date: WallDate; end: number } | null {
  const tail = text.slice(index);
  const lead = tail.length - tail.trimStart().length;
  const results = houseChrono.parse(tail, chronoReference(ctx), { forwardDate: true });
  const first = results[0];
  if (!first || first.index !== lead || !isDateResult(first)) return null;
  return { date: componentsDate(first.start), end: index + first.index + first.text.length };
}

/** Finds dates, clock times, parts of the day and periods in `text`, in the user's zone. */
export function extractWhen(text: string, ctx: ParseContext): When {
  let rest = text;
  const today = wallDateOf(ctx.now, ctx.timeZone);
  let date: WallDate | null = null;
  let endDate: WallDate | null = null;
  let time: WallTime | null = null;
  let endTime: WallTime | null = null;
  let partOfDay: PartOfDay | null = null;
  let period: Period | null = null;

  for (const [re, make] of PERIODS) {
    const m = re.exec(rest);
    if (!m) continue;
    const p = make(m);
    if (!p) continue;
    period = p;
    rest = cut(rest, m.index, m.index + m[0].length);
    break;
  }

  const part = PART_RE.exec(rest);
  if (part) {
    const word = part.groups!.part!.toLowerCase();
    const mod = part.groups!.mod?.toLowerCase() ?? '';
    if (word.startsWith('lunch')) {
      time = { hour: 12, minute: 0 };
      endTime = { hour: 13, minute: 0 };
    } else {
      partOfDay = word === 'tonight' ? 'evening' : (word as PartOfDay);
      if (word === 'tonight' || mod === 'this') date = today;
    }
    rest = cut(rest, part.index, part.index + part[0].length);
  }

  // Clock-time ranges first ("4-5pm", "from 18:00 to 19:30"), then single times ("at 10", "14:30").
  for (const m of rest.matchAll(RANGE_RE)) {
    const g = m.groups!;
    const s = readToken(g, 's');
    const e = readToken(g, 'e');
    if (!validToken(s) || !validToken(e)) continue;
    const sep = g.sep!.toLowerCase();
    const bare = !s.minutesGiven && !s.meridiem && !s.word && !e.minutesGiven && !e.meridiem && !e.word;
    if (sep === 'and' && !/between/i.test(g.pre ?? '')) continue;
    if (bare && !g.pre && !['-', '–', '—'].includes(sep)) continue;
    if (bare && !g.pre && MONTH_BEFORE_RE.test(rest.slice(0, m.index))) continue;
    const endHour = resolveHour(e, partOfDay);
    let startHour = resolveHour(s, partOfDay);
    if (!s.meridiem && e.meridiem && !s.word) {
      startHour = resolveHour(s, partOfDay, e.meridiem);
      if (startHour * 60 + s.minute > endHour * 60 + e.minute) startHour = resolveHour(s, partOfDay, 'am');
    }
    let finalEnd = endHour;
    if (finalEnd * 60 + e.minute <= startHour * 60 + s.minute && finalEnd < 12 && !e.meridiem && !e.word) finalEnd += 12;
    time = { hour: startHour, minute: s.minute };
    endTime = { hour: finalEnd % 24, minute: e.minute };
    rest = cut(rest, m.index, m.index + m[0].length);
    break;
  }
  if (!time) {
    for (const m of rest.matchAll(SINGLE_RE)) {
      const g = m.groups!;
      const s = readToken(g, 's');
      if (!validToken(s)) continue;
      const pre = (g.pre ?? '').trim().toLowerCase();
      const strong = s.word || s.meridiem !== null || s.minutesGiven || /^(?:at|@|around|about|starting)/.test(pre);
      if (!strong) continue;
      if (!s.meridiem && !s.word && !s.minutesGiven && MONTH_BEFORE_RE.test(rest.slice(0, m.index))) continue;
      time = { hour: resolveHour(s, partOfDay) % 24, minute: s.minute };
      rest = cut(rest, m.index, m.index + m[0].length);
      break;
    }
  }

  const results = houseChrono.parse(rest, chronoReference(ctx), { forwardDate: true });
  const dated = results.filter(isDateResult);
  const chosen = dated.at(-1);
  if (chosen) {
    const weekdayOnly = chosen.start.isCertain('weekday') && !chosen.start.isCertain('day');
    date = componentsDate(chosen.start);
    if (period?.kind === 'next_week' && weekdayOnly) {
      date = addDays(mondayOfNextWeek(today), chosen.start.get('weekday')! === 0 ? 6 : chosen.start.get('weekday')! - 1);
    }
    if (chosen.end && (chosen.end.isCertain('day') || chosen.end.isCertain('weekday'))) endDate = componentsDate(chosen.end);
    if (!time && chosen.start.isCertain('hour')) {
      time = { hour: chosen.start.get('hour')!, minute: chosen.start.get('minute') ?? 0 };
      if (chosen.end?.isCertain('hour')) endTime = { hour: chosen.end.get('hour')!, minute: chosen.end.get('minute') ?? 0 };
    }
    if (period && period.kind !== 'rest_of_day') period = null;
  }
  for (const r of dated) rest = cut(rest, r.index, r.index + r.text.length);

  return { date, endDate, time, endTime, partOfDay, period, rest };
}
