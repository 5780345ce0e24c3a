// What a remembered fact is about, so a newer fact on the same subject replaces
// the older one ("my sister's name is Lea" after "... is Lena") instead of
// leaving two that contradict each other.

const PRONOUNS = new Set(['it', 'this', 'that', 'these', 'those', 'he', 'she', 'they', 'there', 'here', 'what', 'who', 'which', 'i', 'you', 'we', 'everything', 'nothing', 'something', 'everyone', 'life']);

// Relations a person has one of at a time, with their canonical key.
const SINGLE_VALUED: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^i(?: am|'m)? (?:living|live) (?:in|at)\b/, () => 'i live in'],
  [/^i(?: have|'ve)? (?:just |recently )?moved to\b/, () => 'i live in'],
  [/^i(?: am|'m)? (?:working|work) (?:at|for)\b/, () => 'i work at'],
  [/^i(?: am|'m) based in\b/, () => 'i live in'],
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
  return subject.replace(/'s name$/, '').replace(/^the name of /, '');
}

/** Whether two facts speak about the same subject (so the newer replaces the older). */
export function sameSubject(a: string, b: string): boolean {
  const sa = factSubject(a);
  return sa !== null && sa === factSubject(b);
}
