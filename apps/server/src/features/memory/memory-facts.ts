// What a remembered fact is about, so a newer fact on the same subject replaces
// the older one ("my sister's name is Lea" after "... is Lena") instead of
// leaving two that contradict each other.

const PRONOUNS = new Set(['it', 'this', 'that', 'these', 'those', 'he', 'she', 'they', 'there', 'here', 'what', 'who', 'which', 'i', 'you', 'we', 'everything', 'nothing', 'something', 'everyone', 'life']);

// Relations a person has one of at a time, with their canonical key.
const SINGLE_VALUED: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^i(?: am|'m)? (?:living|live) (?:in|at)\b/, () => 'i live in'],
  [/^i(?: have|'ve)? (?:just |recently |now )?(?:moved|relocated) to\b/, () => 'i live in'],
  [/^i(?: am|'m)? (?:now )?(?:living|live) (?:now )?(?:in|at)\b/, () => 'i live in'],
  [/^i(?: am|'m)? (?:working|work) as\b/, () => 'my job'],
  [/^i(?: am|'m)? (?:working|work) (?:at|for)\b/, () => 'i work at'],
  [/^i(?: am|'m) based in\b/, () => 'i live in'],
  [/^i (?:was born|grew up) (?:in|at)\b/, () => 'i come from'],
  [/^i come from\b/, () => 'i come from'],
  [/^my (?:home ?town|birthplace|place of birth) (?:is|was)\b/, () => 'i come from'],
  [/^(my [\w' -]{1,40}?) (?:lives|is living) (?:in|at)\b/, (m) => `${m[1]} lives in`],
  [/^(my [\w' -]{1,40}?) (?:works|is working) (?:at|for)\b/, (m) => `${m[1]} works at`],
];

const COPULA = /^(.+?) (?:is|are|was|were) (.+)$/;

function normalise(s: string): string {
  return s
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.!]+$/, '');
}

/**
 * The subject of a fact: "<subject> is/are/was <value>" (e.g. "my sister's name",
 * "the wifi password") or a single-valued relation ("i live in"). Null when the
 * fact has none. "X's name" and "X" count as the same subject.
 */
export function factSubject(fact: string): string | null {
  const text = normalise(fact);
  for (const [re, key] of SINGLE_VALUED) {
    const m = re.exec(text);
    if (m) return key(m);
  }
  const m = COPULA.exec(text);
  if (!m) return null;
  const subject = m[1]!;
  const value = m[2]!;
  const words = subject.split(' ');
  if (words.length > 6 || PRONOUNS.has(subject) || /^(not|also|still|never|no longer)\b/.test(value)) return null;
  // "what is my ..." and friends are questions, not facts.
  if (/^(what|who|where|when|which|how|why|is|are|do|does|did)\b/.test(subject)) return null;
  return subject.replace(/'s name$/, '').replace(/^the name of /, '').replace(/^(my|our|the) (?:new|current|latest) /, '$1 ');
}

const UPDATE_PATTERNS: [RegExp, (m: RegExpExecArray) => string][] = [
  // "my locker number changed, it's 212 now", "my phone number has changed to 0151 234"
  [
    /^((?:my|our|the) [\w' -]{1,40}?) (?:has |have )?(?:changed|got changed|is different now)(?: to)?\s*[,;:.!\-–—]*\s*(?:(?:it's|it is|its|now it's|now it is|the new one is|now)\s+(?:now\s+)?)?(.+?)(?:\s+now)?$/i,
    (m) => `${m[1]} is ${m[2]}`,
  ],
  // "I changed my email to a@b.c"
  [/^i(?: have|'ve)? (?:just )?changed (my [\w' -]{1,40}?) to (.+?)(?:\s+now)?$/i, (m) => `${m[1]} is ${m[2]}`],
  // "my new phone number is 0151 234", "my current address is ..."
  [/^(my|our|the) (?:new|current|latest) ([\w' -]{1,40}?) (is|are) (.+)$/i, (m) => `${m[1]} ${m[2]} ${m[3]} ${m[4]}`],
  // "my locker number is now 212", "my locker number is 212 now"
  [/^((?:my|our|the) [\w' -]{1,40}?) (is|are) now (.+)$/i, (m) => `${m[1]} ${m[2]} ${m[3]}`],
  [/^((?:my|our|the) [\w' -]{1,40}?) (is|are) (.+?) now$/i, (m) => `${m[1]} ${m[2]} ${m[3]}`],
  // "I now live in Porto", "I live in Porto now"
  [/^i (?:now live|live now) in (.+)$/i, (m) => `I live in ${m[1]}`],
  [/^i live in (.+?) now$/i, (m) => `I live in ${m[1]}`],
];

/**
 * A statement that gives a new value ("my locker number changed, it's 212 now", "my new phone
 * number is 0151 234") in the plain form a fact is kept in ("my locker number is 212"), and
 * whether it announced a change. Other statements come back as they are.
 */
export function canonicalFact(text: string): { fact: string; change: boolean } {
  const t = text.trim().replace(/[’‘]/g, "'").replace(/\s+/g, ' ').replace(/[.!]+$/, '');
  for (const [re, make] of UPDATE_PATTERNS) {
    const m = re.exec(t);
    if (m) return { fact: make(m).trim(), change: true };
  }
  return { fact: text.trim(), change: /\b(now|new|changed|moved|relocated)\b/i.test(t) };
}

/** Whether two facts speak about the same subject (so the newer replaces the older). */
export function sameSubject(a: string, b: string): boolean {
  const sa = factSubject(a);
  return sa !== null && sa === factSubject(b);
}

// Questions about a single-valued relation, in the words people ask them ("which city am I
// based in?"), with the words its memories are found by.
const QUESTION_SUBJECTS: [RegExp, string, string][] = [
  [/\b(where|which (city|town|country|place)|what (city|town|country|place))\b.*\b(live|living|based|stay|staying|reside|residing|home)\b/, 'i live in', 'live living lived moved relocated based'],
  [/\bwhere (do|did|have) i (move|moved|relocate|relocated)\b/, 'i live in', 'live living lived moved relocated based'],
  [/\b(where|which (company|firm|employer)|who)\b.*\b(do i|am i) (work|working|employed)\b/, 'i work at', 'work working works employed'],
  [/\b(my (job|occupation|profession|line of work)|what do i do for (a )?(living|work)|what (do|did) i work as)\b/, 'my job', 'work working job'],
  [/\b(my (home ?town|birthplace|place of birth)|where (was i born|am i from|do i come from|did i grow up))\b/, 'i come from', 'born grew from come hometown birthplace'],
];

/** The single-valued subject a question asks about (see SINGLE_VALUED), with the words to search its memories by; null for other questions. */
export function questionSubject(question: string): { subject: string; words: string } | null {
  const text = normalise(question);
  for (const [re, subject, words] of QUESTION_SUBJECTS) if (re.test(text)) return { subject, words };
  return null;
}
