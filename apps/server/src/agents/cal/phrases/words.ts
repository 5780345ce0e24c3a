// Word lists shared by the phrase parsers.

export const WEEKDAY_SOURCE = String.raw`(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday|s)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)`;

/** RFC 5545 weekday code of an English weekday name or abbreviation, e.g. "Tues" -> "TU". */
export function weekdayCode(word: string): string | null {
  const w = word.toLowerCase();
  const codes: Array<[RegExp, string]> = [
    [/^mon/, 'MO'], [/^tue/, 'TU'], [/^wed/, 'WE'], [/^thu/, 'TH'], [/^fri/, 'FR'], [/^sat/, 'SA'], [/^sun/, 'SU'],
  ];
  for (const [re, code] of codes) if (re.test(w)) return code;
  return null;
}

export const WEEKDAY_CODES = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;

/** ISO weekday number (1 = Monday) of an RFC 5545 weekday code. */
export function isoOfCode(code: string): number {
  return WEEKDAY_CODES.indexOf(code as (typeof WEEKDAY_CODES)[number]) + 1;
}

const SMALL_NUMBERS: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, fifteen: 15, twenty: 20, thirty: 30, few: 3, couple: 2, other: 2, second: 2, third: 3,
};

export const SMALL_NUMBER_SOURCE = String.raw`(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty)`;

export function smallNumber(word: string): number | null {
  const w = word.toLowerCase().replace(/(?:st|nd|rd|th)$/, '');
  if (/^\d+$/.test(w)) return Number(w);
  return SMALL_NUMBERS[w] ?? null;
}

const ORDINALS: Record<string, number> = {
  first: 1, '1st': 1, second: 2, '2nd': 2, third: 3, '3rd': 3, fourth: 4, '4th': 4, fifth: 5, '5th': 5, last: -1,
};

export function ordinal(word: string): number | null {
  return ORDINALS[word.toLowerCase()] ?? null;
}

/** Blanks [start, end) of `text` with spaces, so indices of the rest stay valid and words stay apart. */
export function cut(text: string, start: number, end: number): string {
  return text.slice(0, start) + ' '.repeat(Math.max(0, end - start)) + text.slice(end);
}

export function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
