// Date ranges for searching (mail): "today", "last month", "since Monday", "in November", in the
// user's zone, on the same zoned-time arithmetic as the calendar.
import { formatClock } from './format.ts';
import { addDays, isoWeekday, startOfDay as startOfWallDay, wallDateOf, zoned } from './zoned-time.ts';

export interface DateRange {
  since?: string;
  before?: string;
  /** How the range reads to a person ("today", "last month"). */
  label: string;
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** Sunday-based weekday (0 = Sunday) of the user's day containing `instant`. */
function weekdayOf(instant: Date, timeZone: string): number {
  return isoWeekday(wallDateOf(instant, timeZone)) % 7;
}

/** The UTC instant of local midnight on a calendar day (month and day may overflow, as in Date.UTC). */
export function zonedMidnight(year: number, month: number, day: number, timeZone: string): Date {
  const d = new Date(Date.UTC(year, month - 1, day));
  return startOfWallDay({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }, timeZone);
}

function startOfDay(now: Date, tz: string, plusDays = 0): Date {
  return startOfWallDay(addDays(wallDateOf(now, tz), plusDays), tz);
}

/** Monday-based weeks, as most of the world counts them. */
function startOfWeek(now: Date, tz: string, addWeeks = 0): Date {
  const today = wallDateOf(now, tz);
  return startOfWallDay(addDays(today, -(isoWeekday(today) - 1) + addWeeks * 7), tz);
}

function startOfMonth(now: Date, tz: string, addMonths = 0): Date {
  const p = wallDateOf(now, tz);
  return zonedMidnight(p.year, p.month + addMonths, 1, tz);
}

const NUMBER_WORDS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, ten: 10, fourteen: 14, thirty: 30 };

// Phrases the parser recognises; the longest forms come first so "from last month" beats "from".
export const DATE_PHRASE =
  /\b(?:(?:from|since|in|during|received|sent)\s+)?(?:today|yesterday|this\s+(?:week|month)|last\s+(?:week|month)|(?:the\s+)?(?:last|past)\s+(?:\d+|one|two|three|four|five|six|seven|ten|fourteen|thirty)\s+(?:days?|weeks?|months?)|(?:last|this)\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|(?:january|february|march|april|may|june|july|august|september|october|november|december))\b/i;

/** Turns a date phrase ("today", "last month", "since Monday", "in November") into an exact range. */
export function resolveDateRange(phrase: string, now: Date, timeZone: string): DateRange | null {
  const p = phrase.toLowerCase().replace(/\s+/g, ' ').trim();
  const core = p.replace(/^(from|since|in|during|received|sent) /, '');
  const since = p.startsWith('since ');
  const iso = (d: Date) => d.toISOString();
  if (core === 'today') return { since: iso(startOfDay(now, timeZone)), label: 'today' };
  if (core === 'yesterday') {
    return since
      ? { since: iso(startOfDay(now, timeZone, -1)), label: 'since yesterday' }
      : { since: iso(startOfDay(now, timeZone, -1)), before: iso(startOfDay(now, timeZone)), label: 'yesterday' };
  }
  if (core === 'this week') return { since: iso(startOfWeek(now, timeZone)), label: 'this week' };
  if (core === 'last week') {
    return since
      ? { since: iso(startOfWeek(now, timeZone, -1)), label: 'since last week' }
      : { since: iso(startOfWeek(now, timeZone, -1)), before: iso(startOfWeek(now, timeZone)), label: 'last week' };
  }
  if (core === 'this month') return { since: iso(startOfMonth(now, timeZone)), label: 'this month' };
  if (core === 'last month') {
    return since
      ? { since: iso(startOfMonth(now, timeZone, -1)), label: 'since last month' }
      : { since: iso(startOfMonth(now, timeZone, -1)), before: iso(startOfMonth(now, timeZone)), label: 'last month' };
  }
  const span = /^(?:the )?(?:last|past) (\d+|[a-z]+) (day|week|month)s?$/.exec(core);
  if (span) {
    const n = /^\d+$/.test(span[1]!) ? Number(span[1]) : NUMBER_WORDS[span[1]!];
    if (!n) return null;
    const unit = span[2]!;
    const start =
      unit === 'day' ? startOfDay(now, timeZone, -(n - 1)) : unit === 'week' ? startOfDay(now, timeZone, -7 * n + 1) : startOfMonth(now, timeZone, -n + 1);
    return { since: iso(start), label: `the last ${n} ${unit}${n === 1 ? '' : 's'}` };
  }
  const wd = /^(?:last |this )?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)$/.exec(core);
  if (wd) {
    const target = WEEKDAYS.indexOf(wd[1]!);
    const today = weekdayOf(now, timeZone);
    let back = (today - target + 7) % 7;
    if (back === 0 && core.startsWith('last ')) back = 7;
    const start = startOfDay(now, timeZone, -back);
    return since
      ? { since: iso(start), label: `since ${wd[1]}` }
      : { since: iso(start), before: iso(startOfDay(now, timeZone, -back + 1)), label: `on ${wd[1]}` };
  }
  const month = MONTHS.indexOf(core);
  if (month >= 0) {
    const p2 = wallDateOf(now, timeZone);
    // A month name means the latest such month that has begun.
    const year = month + 1 <= p2.month ? p2.year : p2.year - 1;
    const start = zonedMidnight(year, month + 1, 1, timeZone);
    const end = zonedMidnight(year, month + 2, 1, timeZone);
    return since ? { since: iso(start), label: `since ${core}` } : { since: iso(start), before: iso(end), label: `in ${core[0]!.toUpperCase()}${core.slice(1)}` };
  }
  return null;
}

const SHORT_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SHORT_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** When a mail came in, as short as it can be read: "today 09:14", "yesterday 18:02", "Mon 14:30", "12 Mar", "12 Mar 2025". */
export function formatReceived(at: Date, now: Date, timeZone: string): string {
  const d = zoned(at, timeZone);
  const hm = formatClock(at, timeZone);
  const t = at.getTime();
  if (t >= startOfDay(now, timeZone).getTime()) return `today ${hm}`;
  if (t >= startOfDay(now, timeZone, -1).getTime()) return `yesterday ${hm}`;
  if (t >= startOfDay(now, timeZone, -6).getTime()) return `${SHORT_DAYS[d.weekday % 7]} ${hm}`;
  return d.year === zoned(now, timeZone).year ? `${d.day} ${SHORT_MONTHS[d.month - 1]}` : `${d.day} ${SHORT_MONTHS[d.month - 1]} ${d.year}`;
}

/** A full date for a mail being read: "Mon, 30 Nov 2026, 09:14". */
export function formatFullDate(at: Date, timeZone: string): string {
  const d = zoned(at, timeZone);
  return `${SHORT_DAYS[d.weekday % 7]}, ${d.day} ${SHORT_MONTHS[d.month - 1]} ${d.year}, ${formatClock(at, timeZone)}`;
}
