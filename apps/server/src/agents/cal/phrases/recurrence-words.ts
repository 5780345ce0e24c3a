import { dateAt, type ParseContext } from './when.ts';
import { cut, ordinal, SMALL_NUMBER_SOURCE, smallNumber, WEEKDAY_SOURCE, weekdayCode } from './words.ts';
import type { WallDate } from '../../../lib/time/zoned-time.ts';

export type Frequency = 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY';

/** The parts of an RRULE that phrases can say. */
export type RuleParts = {
  freq: Frequency;
  interval: number;
  byDay: string[];
  byMonthDay: number | null;
  count: number | null;
  /** Last local day the series may occur on. */
  untilDate: WallDate | null;
};

const WD = WEEKDAY_SOURCE;
const WDS = `${WD}s?`;
const WD_LIST = String.raw`${WDS}(?:\s*(?:,|and|&|\+|\/)\s*${WDS})*`;
const PLURAL_WD = String.raw`(?:mondays|tuesdays|wednesdays|thursdays|fridays|saturdays|sundays)`;
const ORDINAL = String.raw`(?:first|second|third|fourth|fifth|last|1st|2nd|3rd|4th|5th)`;

function weekdayList(text: string): string[] {
  const codes = text.split(/\s*(?:,|and|&|\+|\/)\s*/i).map((w) => weekdayCode(w.trim()));
  return [...new Set(codes.filter((c): c is string => c !== null))];
}

function base(freq: Frequency, interval = 1): RuleParts {
  return { freq, interval, byDay: [], byMonthDay: null, count: null, untilDate: null };
}

type Pattern = [RegExp, (m: RegExpExecArray) => RuleParts | null];

const PATTERNS: Pattern[] = [
  [
    new RegExp(String.raw`\b(?:on\s+)?(?:the\s+|every\s+|each\s+)(?<ord>${ORDINAL})\s+(?<wd>${WD})\s+(?:of\s+)?(?:every|each|the|a)\s+month\b`, 'i'),
    (m) => ({ ...base('MONTHLY'), byDay: [`${ordinal(m.groups!.ord!)}${weekdayCode(m.groups!.wd!)}`] }),
  ],
  [
    new RegExp(String.raw`\b(?:every|each)\s+(?<ord>${ORDINAL})\s+(?<wd>${WD})\b`, 'i'),
    (m) => ({ ...base('MONTHLY'), byDay: [`${ordinal(m.groups!.ord!)}${weekdayCode(m.groups!.wd!)}`] }),
  ],
  [
    /\b(?:on\s+)?the\s+(?<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?:every|each)\s+month\b|\b(?:every|each)\s+month\s+on\s+the\s+(?<d2>\d{1,2})(?:st|nd|rd|th)?\b|\bmonthly\s+on\s+the\s+(?<d3>\d{1,2})(?:st|nd|rd|th)?\b/i,
    (m) => {
      const d = Number(m.groups!.d ?? m.groups!.d2 ?? m.groups!.d3);
      return d >= 1 && d <= 31 ? { ...base('MONTHLY'), byMonthDay: d } : null;
    },
  ],
  [
    /\b(?:every|each)\s+(?:week\s*day|work\s*day|business\s+day)s?\b|\b(?:on\s+)?weekdays\b|\bmonday\s+(?:to|through|thru|-)\s+friday\b/i,
    () => ({ ...base('WEEKLY'), byDay: ['MO', 'TU', 'WE', 'TH', 'FR'] }),
  ],
  [/\b(?:every|each|on)\s+weekends?\b/i, () => ({ ...base('WEEKLY'), byDay: ['SA', 'SU'] })],
  [
    new RegExp(String.raw`\b(?:every|each)\s+(?:(?<n>other|second|third|2nd|3rd|\d+(?:st|nd|rd|th)?)\s+)?(?<days>${WD_LIST})\b`, 'i'),
    (m) => {
      const byDay = weekdayList(m.groups!.days!);
      if (byDay.length === 0) return null;
      return { ...base('WEEKLY', m.groups!.n ? (smallNumber(m.groups!.n) ?? 1) : 1), byDay };
    },
  ],
  [
    new RegExp(String.raw`\b(?:every|each)\s+(?:(?<n>other|${SMALL_NUMBER_SOURCE})\s+)?(?<unit>day|week|month|year|fortnight)s?\b`, 'i'),
    (m) => {
      const unit = m.groups!.unit!.toLowerCase();
      const n = m.groups!.n ? (smallNumber(m.groups!.n) ?? 1) : 1;
      if (unit === 'fortnight') return base('WEEKLY', 2 * n);
      const freq = ({ day: 'DAILY', week: 'WEEKLY', month: 'MONTHLY', year: 'YEARLY' } as const)[unit as 'day'];
      return base(freq, n);
    },
  ],
  [
    /\b(?<word>daily|weekly|fortnightly|bi-?weekly|monthly|yearly|annually)\b/i,
    (m) => {
      const w = m.groups!.word!.toLowerCase();
      if (w === 'daily') return base('DAILY');
      if (w === 'weekly') return base('WEEKLY');
      if (w === 'fortnightly' || w.startsWith('bi')) return base('WEEKLY', 2);
      if (w === 'monthly') return base('MONTHLY');
      return base('YEARLY');
    },
  ],
  [
    new RegExp(String.raw`\b(?:on\s+)?(?<days>${PLURAL_WD}(?:\s*(?:,|and|&)\s*${PLURAL_WD})*)\b`, 'i'),
    (m) => ({ ...base('WEEKLY'), byDay: weekdayList(m.groups!.days!) }),
  ],
];

const COUNT_RE = new RegExp(
  String.raw`\b(?:for\s+(?<n>${SMALL_NUMBER_SOURCE})\s+(?<unit>days|weeks|months|years|times|sessions|occurrences|lessons|classes)|(?<n2>${SMALL_NUMBER_SOURCE})\s+times)\b`,
  'i',
);
const UNTIL_RE = /\b(?:until|till|til|through|thru|ending(?:\s+on)?|ends(?:\s+on)?)\s+/gi;
const STARTING_RE = /\b(?:starting(?:\s+on|\s+from)?|beginning(?:\s+on)?|from|as\s+of)\s+(?=\S)/gi;

export type RecurrenceFound = { rule: RuleParts; rest: string };

/** Finds a recurrence ("every Tuesday", "daily until Dec 31", "weekly for 6 weeks") and blanks it out of the text. */
export function extractRecurrence(text: string, ctx: ParseContext): RecurrenceFound | null {
  let rest = text;
  let rule: RuleParts | null = null;
  for (const [re, make] of PATTERNS) {
    const m = re.exec(rest);
    if (!m) continue;
    const r = make(m);
    if (!r) continue;
    rule = r;
    rest = cut(rest, m.index, m.index + m[0].length);
    break;
  }
  if (!rule) return null;

  for (const m of rest.matchAll(UNTIL_RE)) {
    const found = dateAt(rest, m.index + m[0].length, ctx);
    if (!found) continue;
    rule.untilDate = found.date;
    rest = cut(rest, m.index, found.end);
    break;
  }
  const c = COUNT_RE.exec(rest);
  if (c) {
    const n = smallNumber(c.groups!.n ?? c.groups!.n2!);
    const unit = (c.groups!.unit ?? 'times').toLowerCase();
    if (n && n > 0) {
      const perUnit = unit === 'weeks' && rule.freq === 'WEEKLY' ? Math.max(1, rule.byDay.length) : 1;
      const unitMatches =
        !['days', 'weeks', 'months', 'years'].includes(unit) ||
        ({ days: 'DAILY', weeks: 'WEEKLY', months: 'MONTHLY', years: 'YEARLY' } as const)[unit as 'days'] === rule.freq;
      if (unitMatches) {
        rule.count = Math.ceil((n * perUnit) / rule.interval);
        rest = cut(rest, c.index, c.index + c[0].length);
      }
    }
  }
  // "starting Dec 8": drop the word, keep the date for the date parser.
  for (const m of rest.matchAll(STARTING_RE)) {
    if (dateAt(rest, m.index + m[0].length, ctx)) {
      rest = cut(rest, m.index, m.index + m[0].length);
      break;
    }
  }
  return { rule, rest };
}

/** The RRULE value (without DTSTART) for rule parts; UNTIL is given as a UTC instant. */
export function ruleToRRule(rule: RuleParts, until: Date | null): string {
  const parts = [`FREQ=${rule.freq}`];
  if (rule.interval > 1) parts.push(`INTERVAL=${rule.interval}`);
  if (rule.byDay.length) parts.push(`BYDAY=${rule.byDay.join(',')}`);
  if (rule.byMonthDay !== null) parts.push(`BYMONTHDAY=${rule.byMonthDay}`);
  if (rule.count !== null) parts.push(`COUNT=${rule.count}`);
  else if (until) parts.push(`UNTIL=${until.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')}`);
  return parts.join(';');
}
