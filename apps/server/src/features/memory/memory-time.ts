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

/** The first date expression in `query`, as a half-open period [from, to) in UTC; null when it names none. */
export function queryPeriod(query: string, now: Date): QueryPeriod | null {
  const [r] = chrono.parse(query, { instant: now, timezone: 0 });
  if (!r) return null;
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
