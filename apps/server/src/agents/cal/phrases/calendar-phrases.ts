import { DURATION_SOURCE, parseDuration } from './durations.ts';
import { extractRecurrence, ruleToRRule } from './recurrence-words.ts';
import { extractWhen, mondayOfNextWeek, type ParseContext, type PartOfDay, type Period, type When } from './when.ts';
import { cut, squash } from './words.ts';
import { firstStart } from '../../../features/calendar/recurrence.ts';
import { WORKING_HOURS, type DayHours } from '../../../features/calendar/free-slots.ts';
import { formatDay } from '../reply-format.ts';
import { cleanText, fixTypos } from '../../../lib/nl/normalize.ts';
import { canonicalTimePhrases } from '../../../lib/time/house-rules.ts';
import {
  addDays,
  assertTimeZone,
  dayInterval,
  hoursOfDay,
  isoWeekday,
  startOfDay,
  wallDateOf,
  wallTimeOf,
  wallToInstant,
  type Interval,
  type WallDate,
  type WallTime,
} from '../../../lib/time/zoned-time.ts';

export type { ParseContext } from './when.ts';

/** How the user named an existing event: words of its title, and optionally a day or clock time. */
export type EventRef = {
  query: string;
  range: Interval | null;
  time: WallTime | null;
};

/** Where an event should go; a missing part keeps the event's own date or clock time. */
export type MoveTarget = { date: WallDate | null; time: WallTime | null };

export type CalendarRequest =
  | {
      intent: 'create';
      title: string;
      start: Date;
      end: Date;
      allDay: boolean;
      location: string | null;
      /** RRULE value without DTSTART (the series starts at `start`), or null. */
      recurrence: string | null;
    }
  | { intent: 'agenda'; range: Interval; label: string }
  | { intent: 'find'; ref: EventRef }
  | { intent: 'free_at'; start: Date; end: Date }
  | { intent: 'free_slots'; range: Interval; label: string; minutes: number; dayHours: DayHours; skipWeekends: boolean }
  | { intent: 'move'; ref: EventRef; target: MoveTarget }
  | { intent: 'shift'; ref: EventRef; minutes: number }
  | { intent: 'delete'; ref: EventRef }
  | { intent: 'unknown'; missing: 'time' | 'title' | null; title: string | null };

const AGENDA_PART_HOURS: Record<PartOfDay, DayHours> = {
  morning: { from: 6, to: 12 },
  afternoon: { from: 12, to: 18 },
  evening: { from: 18, to: 24 },
  night: { from: 18, to: 24 },
};
const FREE_PART_HOURS: Record<PartOfDay, DayHours> = {
  morning: { from: 8, to: 12 },
  afternoon: { from: 12, to: 18 },
  evening: { from: 18, to: 22 },
  night: { from: 18, to: 23 },
};
const PART_DEFAULT_TIME: Record<PartOfDay, WallTime> = {
  morning: { hour: 9, minute: 0 },
  afternoon: { hour: 14, minute: 0 },
  evening: { hour: 19, minute: 0 },
  night: { hour: 20, minute: 0 },
};
const MEAL_TIMES: Array<[RegExp, WallTime]> = [
  [/\bbreakfast\b/i, { hour: 8, minute: 0 }],
  [/\bbrunch\b/i, { hour: 11, minute: 0 }],
  [/\blunch\b/i, { hour: 12, minute: 0 }],
  [/\b(?:dinner|supper)\b/i, { hour: 19, minute: 0 }],
];
const DEFAULT_EVENT_MINUTES = 60;
const DEFAULT_FREE_MINUTES = 30;

const POLITE_RE =
  /^(?:hey|hi|hello|ok(?:ay)?|so|um+|please|pls|plz|kindly|(?:can|could|would|will)\s+you(?:\s+please)?|i(?:'d|\s+would)\s+like\s+(?:you\s+)?to|i\s+want\s+(?:you\s+)?to|i\s+need\s+(?:you\s+)?to|let's|lets|go\s+ahead\s+and|just)\b[,\s]*/i;

const CREATE_VERB_RE =
  /^(?:add|schedule|create|book(?!\s+(?:club|group|fair|signing|launch|reading|swap)\b)|put|set\s+up|setup|set(?=\s+an?\s)|make|plan|arrange|organi[sz]e|block(?:\s+out|\s+off)?|pencil(?:\s+in)?|insert|enter|save|note(?:\s+down)?|new|remind\s+me\s+(?:about|of|to)|i\s+have|i've\s+got|ive\s+got|i\s+got|i'm\s+having|im\s+having|there's|there\s+is|i\s+need)\b\s*/i;
const DELETE_RE = /^(?:delete|remove|cancel|drop|scrap|erase|clear|call\s+off|get\s+rid\s+of|take\s+(?:off|out))\s+(?<rest>.+)$/i;
const SHIFT_VERB_RE =
  /^(?<verb>push(?:\s+back)?|move(?:\s+back)?|shift|delay|postpone|bump|slide|bring(?:\s+forward)?|pull(?:\s+forward)?|put\s+off|set\s+back|nudge|make)\s+/i;
const MOVE_VERB_RE =
  /^(?:move|reschedule|re-schedule|change|shift|push|postpone|bump|put\s+off|switch|rebook|re-book)\s+(?<rest>.+)$/i;

const FREE_SLOTS_RES = [
  /^when\s+(?:am\s+i|are\s+we|i'?m|is\s+(?:my\s+calendar|there\s+(?:a\s+|any\s+)?(?:gap|time|space|room)))\b/i,
  /^when\s+(?:do|can|could)\s+(?:i|we)\s+(?:have\s+(?:some\s+|any\s+)?(?:free\s+)?time|meet|fit|squeeze|find\s+time|book|schedule)/i,
  /\b(?:free|open|available)\s+(?:slots?|time|times|windows?|spots?|gaps?)\b/i,
  /^(?:find|give|get|show|suggest)\s+(?:me\s+|us\s+)?(?:a|an|some|one|\d+)?\s*(?:free\s+|open\s+)?(?:slots?|time|gaps?|windows?|hour|half\s+(?:an\s+)?hour|\d+[\s-]*(?:min|minute|hour)s?)\b/i,
  /^what\s+(?:times?|slots?)\s+(?:am\s+i|are\s+we|do\s+i\s+have)\s+(?:free|available|open)/i,
  /^where\s+(?:can|could)\s+i\s+(?:fit|squeeze)/i,
  /^do\s+i\s+have\s+(?:any\s+|some\s+)?(?:free\s+)?time\b/i,
];
const FREE_AT_RES = [
  /^(?:am\s+i|are\s+we|i'?m|will\s+i\s+be|would\s+i\s+be|am\s+i\s+going\s+to\s+be)\s+(?:free|available|busy|booked|around|open|clear)\b/i,
  /^is\s+.+\s+(?:free|available|open|taken|busy|booked)$/i,
];
const FIND_RE =
  /^(?:when(?:'s|s|\s+is|\s+are|\s+was|\s+will\s+be|\s+do\s+i\s+have|\s+have\s+i\s+got|\s+am\s+i\s+(?:seeing|meeting|having|at|going\s+to(?:\s+the)?|doing)|\s+do\s+i\s+(?:see|meet|go\s+to))|what\s+time(?:'s|\s+is|\s+are|\s+was)|what\s+day(?:'s|\s+is)|which\s+day\s+is|where(?:'s|\s+is)|find|search(?:\s+for)?|look\s+(?:up|for)|do\s+i\s+have|have\s+i\s+got|is\s+there|are\s+there|have\s+i\s+(?:booked|scheduled))\s+(?<rest>.+)$/i;
const AGENDA_START_RE =
  /^(?:what(?:'s|s|\s+is|\s+are|\s+do\s+i\s+have|\s+have\s+i\s+got|\s+am\s+i\s+doing|\s+does|\s+about|\s+on|\s+else)?|show|list|tell\s+me|give\s+me|display|read|anything|any|how(?:'s|s|\s+is|\s+does|\s+do|\s+are|\s+busy)?|do\s+i\s+have|have\s+i\s+got|is\s+there|are\s+there|check|agenda|calendar|schedule|plans|events|my\s+(?:day|week|schedule|calendar|agenda|plans)|today|tomorrow|tonight)\b/i;
const AGENDA_ANY_RE =
  /\b(?:look(?:s|ing)?\s+like|coming\s+up|upcoming|on\s+my\s+(?:calendar|plate|agenda|schedule)|agenda|my\s+schedule|planned|lined\s+up|what's\s+on|whats\s+on)\b/i;
const QUESTION_START_RE = /^(?:what|when|where|which|who|why|how|do|does|did|is|are|am|was|were|can|could|will|would|should|have|has)\b/i;

// Words that say "any event" rather than naming one.
const GENERIC_WORDS = new Set(
  'got have i we do anything something stuff things plans plan any events event appointments appointment meetings meeting planned scheduled booked on going happening coming up lined in my calendar schedule agenda much a lot lots of busy else there for'.split(' '),
);

function normalize(raw: string): { text: string; question: boolean } {
  let t = canonicalTimePhrases(fixTypos(cleanText(raw)));
  t = squash(t.replace(/(^|\s)@cal\b[:,]?/gi, ' '));
  const question = /\?\s*$/.test(t);
  t = t.replace(/[\s?!.]+$/, '');
  for (let prev = ''; prev !== t; ) {
    prev = t;
    t = t.replace(POLITE_RE, '').trim();
  }
  t = t.replace(/[,\s]+(?:please|pls|thanks|thank\s+you|thx)$/i, '');
  return { text: t, question };
}

function today(ctx: ParseContext): WallDate {
  return wallDateOf(ctx.now, ctx.timeZone);
}

function firstOfMonth(d: WallDate, plusMonths: number): WallDate {
  const m = d.month - 1 + plusMonths;
  return { year: d.year + Math.floor(m / 12), month: (((m % 12) + 12) % 12) + 1, day: 1 };
}

function periodInterval(p: Period, ctx: ParseContext): Interval {
  const tz = ctx.timeZone;
  const t = today(ctx);
  const days = (from: WallDate, n: number): Interval => ({ start: startOfDay(from, tz), end: startOfDay(addDays(from, n), tz) });
  switch (p.kind) {
    case 'week':
      return days(t, 7);
    case 'this_week': {
      // On a Sunday "this week" is the week ahead, not the one day left of it.
      const end = isoWeekday(t) === 7 ? addDays(t, 7) : mondayOfNextWeek(t);
      return { start: startOfDay(t, tz), end: startOfDay(end, tz) };
    }
    case 'next_week':
      return days(mondayOfNextWeek(t), 7);
    case 'weekend': {
      const wd = isoWeekday(t);
      if (wd === 6) return days(t, 2);
      if (wd === 7) return days(t, 1);
      return days(addDays(t, 6 - wd), 2);
    }
    case 'next_weekend':
      return days(addDays(mondayOfNextWeek(t), 5), 2);
    case 'this_month':
      return { start: startOfDay(t, tz), end: startOfDay(firstOfMonth(t, 1), tz) };
    case 'next_month':
      return { start: startOfDay(firstOfMonth(t, 1), tz), end: startOfDay(firstOfMonth(t, 2), tz) };
    case 'days':
      return days(t, p.days);
    case 'rest_of_day':
      return { start: ctx.now, end: startOfDay(addDays(t, 1), tz) };
  }
}

const PERIOD_LABELS: Record<Period['kind'], string> = {
  week: 'this week',
  this_week: 'this week',
  next_week: 'next week',
  weekend: 'this weekend',
  next_weekend: 'next weekend',
  this_month: 'this month',
  next_month: 'next month',
  days: 'in the next days',
  rest_of_day: 'for the rest of today',
};

function dayLabel(date: WallDate, part: PartOfDay | null, ctx: ParseContext): string {
  const t = today(ctx);
  const diff = Math.round((Date.UTC(date.year, date.month - 1, date.day) - Date.UTC(t.year, t.month - 1, t.day)) / 86_400_000);
  const partWord = part ?? '';
  if (diff === 0) return part ? (part === 'night' || part === 'evening' ? 'tonight' : `this ${partWord}`) : 'today';
  if (diff === 1) return part ? `tomorrow ${partWord}` : 'tomorrow';
  const instant = startOfDay(date, ctx.timeZone);
  if (diff > 1 && diff < 7) {
    const weekday = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'][isoWeekday(date) - 1]!;
    return part ? `on ${weekday} ${partWord}` : `on ${weekday}`;
  }
  return part ? `on ${formatDay(instant, ctx.timeZone, ctx.now)} in the ${partWord}` : `on ${formatDay(instant, ctx.timeZone, ctx.now)}`;
}

/** The interval a phrase names (a day, part of a day, or period), with a label for replies. */
function namedRange(when: When, ctx: ParseContext, partHours: Record<PartOfDay, DayHours>): { range: Interval; label: string } | null {
  const tz = ctx.timeZone;
  if (when.period) {
    const label = when.period.kind === 'days' ? `in the next ${when.period.days} days` : PERIOD_LABELS[when.period.kind];
    return { range: periodInterval(when.period, ctx), label };
  }
  const date = when.date ?? (when.partOfDay ? today(ctx) : null);
  if (!date) return null;
  if (when.partOfDay) {
    const h = partHours[when.partOfDay];
    return { range: hoursOfDay(date, h.from, h.to, tz), label: dayLabel(date, when.partOfDay, ctx) };
  }
  const last = when.endDate ?? date;
  const range = { start: startOfDay(date, tz), end: startOfDay(addDays(last, 1), tz) };
  const label = when.endDate ? `${dayLabel(date, null, ctx)} to ${dayLabel(last, null, ctx).replace(/^on /, '')}` : dayLabel(date, null, ctx);
  return { range, label };
}

function stripDangling(s: string): string {
  let t = squash(s);
  for (let prev = ''; prev !== t; ) {
    prev = t;
    t = t
      .replace(/(?:^|\s+)(?:on|at|for|from|to|by|in|this|next|the|and|starting|until|around|about|@|,|-|–|—|:|;)$/i, '')
      .replace(/^(?:on|at|for|from|to|by|in|and|around|about|@|,|-|–|—|:|;)(?:\s+|$)/i, '')
      .trim();
  }
  return t;
}

const CALENDAR_WORDS_RE = /\b(?:to|in|on|into|onto|from|off|out\s+of)\s+(?:my|the|our)\s+(?:calendar|diary|agenda|schedule|cal)\b/gi;

// "tomorrow's bank call": the date went to the date parser, its "'s" stays behind.
const ORPHAN_POSSESSIVE_RE = /(?:^|\s)'s\b/gi;

function cleanTitle(s: string): string {
  let t = squash(s.replace(CALENDAR_WORDS_RE, ' ').replace(ORPHAN_POSSESSIVE_RE, ' '));
  for (let prev = ''; prev !== t; ) {
    prev = t;
    t = stripDangling(
      t
        .replace(CREATE_VERB_RE, '')
        // "I'm meeting Jo" is "Meeting Jo".
        .replace(/^(?:i'?m|i\s+am|we'?re|we\s+are)\s+(?=(?:meeting|seeing|visiting|having|going|playing|doing|hosting|taking)\b)/i, '')
        .replace(/^(?:a|an|the|my|our|new|another)\s+/i, '')
        .replace(/^(?:event|appointment|entry|reminder|meeting)\s+(?:called|named|titled|for|about)\s+/i, '')
        .replace(/^(?:called|named|titled)\s+/i, ''),
    );
  }
  return t.charAt(0).toUpperCase() + t.slice(1);
}

function cleanQuery(s: string): string {
  let t = squash(s.replace(CALENDAR_WORDS_RE, ' ').replace(ORPHAN_POSSESSIVE_RE, ' '));
  for (let prev = ''; prev !== t; ) {
    prev = t;
    t = stripDangling(
      t
        .replace(/^(?:the|my|our|a|an|that|this|next|upcoming|today's|tomorrow's|those|these|all|it|one)(?:\s+|$)/i, '')
        .replace(/\s+(?:event|entry|one|please|again)$/i, '')
        .replace(/^(?:is|are|was|will\s+be)\s+/i, ''),
    );
  }
  return t;
}

function isGeneric(query: string): boolean {
  const words = query.toLowerCase().split(/[^\p{L}\p{N}']+/u).filter(Boolean);
  return words.every((w) => GENERIC_WORDS.has(w));
}

function eventRef(text: string, ctx: ParseContext): EventRef {
  const when = extractWhen(text, ctx);
  const named = namedRange(when, ctx, AGENDA_PART_HOURS);
  return { query: cleanQuery(when.rest), range: named?.range ?? null, time: when.time };
}

const DURATION_RE = new RegExp(`(?<!\\bin\\s)(?:\\b(?:for|lasting)\\s+(?:about\\s+|around\\s+|roughly\\s+)?)?\\b(?<d>${DURATION_SOURCE})(?:[\\s-]+long)?`, 'i');

function takeDuration(text: string): { minutes: number | null; rest: string } {
  const m = DURATION_RE.exec(text);
  if (!m) return { minutes: null, rest: text };
  const minutes = parseDuration(m.groups!.d!);
  if (!minutes || minutes <= 0 || minutes > 14 * 24 * 60) return { minutes: null, rest: text };
  let start = m.index;
  // "a 30 minute call": the article belongs to the duration.
  const before = /\b(?:an?)\s+$/i.exec(text.slice(0, start));
  if (before && !/^(?:for|lasting)\b/i.test(m[0])) start -= before[0].length;
  return { minutes, rest: cut(text, start, m.index + m[0].length) };
}

// ---- intents ----

function parseShift(text: string, ctx: ParseContext): CalendarRequest | null {
  const verb = SHIFT_VERB_RE.exec(text);
  if (!verb) return null;
  const body = text.slice(verb[0].length);
  const by = new RegExp(`\\bby\\s+(?<d>${DURATION_SOURCE})`, 'i').exec(body);
  const dir = new RegExp(`(?<d>${DURATION_SOURCE})\\s+(?<dir>later|earlier|sooner|back|forward|ahead)\\b`, 'i').exec(body);
  // "delay the bank call 15 minutes": a bare duration, as long as no target date follows.
  const plain = /\b(?:to|until|till|for)\b/i.test(body) ? null : new RegExp(`(?<d>${DURATION_SOURCE})`, 'i').exec(body);
  const m = by ?? dir ?? plain;
  if (!m) return null;
  const minutes = parseDuration(m.groups!.d!);
  if (!minutes) return null;
  const v = verb.groups!.verb!.toLowerCase();
  let sign = 1;
  if (/\b(?:earlier|sooner)\b/i.test(body)) sign = -1;
  else if (/\b(?:later|back)\b/i.test(body) || /back$/.test(v)) sign = 1;
  else if (/\b(?:forward|ahead|up)\b/i.test(body) || /forward$/.test(v) || /^(?:bring|pull)/.test(v)) sign = -1;
  let rest = cut(body, m.index, m.index + m[0].length);
  rest = rest.replace(/\b(?:later|earlier|sooner|back|forward|ahead|up)\b/gi, ' ');
  return { intent: 'shift', ref: eventRef(rest, ctx), minutes: sign * minutes };
}

function parseMoveTarget(text: string, ctx: ParseContext): MoveTarget | null {
  let t = text.trim();
  if (/^\d/.test(t)) t = `at ${t}`;
  const when = extractWhen(t, ctx);
  const leftover = squash(when.rest.replace(/\b(?:instead|then|o'?clock|the|same|time|day|on|at|please|sharp)\b/gi, ' '));
  if (leftover) return null;
  if (!when.date && !when.time) return null;
  return { date: when.date, time: when.time };
}

function parseMove(text: string, ctx: ParseContext): CalendarRequest | null {
  const m = MOVE_VERB_RE.exec(text);
  if (!m) return null;
  const body = m.groups!.rest!;
  // The first "to" whose right side is only a date or time wins ("move the trip to Paris to Friday");
  // "at" separates only when no "to" does ("put the haircut at 11").
  const seps = [
    ...body.matchAll(/\s(?:to|until|till|for|->|→)\s/gi),
    ...body.matchAll(/\s(?:at)\s/gi),
  ];
  for (const sep of seps) {
    const target = parseMoveTarget(body.slice(sep.index + sep[0].length), ctx);
    if (!target) continue;
    const ref = eventRef(body.slice(0, sep.index), ctx);
    if (!ref.query && !ref.time && !ref.range) continue;
    return { intent: 'move', ref, target };
  }
  return null;
}

function parseFree(text: string, ctx: ParseContext): CalendarRequest | null {
  const slots = FREE_SLOTS_RES.some((re) => re.test(text));
  const at = !slots && FREE_AT_RES.some((re) => re.test(text));
  if (!slots && !at) return null;
  const { minutes, rest } = takeDuration(text);
  const when = extractWhen(rest, ctx);
  if (when.time && !slots) return freeAt(when, minutes, ctx);
  const named = namedRange(when, ctx, FREE_PART_HOURS);
  const tz = ctx.timeZone;
  const range = named?.range ?? { start: ctx.now, end: startOfDay(addDays(today(ctx), 1), tz) };
  const dayHours = when.partOfDay ? FREE_PART_HOURS[when.partOfDay] : WORKING_HOURS;
  const multiDay = range.end.getTime() - range.start.getTime() > 26 * 3_600_000;
  return {
    intent: 'free_slots',
    range,
    label: named?.label ?? 'today',
    minutes: minutes ?? DEFAULT_FREE_MINUTES,
    dayHours,
    skipWeekends: multiDay && when.period?.kind !== 'weekend' && when.period?.kind !== 'next_weekend',
  };
}

function freeAt(when: When, minutes: number | null, ctx: ParseContext): CalendarRequest {
  const time = when.time!;
  let date = when.date;
  if (!date) {
    date = today(ctx);
    if (wallToInstant(date, time, ctx.timeZone) <= ctx.now) date = addDays(date, 1);
  }
  const start = wallToInstant(date, time, ctx.timeZone);
  let end = new Date(start.getTime() + (minutes ?? DEFAULT_FREE_MINUTES) * 60_000);
  if (when.endTime) {
    end = wallToInstant(date, when.endTime, ctx.timeZone);
    if (end <= start) end = wallToInstant(addDays(date, 1), when.endTime, ctx.timeZone);
  }
  return { intent: 'free_at', start, end };
}

const AGENDA_NOUNS_RE = /\b(?:calendar|schedule|agenda|plans?|events?|appointments?|meetings?|week|day|diary)\b/i;

/** An agenda request, or null when nothing in the text is about the calendar. */
function parseAgenda(text: string, ctx: ParseContext): CalendarRequest | null {
  const when = extractWhen(text, ctx);
  if (when.time && !when.endTime && !when.partOfDay) return freeAt(when, null, ctx);
  const named = namedRange(when, ctx, AGENDA_PART_HOURS);
  if (named) return { intent: 'agenda', ...named };
  const t = today(ctx);
  if (/\b(?:my|the)\s+day\b/i.test(text)) return { intent: 'agenda', range: dayInterval(t, ctx.timeZone), label: 'today' };
  const leftover = cleanQuery(when.rest.replace(AGENDA_START_RE, ' '));
  if (!AGENDA_ANY_RE.test(text) && !AGENDA_NOUNS_RE.test(text) && leftover && !isGeneric(leftover)) return null;
  return {
    intent: 'agenda',
    range: { start: startOfDay(t, ctx.timeZone), end: startOfDay(addDays(t, 7), ctx.timeZone) },
    label: 'in the next 7 days',
  };
}

function parseCreate(text: string, ctx: ParseContext): CalendarRequest {
  const tz = ctx.timeZone;
  let work = text;
  let explicitTitle: string | null = null;
  const quoted = /"([^"]+)"/.exec(work);
  if (quoted) {
    explicitTitle = quoted[1]!.trim();
    work = cut(work, quoted.index, quoted.index + quoted[0].length);
  }
  const rec = extractRecurrence(work, ctx);
  if (rec) work = rec.rest;
  const duration = takeDuration(work);
  work = duration.rest;
  const when = extractWhen(work, ctx);
  work = when.rest;

  let location: string | null = null;
  let titleText = squash(work.replace(CALENDAR_WORDS_RE, ' '));
  titleText = stripDangling(titleText);
  const loc = /\s(?:at|in|@)\s+(?<loc>(?:the\s+)?[\p{Lu}\p{N}][\p{L}\p{N}'&.-]*(?:\s+(?:[\p{Lu}\p{N}][\p{L}\p{N}'&.-]*|of|the|de|la|del|von|am|an|and|&))*)(?=$|\s+with\s)/u.exec(
    ` ${titleText}`,
  );
  if (loc) {
    location = loc.groups!.loc!.trim();
    const full = ` ${titleText}`;
    titleText = full.slice(0, loc.index) + full.slice(loc.index + loc[0].length);
  }
  const title = explicitTitle ?? cleanTitle(titleText);
  if (!title) return { intent: 'unknown', missing: 'title', title: null };

  let time = when.time;
  if (!time && when.partOfDay) time = PART_DEFAULT_TIME[when.partOfDay];
  if (!time && (when.date || rec)) time = MEAL_TIMES.find(([re]) => re.test(title))?.[1] ?? null;
  let date = when.date;
  if (!date && !time && !rec) return { intent: 'unknown', missing: 'time', title };
  const t = today(ctx);
  if (!date) {
    date = t;
    if (time && !rec && wallToInstant(date, time, tz) <= ctx.now) date = addDays(date, 1);
  }
  const allDay = time === null;
  let start = allDay ? startOfDay(date, tz) : wallToInstant(date, time!, tz);
  let end: Date;
  if (allDay) end = startOfDay(addDays(when.endDate ?? date, Math.max(1, duration.minutes ? Math.ceil(duration.minutes / 1440) : 1)), tz);
  else if (when.endTime) {
    end = wallToInstant(when.endDate ?? date, when.endTime, tz);
    if (end <= start) end = wallToInstant(addDays(when.endDate ?? date, 1), when.endTime, tz);
  } else end = new Date(start.getTime() + (duration.minutes ?? DEFAULT_EVENT_MINUTES) * 60_000);

  let recurrence: string | null = null;
  if (rec) {
    const until = rec.rule.untilDate ? new Date(startOfDay(addDays(rec.rule.untilDate, 1), tz).getTime() - 1000) : null;
    recurrence = ruleToRRule(rec.rule, until);
    const notBefore = when.date ? start : allDay ? startOfDay(t, tz) : ctx.now;
    // The series starts at the first matching day; "every other Friday" counts its weeks from there.
    const firstDay = ruleToRRule({ ...rec.rule, interval: 1, count: null, untilDate: null }, null);
    const first = firstStart(firstDay, start, notBefore, tz);
    if (first && first.getTime() !== start.getTime()) {
      const length = end.getTime() - start.getTime();
      if (allDay) {
        const days = Math.round(length / 86_400_000);
        const firstDate = wallDateOf(first, tz);
        start = startOfDay(firstDate, tz);
        end = startOfDay(addDays(firstDate, Math.max(1, days)), tz);
      } else {
        start = first;
        end = new Date(first.getTime() + length);
      }
    }
  }
  return { intent: 'create', title, start, end, allDay, location, recurrence };
}

/**
 * Understands one calendar request in plain English, in the user's time zone.
 * Pure: the clock and the zone come in, nothing is looked up.
 */
export function parseCalendarRequest(raw: string, ctx: ParseContext): CalendarRequest {
  assertTimeZone(ctx.timeZone);
  const { text, question } = normalize(raw);
  if (!text) return { intent: 'unknown', missing: null, title: null };

  const del = DELETE_RE.exec(text);
  if (del) return { intent: 'delete', ref: eventRef(del.groups!.rest!, ctx) };

  const shift = parseShift(text, ctx);
  if (shift) return shift;
  const move = parseMove(text, ctx);
  if (move) return move;
  const free = parseFree(text, ctx);
  if (free) return free;

  const find = FIND_RE.exec(text);
  if (find) {
    const ref = eventRef(find.groups!.rest!, ctx);
    if (ref.query && !isGeneric(ref.query)) return { intent: 'find', ref };
    const agenda = parseAgenda(text, ctx);
    if (agenda) return agenda;
  }

  if (CREATE_VERB_RE.test(text) && !/^(?:schedule|calendar|agenda)\s+(?:for|on)\b/i.test(text)) return parseCreate(text, ctx);
  if (AGENDA_START_RE.test(text) || AGENDA_ANY_RE.test(text)) {
    const agenda = parseAgenda(text, ctx);
    if (agenda) return agenda;
  }

  const looksLikeQuestion = question || QUESTION_START_RE.test(text);
  const created = parseCreate(text, ctx);
  if (created.intent === 'create' && !looksLikeQuestion) return created;
  if (looksLikeQuestion) {
    const ref = eventRef(text, ctx);
    if (ref.query && !isGeneric(ref.query) && ref.range) return { intent: 'find', ref };
  }
  return { intent: 'unknown', missing: null, title: null };
}

/** Where a moved event starts: the target's date and clock time, each defaulting to the event's own. */
export function resolveMoveTarget(eventStart: Date, target: MoveTarget, timeZone: string): Date {
  const date = target.date ?? wallDateOf(eventStart, timeZone);
  const time = target.time ?? wallTimeOf(eventStart, timeZone);
  return wallToInstant(date, time, timeZone);
}

/** "4pm", "Saturday", "Friday at 10", "the 14th": a pure day and/or time (for corrections like "no, 4pm"). */
export function parseTargetPhrase(raw: string, ctx: ParseContext): MoveTarget | null {
  const { text } = normalize(raw);
  return text ? parseMoveTarget(text, ctx) : null;
}

/** The length a phrase sets or the change it makes: "30 minutes", "an hour longer", "15 minutes shorter", "by 20 minutes". */
export function parseLengthChange(raw: string): { kind: 'set' | 'longer' | 'shorter'; minutes: number } | null {
  const { text } = normalize(raw);
  const m = new RegExp(`(?<d>${DURATION_SOURCE})`, 'i').exec(text);
  if (!m) return null;
  const minutes = parseDuration(m.groups!.d!);
  if (!minutes || minutes <= 0 || minutes > 24 * 60) return null;
  const after = text.slice(m.index + m[0].length);
  const before = text.slice(0, m.index);
  if (/^\s*(?:longer|more|extra)\b/i.test(after) || /\b(?:extend|lengthen|add)\b/i.test(before)) return { kind: 'longer', minutes };
  if (/^\s*(?:shorter|less)\b/i.test(after) || /\b(?:shorten|cut|trim|reduce)\b/i.test(before)) return { kind: 'shorter', minutes };
  return { kind: 'set', minutes };
}

/** The words naming an event in a rename/resize command, without the command words. */
export function eventWords(raw: string, ctx: ParseContext): EventRef {
  const { text } = normalize(raw);
  return eventRef(text, ctx);
}
