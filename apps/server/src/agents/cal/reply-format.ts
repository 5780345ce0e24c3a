import type { DateTime } from 'luxon';
import { parseRRule } from '../../features/calendar/recurrence.ts';
import { zoned } from '../../lib/time/zoned-time.ts';
import { formatClock, type TimeFormat } from '../../lib/time/format.ts';

// Replies are short, in the user's zone, 24-hour clock, English day and month names.
const LOCALE = 'en-GB';

export type DisplayEvent = {
  title: string;
  start: Date;
  end: Date;
  allDay: boolean;
  location?: string | null;
  rrule?: string | null;
  timeZone?: string;
};

/** Bold markdown for an event title, with the user's own asterisks and underscores escaped. */
export function bold(title: string): string {
  return `**${title.replace(/([*_`\\])/g, '\\$1')}**`;
}

function dt(instant: Date, timeZone: string): DateTime {
  return zoned(instant, timeZone).setLocale(LOCALE);
}

/** "Thu 3 Dec", with the year when it is not the year of `now`. */
export function formatDay(instant: Date, timeZone: string, now?: Date): string {
  const d = dt(instant, timeZone);
  const sameYear = !now || zoned(now, timeZone).year === d.year;
  return d.toFormat(sameYear ? 'ccc d LLL' : 'ccc d LLL yyyy');
}

/** A clock time in replies; the one formatter is lib/time's (the user's 12/24-hour setting goes there). */
export function formatTime(instant: Date, timeZone: string, format?: TimeFormat): string {
  return formatClock(instant, timeZone, format);
}

/** "Thu 3 Dec, 10:00–11:00", "Thu 3 Dec (all day)", "Fri 4 Dec, 22:00 – Sat 5 Dec, 01:00". */
export function formatSpan(start: Date, end: Date, allDay: boolean, timeZone: string, now?: Date): string {
  if (allDay) {
    const lastDay = new Date(end.getTime() - 1);
    const same = zoned(start, timeZone).hasSame(zoned(lastDay, timeZone), 'day');
    return same
      ? `${formatDay(start, timeZone, now)} (all day)`
      : `${formatDay(start, timeZone, now)} – ${formatDay(lastDay, timeZone, now)} (all day)`;
  }
  const sameDay = zoned(start, timeZone).hasSame(zoned(end, timeZone), 'day') || isMidnightAfter(start, end, timeZone);
  if (sameDay) return `${formatDay(start, timeZone, now)}, ${formatTime(start, timeZone)}–${formatTime(end, timeZone)}`;
  return `${formatDay(start, timeZone, now)}, ${formatTime(start, timeZone)} – ${formatDay(end, timeZone, now)}, ${formatTime(end, timeZone)}`;
}

function isMidnightAfter(start: Date, end: Date, timeZone: string): boolean {
  const e = zoned(end, timeZone);
  return e.hour === 0 && e.minute === 0 && zoned(start, timeZone).plus({ days: 1 }).hasSame(e, 'day');
}

/** "10:00–11:00" or "all day", for a line in an agenda that already names the day. */
export function formatClockSpan(start: Date, end: Date, allDay: boolean, timeZone: string): string {
  if (allDay) return 'all day';
  return `${formatTime(start, timeZone)}–${formatTime(end, timeZone)}`;
}

const DAY_NAMES: Record<string, string> = {
  MO: 'Monday', TU: 'Tuesday', WE: 'Wednesday', TH: 'Thursday', FR: 'Friday', SA: 'Saturday', SU: 'Sunday',
};
const ORDINAL_NAMES: Record<number, string> = { 1: 'first', 2: 'second', 3: 'third', 4: 'fourth', 5: 'fifth', [-1]: 'last' };

function listWords(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

function nth(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${s}`;
}

/** "every Tuesday", "every weekday", "every 2 weeks on Monday", "on the first Monday of every month", "until Thu 31 Dec". */
export function describeRecurrence(rruleValue: string, start: Date, timeZone: string, now?: Date): string {
  const upper = rruleValue.toUpperCase();
  const get = (key: string) => new RegExp(`(?:^|;)${key}=([^;]+)`).exec(upper)?.[1] ?? null;
  const freq = get('FREQ');
  const interval = Number(get('INTERVAL') ?? 1);
  const byDay = (get('BYDAY') ?? '').split(',').filter(Boolean);
  const byMonthDay = get('BYMONTHDAY');
  const startDt = zoned(start, timeZone);
  let text: string;
  if (freq === 'DAILY') text = interval > 1 ? `every ${interval} days` : 'every day';
  else if (freq === 'WEEKLY') {
    const days = byDay.length ? byDay : [['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'][startDt.weekday - 1]!];
    const weekdays = days.length === 5 && ['MO', 'TU', 'WE', 'TH', 'FR'].every((d) => days.includes(d));
    const names = weekdays ? 'weekday' : listWords(days.map((d) => DAY_NAMES[d] ?? d));
    text = interval === 1 ? `every ${names}` : interval === 2 ? `every other ${names}` : `every ${interval} weeks on ${names}`;
  } else if (freq === 'MONTHLY') {
    const m = /^(-?\d)([A-Z]{2})$/.exec(byDay[0] ?? '');
    const every = interval > 1 ? `every ${interval} months` : 'every month';
    if (m) text = `on the ${ORDINAL_NAMES[Number(m[1])] ?? m[1]} ${DAY_NAMES[m[2]!]} of ${every}`;
    else text = `${every} on the ${nth(Number(byMonthDay ?? startDt.day))}`;
  } else if (freq === 'YEARLY') text = `every year on ${startDt.setLocale(LOCALE).toFormat('d LLLL')}`;
  else text = 'repeating';
  const count = get('COUNT');
  if (count) text += `, ${count} times`;
  else {
    const until = parseRRule(rruleValue).until;
    if (until) text += ` until ${formatDay(until, timeZone, now)}`;
  }
  return text;
}

/** "Added **Haircut** — Thu 3 Dec, 10:00–11:00." */
export function addedReply(e: DisplayEvent, timeZone: string, now?: Date): string {
  return `Added ${bold(e.title)} — ${whenText(e, timeZone, now)}${e.location ? ` at ${e.location}` : ''}.`;
}

/** The "when" of an event: its span, or for a series its rule, clock times and first day. */
export function whenText(e: DisplayEvent, timeZone: string, now?: Date): string {
  if (!e.rrule) return formatSpan(e.start, e.end, e.allDay, timeZone, now);
  const rule = describeRecurrence(e.rrule, e.start, e.timeZone ?? timeZone, now);
  const clock = e.allDay ? 'all day' : formatClockSpan(e.start, e.end, false, timeZone);
  return `${rule}, ${clock}, from ${formatDay(e.start, timeZone, now)}`;
}

/** "today", "tomorrow" or "Thu 3 Dec" for the local day of `instant`. */
export function relativeDayName(instant: Date, timeZone: string, now: Date): string {
  const d = zoned(instant, timeZone).startOf('day');
  const today = zoned(now, timeZone).startOf('day');
  const diff = Math.round(d.diff(today, 'days').days);
  if (diff === 0) return 'today';
  if (diff === 1) return 'tomorrow';
  return formatDay(instant, timeZone, now);
}

export type AgendaLine = { title: string; start: Date; end: Date; allDay: boolean; location?: string | null };

/** An agenda grouped by local day: a bold day heading, then "- 10:00–11:00 **Haircut**" lines. */
export function agendaReply(items: AgendaLine[], label: string, timeZone: string, now: Date): string {
  if (items.length === 0) return `Nothing on your calendar ${label}.`;
  const byDay = new Map<string, AgendaLine[]>();
  for (const item of items) {
    // An event that began earlier and is still under way is listed on the range's first day.
    const key = zoned(item.start, timeZone).toISODate()!;
    const list = byDay.get(key) ?? [];
    list.push(item);
    byDay.set(key, list);
  }
  const lines: string[] = [];
  for (const list of byDay.values()) {
    lines.push(`**${formatDay(list[0]!.start, timeZone, now)}**`);
    for (const item of list) {
      const where = item.location ? ` (${item.location})` : '';
      lines.push(`- ${formatClockSpan(item.start, item.end, item.allDay, timeZone)} ${bold(item.title)}${where}`);
    }
  }
  const count = items.length === 1 ? '1 event' : `${items.length} events`;
  return `${capitalize(label)}: ${count}.\n${lines.join('\n')}`;
}

export function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
