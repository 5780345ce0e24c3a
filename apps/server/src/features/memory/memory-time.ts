// The period a memory question points at ("in May 2023", "on 9 November",
// "last week", "yesterday"), so memories stored in that period rank higher, and
// the date words stop competing with the question's subject words.
import * as chrono from 'chrono-node';

export interface QueryPeriod {
  from: Date;
  to: Date;
  /** The question with the date words taken out. */
  rest: string;
}

const DAY = 86_400_000;

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const COUNTS: Record<string, number> = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10 };
const ORDINALS: Record<string, number> = { first: 1, '1st': 1, second: 2, '2nd': 2, third: 3, '3rd': 3, fourth: 4, '4th': 4 };

/** "the week before 16 May", "the Sunday before 25 October", "two weeks after June 3", "the weekend before my birthday on 3 May". */
const ANCHORED =
  /\b(?:the\s+|last\s+|that\s+)?(week|weekend|day|sunday|monday|tuesday|wednesday|thursday|friday|saturday|(\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten)\s+(days?|weeks?))\s+(before|after|prior\s+to)\s+/i;
/** "the second week of November", "the last week of May 2023". */
const WEEK_OF = /\b(?:the\s+|in\s+the\s+)?(first|1st|second|2nd|third|3rd|fourth|4th|last)\s+week\s+of\s+/i;

const dayOf = (d: Date) => Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
const without = (query: string, start: number, end: number) => `${query.slice(0, start)} ${query.slice(end)}`.replace(/\s+/g, ' ').trim();

/** A period set relative to a date the question names ("the week before 16 May"): see ANCHORED and WEEK_OF. */
function anchoredPeriod(query: string, now: Date): QueryPeriod | null {
  for (const [re, kind] of [[ANCHORED, 'anchored'], [WEEK_OF, 'week-of']] as const) {
    const m = re.exec(query);
    if (!m) continue;
    const after = m.index + m[0].length;
    const [anchor] = chrono.parse(query.slice(after), { instant: now, timezone: 0 });
    // The date must follow the phrase ("before my birthday on 3 May": the words between are kept).
    if (!anchor || (kind === 'week-of' && anchor.index !== 0)) continue;
    const base = dayOf(anchor.start.date());
    const start = m.index;
    const end = after + anchor.index + anchor.text.length;
    const rest = kind === 'anchored' && anchor.index > 0 ? without(query, start, after) : without(query, start, end);
    const clean = rest.replace(new RegExp(`\\s*${anchor.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), '').trim();
    if (kind === 'week-of') {
      const first = Date.UTC(anchor.start.get('year')!, anchor.start.get('month')! - 1, 1);
      const k = m[1]!.toLowerCase();
      const from = k === 'last' ? Date.UTC(anchor.start.get('year')!, anchor.start.get('month')!, 1) - 7 * DAY : first + 7 * DAY * (ORDINALS[k]! - 1);
      return { from: new Date(from), to: new Date(from + 7 * DAY), rest: clean };
    }
    const unit = m[1]!.toLowerCase();
    const before = !/^after$/i.test(m[4]!);
    const sign = before ? -1 : 1;
    let from: number;
    let to: number;
    if (m[2]) {
      // "two weeks before June 3": around that day.
      const weeks = /^week/i.test(m[3]!);
      const n = /^\d+$/.test(m[2]) ? Number(m[2]) : (COUNTS[m[2].toLowerCase()] ?? 1);
      const centre = base + sign * n * (weeks ? 7 : 1) * DAY;
      from = centre - (weeks ? 3 : 0) * DAY;
      to = centre + (weeks ? 4 : 1) * DAY;
    } else if (unit === 'week' || unit === 'day') {
      const length = unit === 'week' ? 7 : 1;
      from = before ? base - length * DAY : base + DAY;
      to = from + length * DAY;
    } else {
      // A weekday, or the weekend (from its Saturday): the nearest one before or after the date.
      const target = unit === 'weekend' ? 6 : WEEKDAYS.indexOf(unit);
      let d = base + sign * DAY;
      while (new Date(d).getUTCDay() !== target) d += sign * DAY;
      if (unit === 'weekend' && before) d -= 7 * DAY * (base - d < 2 * DAY ? 1 : 0);
      from = d;
      to = d + (unit === 'weekend' ? 2 : 1) * DAY;
    }
    return { from: new Date(from), to: new Date(to), rest: clean };
  }
  return null;
}

/** The first date expression in `query`, as a half-open period [from, to) in UTC; null when it names none. */
export function queryPeriod(query: string, now: Date): QueryPeriod | null {
  const anchored = anchoredPeriod(query, now);
  if (anchored) return anchored;
  const results = chrono.parse(query, { instant: now, timezone: 0 });
  const [r] = results;
  if (!r) return null;
  // "between 11 and 15 August", "between August 11 and August 15 2023": chrono reads two dates.
  const second = results[1];
  if (second && /\b(between|from)\s*$/i.test(query.slice(0, r.index)) && /^\s*(and|to|until|till|-|–)\s*$/i.test(query.slice(r.index + r.text.length, second.index))) {
    const year = r.start.isCertain('year') ? r.start.get('year')! : second.start.get('year')!;
    const from = Date.UTC(year, r.start.get('month')! - 1, r.start.get('day')!);
    const to = dayOf(second.start.date()) + DAY;
    const start = query.slice(0, r.index).search(/\b(between|from)\s*$/i);
    if (to > from) return { from: new Date(from), to: new Date(to), rest: without(query, start, second.index + second.text.length) };
  }
  const s = r.start;
  const year = s.get('year')!;
  const month = s.get('month')!;
  let from: number;
  let to: number;
  const relative = [...r.tags()].some((t) => t === 'result/relativeDate') || /\b(last|past|previous|ago)\b/i.test(r.text);
  if (relative && /\b(week|weekend|days?)\b/i.test(r.text)) {
    // "last week", "two days ago": chrono gives one day; the user means a few either side.
    from = Date.UTC(year, month - 1, s.get('day')!) - 3 * DAY;
    to = from + 7 * DAY;
  } else if (s.isCertain('day') || s.isCertain('weekday')) {
    from = Date.UTC(year, month - 1, s.get('day')!);
    to = r.end ? Date.UTC(r.end.get('year')!, r.end.get('month')! - 1, r.end.get('day')!) + DAY : from + DAY;
  } else if (s.isCertain('month')) {
    from = Date.UTC(year, month - 1, 1);
    to = Date.UTC(year, month, 1);
  } else if (s.isCertain('year')) {
    from = Date.UTC(year, 0, 1);
    to = Date.UTC(year + 1, 0, 1);
  } else {
    from = s.date().getTime() - 3 * DAY;
    to = (r.end ?? s).date().getTime() + 3 * DAY;
  }
  if (!(to > from)) return null;
  const rest = `${query.slice(0, r.index)} ${query.slice(r.index + r.text.length)}`.replace(/\s+/g, ' ').trim();
  return { from: new Date(from), to: new Date(to), rest };
}
