// Time phrases people say that chrono and the clock-time patterns do not read
// as this house wants, rewritten into forms they do. Linear-time patterns only.
import { NUMBER_WORD_SOURCE, numberWordsToDigits, parseNumber } from '../nl/numbers.ts';

const HOUR_WORD = `(?:\\d{1,2}|${NUMBER_WORD_SOURCE})`;
const MINUTE_WORDS: Record<string, number> = { quarter: 15, half: 30, 'a quarter': 15 };

function hourValue(word: string): number | null {
  const n = parseNumber(word);
  return n !== null && n >= 0 && n <= 24 ? n : null;
}

function clock(hour: number, minute: number, suffix: string | undefined): string {
  return `${hour}:${String(minute).padStart(2, '0')}${suffix ? ` ${suffix}` : ''}`;
}

// Minutes as a word ("ten past", "quarter to") or digits with "minutes" ("10 minutes to"); "10 to 11" stays a range.
const PAST_TO_RE = new RegExp(
  `\\b(a\\s+quarter|quarter|half|five|ten|twenty|twenty[- ]five|\\d{1,2}(?=\\s+minutes?))(?:\\s+minutes?)?\\s+(past|after|to|before|til)\\s+(${HOUR_WORD}|noon|midnight)(?:\\s*(am|pm|a\\.m\\.|p\\.m\\.))?(?!\\s*(?:minutes?|hours?|days?|weeks?))\\b`,
  'gi',
);

/**
 * "half past 3" -> "3:30", "quarter to 5" -> "4:45", "ten past 9" -> "9:10",
 * "in ninety minutes" -> "in 90 minutes", "the day after tomorrow" kept for chrono.
 * The result keeps words chrono reads and the clock patterns understand.
 */
export function canonicalTimePhrases(text: string): string {
  let t = numberWordsToDigits(text);
  t = t.replace(PAST_TO_RE, (whole, minWord: string, rel: string, hourWord: string, suffix: string | undefined) => {
    const lowerMin = minWord.toLowerCase().replace(/\s+/g, ' ');
    const minutes = MINUTE_WORDS[lowerMin] ?? parseNumber(lowerMin);
    const h = hourWord.toLowerCase() === 'noon' ? 12 : hourWord.toLowerCase() === 'midnight' ? 0 : hourValue(hourWord);
    if (minutes === null || minutes <= 0 || minutes >= 60 || h === null) return whole;
    const ap = suffix?.toLowerCase().replace(/\./g, '');
    if (/^(?:past|after)$/i.test(rel)) return clock(h, minutes, ap);
    const hour = h === 0 ? 23 : h - 1 === 0 && ap ? 12 : h - 1;
    return clock(hour, 60 - minutes, ap);
  });
  // "half 3" (British: half past three), only before a bare hour.
  t = t.replace(/\bhalf\s+(\d{1,2})(?![\d:])(?!\s*(?:hours?|days?|minutes?))\b/gi, (whole, h: string) => {
    const hour = Number(h);
    return hour >= 1 && hour <= 12 ? clock(hour, 30, undefined) : whole;
  });
  // "3 o'clock" already works; "at noon"/"midnight" are read by the clock patterns.
  return t;
}
