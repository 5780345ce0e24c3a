import { wallTimeOf, type Interval, type WallTime } from './zoned-time.ts';

// Words that say what kind of thing an event is, not which one: "my dentist appointment"
// should find "Dentist".
const KIND_WORDS = new Set(['appointment', 'appt', 'event', 'session', 'thing', 'booking', 'slot', 'entry']);
const STOP_WORDS = new Set(['the', 'a', 'an', 'my', 'our', 'with', 'and', 'of', 'for', 'to', 'at', 'on', 'in', 'me', 'i']);

function stem(word: string): string {
  const w = word.replace(/'s$/, '');
  return w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w;
}

export function tokens(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}']+/u)
    .map((w) => w.replace(/^'+|'+$/g, ''))
    .filter((w) => w && !STOP_WORDS.has(w))
    .map(stem);
}

function wordMatches(queryWord: string, titleWords: string[]): boolean {
  return titleWords.some((t) => t === queryWord || (queryWord.length >= 3 && t.startsWith(queryWord)) || (t.length >= 4 && queryWord.startsWith(t)));
}

/** How well a title answers a query: 2 exact, 1 all words found, 0 no match. */
export function titleScore(query: string, title: string): number {
  const q = tokens(query);
  const t = tokens(title);
  if (q.length === 0) return 1;
  if (q.join(' ') === t.join(' ')) return 2;
  const significant = q.filter((w) => !KIND_WORDS.has(w));
  const words = significant.length ? significant : q;
  return words.every((w) => wordMatches(w, t)) ? 1 : 0;
}

export type Matchable = { title: string; start: Date; end: Date };

/**
 * The events a reference names: title words, then a day or period and a clock time when given.
 * Exact title matches win over partial ones.
 */
export function matchEvents<E extends Matchable>(
  events: E[],
  ref: { query: string; range: Interval | null; time: WallTime | null },
  timeZone: string,
): E[] {
  const scored = events
    .filter((e) => !ref.range || (e.start < ref.range.end && e.end > ref.range.start))
    .filter((e) => {
      if (!ref.time) return true;
      const t = wallTimeOf(e.start, timeZone);
      return t.hour === ref.time.hour && t.minute === ref.time.minute;
    })
    .map((e) => ({ e, score: titleScore(ref.query, e.title) }))
    .filter((x) => x.score > 0);
  const best = Math.max(0, ...scored.map((x) => x.score));
  return scored.filter((x) => x.score === best).map((x) => x.e);
}
