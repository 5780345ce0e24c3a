/** Calendar arithmetic in the user's time zone, without a date library. */

export interface DateRange {
  since?: string;
  before?: string;
  /** How the range reads to a person ("today", "last month"). */
  label: string;
}

interface LocalParts {
  year: number;
  month: number; // 1..12
  day: number;
  hour: number;
  minute: number;
  weekday: number; // 0 = Sunday
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

const partsCache = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = partsCache.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    partsCache.set(timeZone, f);
  }
  return f;
}

export function localParts(date: Date, timeZone: string): LocalParts {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(date).map((p) => [p.type, p.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday!),
  };
}

/** The UTC instant of local midnight on a calendar day (month may overflow, as in Date.UTC). */
export function zonedMidnight(year: number, month: number, day: number, timeZone: string): Date {
  const guess = Date.UTC(year, month - 1, day);
  const offsetAt = (t: number) => {
    const p = localParts(new Date(t), timeZone);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - Math.floor(t / 60000) * 60000;
  };
  let t = guess - offsetAt(guess);
  // A second pass settles days where the offset changes (DST).
  t = guess - offsetAt(t);
  return new Date(t);
}

function startOfDay(now: Date, tz: string, addDays = 0): Date {
  const p = localParts(now, tz);
  return zonedMidnight(p.year, p.month, p.day + addDays, tz);
}

/** Monday-based weeks, as most of the world counts them. */
function startOfWeek(now: Date, tz: string, addWeeks = 0): Date {
  const p = localParts(now, tz);
  const sinceMonday = (p.weekday + 6) % 7;
  return zonedMidnight(p.year, p.month, p.day - sinceMonday + addWeeks * 7, tz);
}

function startOfMonth(now: Date, tz: string, addMonths = 0): Date {
  const p = localParts(now, tz);
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
    const today = localParts(now, timeZone).weekday;
    let back = (today - target + 7) % 7;
    if (back === 0 && core.startsWith('last ')) back = 7;
    const start = startOfDay(now, timeZone, -back);
    return since
      ? { since: iso(start), label: `since ${wd[1]}` }
      : { since: iso(start), before: iso(startOfDay(now, timeZone, -back + 1)), label: `on ${wd[1]}` };
  }
  const month = MONTHS.indexOf(core);
  if (month >= 0) {
    const p2 = localParts(now, timeZone);
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

/** When a mail came in, as short as it can be read: "09:14", "yesterday 18:02", "Mon 14:30", "12 Mar", "12 Mar 2025". */
export function formatReceived(at: Date, now: Date, timeZone: string): string {
  const p = localParts(at, timeZone);
  const hm = `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
  const today = startOfDay(now, timeZone).getTime();
  const t = at.getTime();
  if (t >= today) return `today ${hm}`;
  if (t >= startOfDay(now, timeZone, -1).getTime()) return `yesterday ${hm}`;
  if (t >= startOfDay(now, timeZone, -6).getTime()) return `${SHORT_DAYS[p.weekday]} ${hm}`;
  const n = localParts(now, timeZone);
  return p.year === n.year ? `${p.day} ${SHORT_MONTHS[p.month - 1]}` : `${p.day} ${SHORT_MONTHS[p.month - 1]} ${p.year}`;
}

/** A full date for a mail being read: "Mon, 30 Nov 2026, 09:14". */
export function formatFullDate(at: Date, timeZone: string): string {
  const p = localParts(at, timeZone);
  const hm = `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
  return `${SHORT_DAYS[p.weekday]}, ${p.day} ${SHORT_MONTHS[p.month - 1]} ${p.year}, ${hm}`;
}
