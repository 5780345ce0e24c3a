// One normaliser for every agent: typographic quotes, spacing, mentions, polite
// openers, and typos of the few words the agents key on (a small vocabulary
// matched by edit distance, so "tommorow" and "calender" work and names stay).

/** The longest text the language layer reads; anything after it is ignored (bounded, linear work). */
export const MAX_UNDERSTOOD_CHARS = 1200;

const VOCABULARY = [
  'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday',
  'mondays', 'tuesdays', 'wednesdays', 'thursdays', 'fridays', 'saturdays', 'sundays',
  'january', 'february', 'march', 'april', 'june', 'july', 'august', 'september', 'october', 'november', 'december',
  'today', 'tomorrow', 'tonight', 'yesterday', 'morning', 'afternoon', 'evening', 'weekend', 'midnight',
  'calendar', 'schedule', 'reschedule', 'appointment', 'appointments', 'meeting', 'meetings', 'agenda',
  'minutes', 'minute', 'hours', 'hour', 'cancel', 'delete', 'remove', 'postpone', 'rename', 'shorten', 'extend',
  'remember', 'forget', 'unread', 'email', 'emails', 'inbox', 'newsletter', 'newsletters', 'message', 'messages',
  'birthday', 'tomorrow\'s', 'anything', 'upcoming', 'available', 'summarize', 'summarise', 'forward', 'reply',
];
const VOCAB_SET = new Set(VOCABULARY);

// Real words one edit away from a vocabulary word: never "corrected".
const KEEP = new Set([
  'chance', 'diner', 'mourning', 'remain', 'renamed', 'extent', 'marches', 'hourly', 'mindful', 'reply', 'replay', 'emails',
  'meting', 'sunday', 'tonights', 'messaged', 'forgets', 'removed', 'canceled', 'cancelled', 'deleted', 'extended',
  'delegate', 'delegates', 'template', 'relaxing', 'reminded', 'remembered', 'scheduled', 'messenger', 'forwarded', 'shortened', 'extended',
  'marching', 'meetings', 'minutes', 'mornings', 'evenings', 'weekends', 'hourly', 'monthly', 'calendars', 'schedules', 'appointed',
]);

// Shorthands no edit distance finds.
const SHORTHANDS: Record<string, string> = {
  tmrw: 'tomorrow', tmr: 'tomorrow', tmrow: 'tomorrow', '2moro': 'tomorrow', '2morrow': 'tomorrow', tomoz: 'tomorrow',
  tonite: 'tonight', '2nite': 'tonight', tdy: 'today', '2day': 'today', pls: 'please', plz: 'please',
  mins: 'minutes', hrs: 'hours', appt: 'appointment', appts: 'appointments', mtg: 'meeting',
  weds: 'wednesday', wensday: 'wednesday', wendsday: 'wednesday', wednsday: 'wednesday', thurs: 'thursday', thursdy: 'thursday', tues: 'tuesday', msgs: 'messages', msg: 'message', wk: 'week',
};

/** Damerau-Levenshtein distance with an early exit above `max` (words are short: O(n·m) is tiny). */
export function editDistance(a: string, b: string, max = 2): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    let rowMin = Infinity;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) return max + 1;
  }
  return d[a.length]![b.length]!;
}

/** The vocabulary word a lower-case token is a typo of, or null. */
export function correctWord(token: string): string | null {
  const t = token.toLowerCase();
  if (t in SHORTHANDS) return SHORTHANDS[t]!;
  if (t.length < 5 || VOCAB_SET.has(t) || KEEP.has(t) || !/^[a-z']+$/.test(t)) return null;
  const max = t.length >= 8 ? 2 : 1;
  let best: string | null = null;
  let bestDistance = max + 1;
  for (const word of VOCABULARY) {
    if (Math.abs(word.length - t.length) > max || (word[0] !== t[0] && t.length < 9)) continue;
    const d = editDistance(t, word, max);
    if (d < bestDistance) {
      best = word;
      bestDistance = d;
    }
  }
  return bestDistance <= max ? best : null;
}

/**
 * Fixes typos of vocabulary words in lower-case tokens outside quotes; capitalised
 * words (names, titles) and anything non-ASCII are left exactly as typed.
 */
export function fixTypos(text: string): string {
  let inQuote = false;
  let first = true;
  return text.replace(/"|[A-Za-z0-9']+/g, (token) => {
    if (token === '"') {
      inQuote = !inQuote;
      return token;
    }
    const atStart = first;
    first = false;
    // A capital letter inside the text is a name or a title ("lunch with Frida"): kept as typed.
    if (inQuote || /[A-Z]/.test(token.slice(1)) || (/^[A-Z]/.test(token) && !atStart)) return token;
    const fixed = correctWord(token);
    if (!fixed) return token;
    return /^[A-Z]/.test(token) ? fixed.charAt(0).toUpperCase() + fixed.slice(1) : fixed;
  });
}

/** Typographic quotes and dashes to ASCII, whitespace collapsed, bounded length. */
export function cleanText(raw: string): string {
  return raw
    .slice(0, MAX_UNDERSTOOD_CHARS)
    .replace(/[’‘`´]/g, "'")
    .replace(/[“”„«»]/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Removes @mail / @cal / @mem mentions wherever they are. */
export function stripMentions(text: string): string {
  return text.replace(/(^|[^\w.@+-])@(?:mail|cal|mem)(?![\w@-])[,:]?/gi, '$1').replace(/\s+/g, ' ').trim();
}

const POLITE_RE =
  /^(?:hey|hi|hello|ok(?:ay)?|so|um+|please|kindly|(?:can|could|would|will)\s+you(?:\s+please)?|i(?:'d|\s+would)\s+like\s+(?:you\s+)?to|i\s+want\s+(?:you\s+)?to|go\s+ahead\s+and|just)\b[,\s]*/i;

/** Drops polite openers and closers ("could you please …", "… thanks") that carry no meaning. */
export function stripPoliteness(text: string): string {
  let t = text;
  for (let i = 0; i < 4; i++) {
    const next = t.replace(POLITE_RE, '').trim();
    if (next === t) break;
    t = next;
  }
  return t.replace(/[,\s]+(?:please|thanks|thank\s+you|thx|cheers)[.!]*$/i, '').trim();
}

/** The shape every classifier row reads: the cleaned text, its lower-case form and whether it asks. */
export interface Utterance {
  /** Cleaned, typos fixed, mentions and politeness removed; case kept. */
  text: string;
  lower: string;
  question: boolean;
}

export function toUtterance(raw: string): Utterance {
  const cleaned = stripPoliteness(fixTypos(stripMentions(cleanText(raw))));
  const question = /\?\s*$/.test(cleaned);
  const text = cleaned.replace(/[\s?!.]+$/, '').trim();
  return { text, lower: text.toLowerCase(), question };
}
