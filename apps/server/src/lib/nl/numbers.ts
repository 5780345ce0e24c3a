// Numbers and ordinals as people type them: "2", "two", "twenty-five", "2nd", "second", "last".

const UNITS: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19,
};
const TENS: Record<string, number> = { twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90 };
const ORDINAL_UNITS: Record<string, number> = {
  first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10,
  eleventh: 11, twelfth: 12, thirteenth: 13, fourteenth: 14, fifteenth: 15, sixteenth: 16, seventeenth: 17,
  eighteenth: 18, nineteenth: 19, twentieth: 20, thirtieth: 30,
};

/** Source of a regex matching one number word or compound ("twenty-five", "ninety"), no groups. */
export const NUMBER_WORD_SOURCE = `(?:(?:${Object.keys(TENS).join('|')})(?:[- ](?:${Object.keys(UNITS).filter((u) => UNITS[u]! < 10 && UNITS[u]! > 0).join('|')}))?|${Object.keys(UNITS).join('|')})`;

/** The value of "7", "seven", "twenty-five", "a hundred" (up to 999); null otherwise. */
export function parseNumber(word: string): number | null {
  const w = word.trim().toLowerCase();
  if (/^\d{1,6}$/.test(w)) return Number(w);
  if (w === 'a hundred' || w === 'one hundred' || w === 'hundred') return 100;
  if (w in UNITS) return UNITS[w]!;
  const m = /^([a-z]+)(?:[- ]([a-z]+))?$/.exec(w);
  if (m && m[1]! in TENS) {
    if (!m[2]) return TENS[m[1]!]!;
    const u = UNITS[m[2]];
    if (u !== undefined && u > 0 && u < 10) return TENS[m[1]!]! + u;
  }
  return null;
}

/**
 * The position an ordinal names: "2nd" and "second" are 2, "twenty-first" 21,
 * "last" is -1 (counted from the end). Null when the word is no ordinal.
 */
export function parseOrdinal(word: string): number | null {
  const w = word.trim().toLowerCase();
  if (w === 'last' || w === 'final') return -1;
  const digits = /^(\d{1,3})(?:st|nd|rd|th)$/.exec(w);
  if (digits) return Number(digits[1]);
  if (w in ORDINAL_UNITS) return ORDINAL_UNITS[w]!;
  const m = /^([a-z]+)[- ]([a-z]+)$/.exec(w);
  if (m && m[1]! in TENS) {
    const u = ORDINAL_UNITS[m[2]!];
    if (u !== undefined && u < 10) return TENS[m[1]!]! + u;
  }
  return null;
}

/** Source of a regex matching one ordinal ("2nd", "second", "twenty-first", "last"), no groups. */
export const ORDINAL_SOURCE = `(?:\\d{1,3}(?:st|nd|rd|th)|(?:${Object.keys(TENS).join('|')})[- ](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|${Object.keys(ORDINAL_UNITS).join('|')}|last|final)`;

/** Number words followed by a unit become digits ("in ninety minutes" -> "in 90 minutes"). */
export function numberWordsToDigits(text: string): string {
  const re = new RegExp(`\\b(${NUMBER_WORD_SOURCE})(?=\\s+(?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?)\\b)`, 'gi');
  return text.replace(re, (m) => String(parseNumber(m.replace(/\s+/g, ' ')) ?? m));
}
