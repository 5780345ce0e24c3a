// Durations as people type them: "20 minutes", "an hour", "1.5 hours", "1h30", "half an hour".

const NUMBER_WORDS: Record<string, number> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, fifteen: 15, twenty: 20, thirty: 30, forty: 40, 'forty-five': 45, 'forty five': 45,
  fifty: 50, sixty: 60, ninety: 90, couple: 2, 'a couple of': 2, few: 3, 'a few': 3,
};

const NUM = String.raw`(?:\d+(?:[.,]\d+)?|a couple of|a few|forty[- ]five|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|ninety)`;
const HOURS = String.raw`(?:hours?|hrs?)`;
const MINUTES = String.raw`(?:minutes?|mins?)`;

/** Source of a regular expression matching one duration phrase (no capture groups). */
export const DURATION_SOURCE = [
  String.raw`(?:an?|one)\s+and\s+a\s+half\s+hours?`,
  String.raw`(?:an?|one)\s+hour\s+and\s+a\s+half`,
  String.raw`\d+\s+and\s+a\s+half\s+hours?`,
  String.raw`half\s+an?\s+hour`,
  String.raw`(?:a\s+)?quarter\s+(?:of\s+an\s+)?hour`,
  String.raw`\d+\s*h\s*\d{1,2}(?:\s*m(?:in)?)?\b`,
  String.raw`${NUM}\s*-?\s*${HOURS}(?:\s*(?:and\s+)?\d+\s*${MINUTES})?`,
  String.raw`\d+(?:[.,]\d+)?\s*h\b`,
  String.raw`${NUM}\s*-?\s*${MINUTES}`,
  String.raw`\d+\s*m\b`,
].map((s) => `(?:${s})`).join('|');

function numberValue(word: string): number | null {
  const w = word.trim().toLowerCase();
  if (/^\d+(?:[.,]\d+)?$/.test(w)) return Number(w.replace(',', '.'));
  return NUMBER_WORDS[w] ?? null;
}

/** Minutes in a duration phrase, or null when the text is not one. */
export function parseDuration(text: string): number | null {
  const t = text.trim().toLowerCase().replace(/\s+/g, ' ');
  if (/^(?:an?|one) and a half hours?$/.test(t) || /^(?:an?|one) hour and a half$/.test(t)) return 90;
  let m = /^(\d+) and a half hours?$/.exec(t);
  if (m) return Number(m[1]) * 60 + 30;
  if (/^half an? hour$/.test(t)) return 30;
  if (/^(?:a )?quarter (?:of an )?hour$/.test(t)) return 15;
  m = /^(\d+)\s*h\s*(\d{1,2})(?:\s*m(?:in)?)?$/.exec(t);
  if (m) return Number(m[1]) * 60 + Number(m[2]);
  m = new RegExp(String.raw`^(${NUM})\s*-?\s*${HOURS}(?:\s*(?:and\s+)?(\d+)\s*${MINUTES})?$`).exec(t);
  if (m) {
    const hours = numberValue(m[1]!);
    if (hours === null) return null;
    return Math.round(hours * 60) + (m[2] ? Number(m[2]) : 0);
  }
  m = /^(\d+(?:[.,]\d+)?)\s*h$/.exec(t);
  if (m) return Math.round(Number(m[1]!.replace(',', '.')) * 60);
  m = new RegExp(String.raw`^(${NUM})\s*-?\s*${MINUTES}$`).exec(t);
  if (m) {
    const minutes = numberValue(m[1]!);
    return minutes === null ? null : Math.round(minutes);
  }
  m = /^(\d+)\s*m$/.exec(t);
  if (m) return Number(m[1]);
  return null;
}
