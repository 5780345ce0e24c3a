// How @mem phrases what it found: pure helpers shared by the built-in engine
// and its tests.

/**
 * A memory answers a question when it holds at least half of the question's
 * information: the IDF-weighted share of its content words (MemorySearchHit.coverage).
 * Below that @mem says it does not know instead of guessing.
 */
export const RECALL_MIN_COVERAGE = 0.5;
/**
 * The best match answers with less when no other memory comes close to it: a question in other
 * words ("can I eat shrimp?" for "I'm allergic to shellfish") reaches it only through related
 * words, which count by the square root of their weight.
 */
export const RECALL_MIN_COVERAGE_BEST = 0.4;

// Words that shape a question but say nothing about its subject ("what's my
// dentist's NAME", "how do I TAKE my coffee"); they are left out of the search so
// they do not count against a memory that answers the question.
const SCAFFOLDING = new Set([
  'name', 'names', 'named', 'called', 'call', 'take', 'takes', 'kind', 'type', 'sort', 'favorite', 'favourite', 'thing', 'things',
  'stuff', 'know', 'knew', 'remember', 'recall', 'tell', 'told', 'say', 'said', 'again', 'please', 'like', 'usually', 'ever',
  'exactly', 'actually', 'remind', 'mem', 'memory', 'memories', 'note', 'notes', 'anything', 'something', 'everything', 'idea',
  'look', 'lookup', 'search', 'find', 'info', 'information', 'details',
]);

// Words that ask nothing by themselves ("how old AM I?").
const FUNCTION_WORDS = new Set([
  'what', 'how', 'at', 'is', 'are', 'am', 'was', 'were', 'be', 'will', 'do', 'does', 'did', 'i', "i'm", 'me', 'my', 'you', 'your', 'it', "it's",
  "what's", 'the', 'a', 'an', 'of', 'to', 'have', 'has', 'had', 'we', 'our', 'they', 'now', 'today',
]);

/** The question without its scaffolding words; the whole question when nothing else is left. */
export function recallQuery(question: string): string {
  // "what time is my train?", "how old will Leo be?": the time or the amount is what is asked, not a
  // word the memory holds ("my train leaves at 7:40", "Leo turns 10 in June").
  // Not when nothing else is asked about: "how old am I?" is answered by "I am 34 years old".
  const plain = question.replace(/[’‘]/g, "'");
  const amount = plain.replace(/^(\W*(?:at\s+)?what)\s+time\b/i, '$1').replace(/^(\W*how)\s+(?:old|long|much|many|far|often|big|tall|heavy)\b/i, '$1');
  const asksAbout = amount.toLowerCase().match(/[a-z']+/g)?.some((w) => !FUNCTION_WORDS.has(w)) ?? false;
  const words = (asksAbout ? amount : plain).split(/\s+/);
  const kept = words.filter((w) => !SCAFFOLDING.has(w.toLowerCase().replace(/[^a-z]/g, '')));
  const rest = kept.join(' ').replace(/[?!.]+$/, '').trim();
  return /[a-z0-9]/i.test(rest) && kept.length > 0 ? rest : question;
}

const FLIPS: Record<string, string> = {
  "i'm": "you're",
  im: "you're",
  "i've": "you've",
  "i'd": "you'd",
  "i'll": "you'll",
  i: 'you',
  me: 'you',
  my: 'your',
  mine: 'yours',
  myself: 'yourself',
  'i am': 'you are',
  'i was': 'you were',
};

/** Turns what the user said about themselves into what @mem says back ("I'm allergic" -> "You're allergic"). */
export function toSecondPerson(text: string): string {
  const flipped = text
    .replace(/[’‘]/g, "'")
    .replace(/\b(i am|i was|i'm|im|i've|i'd|i'll|i|me|my|mine|myself)\b/gi, (w) => FLIPS[w.toLowerCase()] ?? w);
  return capitalise(flipped);
}

export const capitalise = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

/** A sentence with end punctuation. */
export const sentence = (s: string) => (/[.!?)"”]$/.test(s.trim()) ? s.trim() : `${s.trim()}.`);

export const quote = (s: string) => `“${s.trim().replace(/[.]+$/, '')}”`;

export function formatDay(date: Date, timeZone: string, now?: Date): string {
  const sameYear = now ? new Intl.DateTimeFormat('en-GB', { year: 'numeric', timeZone }).format(now) === new Intl.DateTimeFormat('en-GB', { year: 'numeric', timeZone }).format(date) : false;
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', ...(sameYear ? {} : { year: 'numeric' }), timeZone }).format(date);
}

/** "You told me on 3 Dec." (and when it was corrected, if it was). */
export function provenance(m: { createdAt: Date; updatedAt: Date }, timeZone: string, now: Date): string {
  const told = `You told me on ${formatDay(m.createdAt, timeZone, now)}`;
  const corrected = m.updatedAt.getTime() - m.createdAt.getTime() > 60_000 ? `, updated ${formatDay(m.updatedAt, timeZone, now)}` : '';
  return `(${told}${corrected}.)`;
}
