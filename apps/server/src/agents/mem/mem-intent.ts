// Reads what the user wants from @mem in their own words, without a model.
// Pure: text in, intent out.

export type ForgetTarget =
  | { kind: 'text'; text: string }
  /** "forget that", "forget it": the memory @mem stored or showed last. */
  | { kind: 'last' }
  /** "forget 2", "the first one", "1 and 3": numbers from the last list @mem showed. */
  | { kind: 'choice'; indexes: number[] }
  /** "all of them", "both": everything in the last list @mem showed. */
  | { kind: 'all-choices' }
  /** "forget everything": every memory of the user. */
  | { kind: 'everything' }
  | { kind: 'missing' };

export type MemIntent =
  | { kind: 'help' }
  | { kind: 'greeting' }
  /** A fact to keep, without the command words. */
  | { kind: 'remember'; fact: string }
  /**
   * A correction of something already stored ("actually my dentist is Dr. Roth").
   * `valueOnly`: only a new value was given ("no, it's Dr. Roth"), for the memory last shown.
   */
  | { kind: 'edit'; fact: string; valueOnly?: boolean }
  | { kind: 'recall'; question: string }
  | { kind: 'list'; all: boolean }
  | { kind: 'forget'; target: ForgetTarget }
  /** A bare pick from the last list @mem showed ("2", "the second one"). */
  | { kind: 'choose'; indexes: number[] };

const ORDINALS: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4, fifth: 5, last: -1 };

function clean(text: string): string {
  return text
    .replace(/[’‘]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[,:;.\-–—]+\s*/, '');
}

/** Removes a trailing "please" / "thanks" and end punctuation that carries no meaning. */
const trimTail = (s: string) =>
  s
    .replace(/[,\s]*(please|thanks|thank you)[.!]*$/i, '')
    .replace(/\s*[.!]+$/, '')
    .trim();

const stripQuotes = (s: string) => s.replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1').trim();

/** Numbers from the last list: "2", "#2", "number 2", "1 and 3", "the second one". */
export function parseChoice(text: string): number[] | null {
  const t = trimTail(text.toLowerCase()).replace(/^(the |number |no\.? ?|#)/, '');
  const ord = /^(first|second|third|fourth|fifth|last)( one)?$/.exec(t);
  if (ord) return [ORDINALS[ord[1]!]!];
  if (/^#?\d{1,3}((\s*,\s*|\s+and\s+|\s*&\s*|\s+)#?\d{1,3})*$/.test(t)) return [...new Set(t.match(/\d{1,3}/g)!.map(Number))];
  return null;
}

const QUESTION_START =
  /^(what|what's|whats|who|who's|whom|whose|when|when's|where|where's|which|how|how's|why|is|are|am|was|were|do|does|did|have|has|can|could|would|should|will|tell me|remind me|any idea|look up|lookup|search|find|recall)\b/i;

export function looksLikeQuestion(text: string): boolean {
  return /\?\s*$/.test(text) || QUESTION_START.test(text);
}

// A plain statement of fact or preference, as opposed to a bare keyword ("dentist").
const STATEMENT =
  /\b(i|i'm|im|i've|i'd|i'll|my|mine|me|we|we're|our|is|are|was|were|am|have|has|had|like|love|loves|hate|prefer|take|live|lives|work|works|need|use|drink|eat|want|play|own|drive|speak|born|moved|started|got)\b/i;

// "list everything you remember", "show me what you know about me", "what's stored about me?"
const LIST_REQUEST =
  /^(?:(?:please|so|ok|okay|hey)[, ]+)?(?:(?:can|could|would|will) you )?(?:list|show|display|print|read(?: out)?|give|tell|recite|dump)(?: me)?(?: out| back)?(?: a list of| all of| the list of)? ?(?:all|every|everything|anything|what|the things|all the things|whatever|the facts|your notes|the notes)? ?(?:that |which )?(?:you(?:'ve| have)? (?:know|remember|recall|stored|saved|kept|noted|got|learned|learnt)|you (?:know|remember|recall|have(?: stored| saved| on file| noted)?)|i(?: have|'ve)? (?:told|taught|given) you|(?:is |you have )?(?:stored|saved|on file))?(?: about me| of me| on me| so far| about myself)*[?.!]*$/;

/** Whether a message asks @mem for the list of what it knows (rather than stating or asking something). */
export function isListRequest(lower: string): boolean {
  const t = lower.trim();
  if (/^what(?:'s| is| has been| have you) (?:stored|saved|kept|noted)(?: about me| on me| so far)*\??$/.test(t)) return true;
  if (/^what (?:else )?(?:do|did) you (?:know|remember|have)(?: about me| on me| of me)?(?: so far)?\??$/.test(t)) return true;
  if (!LIST_REQUEST.test(t)) return false;
  // "list" / "show" alone are handled elsewhere; "tell me a joke" is not a listing.
  return /\b(know|remember|recall|stored|saved|kept|noted|told|taught|given|everything|all|memories|notes|facts|on file|learn(ed|t)?)\b/.test(t);
}

// A command to @mem or a question is never a fact to keep ("list everything", "show me my notes").
const COMMAND_START = /^(?:please |can you |could you )?(?:list|show|display|print|read out|tell me|give me|find|search|look up|lookup|recall|remind me)\b/i;

/** Whether the text is a request or a question rather than a statement to keep. */
export function isCommandOrQuestion(text: string): boolean {
  return looksLikeQuestion(text) || COMMAND_START.test(text.trim());
}

function rememberOrRecall(text: string): MemIntent {
  if (isCommandOrQuestion(text)) return { kind: 'recall', question: text };
  const words = text.split(' ').length;
  if (words >= 3 || STATEMENT.test(text)) return { kind: 'remember', fact: stripQuotes(trimTail(text)) };
  return { kind: 'recall', question: text };
}

function parseForgetTarget(raw: string): ForgetTarget {
  let t = trimTail(stripQuotes(raw)).replace(/\?$/, '').trim();
  if (!t) return { kind: 'missing' };
  const lower = t.toLowerCase();
  if (/^(it|that|this|that one|this one|the last (one|note|memory|thing)|what i just (said|told you))$/.test(lower)) return { kind: 'last' };
  if (/^(all of them|them all|both|both of them|all (three|four|five) of them|all (three|four|five)|these|those)$/.test(lower)) return { kind: 'all-choices' };
  if (/^(everything|all|all my memories|all of my memories|all memories|everything you know( about me)?|all of it)$/.test(lower)) return { kind: 'everything' };
  const choice = parseChoice(lower);
  if (choice) return { kind: 'choice', indexes: choice };
  t = t
    .replace(/^(everything|anything|all)( that)? (you know )?(about|on|regarding) /i, '')
    .replace(/^(about|regarding|on) /i, '')
    .replace(/^what i (said|told you|wrote) (about|on|regarding) /i, '')
    .replace(/^(the|my|that|this) (note|notes|memory|memories|fact|facts|entry|entries|thing|things|one)( that says| saying| with| which says)? ?(about|on|regarding|for|of)? ?/i, '')
    .replace(/^that /i, '')
    .trim();
  return t ? { kind: 'text', text: stripQuotes(t) } : { kind: 'missing' };
}

export function parseMemIntent(input: string): MemIntent {
  const text = clean(input);
  const lower = text.toLowerCase();
  if (!text || /^(help|\?|what can you do|how does this work|how do you work)\??$/.test(lower)) return { kind: 'help' };
  if (/^(hi|hello|hey|yo|thanks|thank you|thx|ok|okay|cool|great|nice|bye|good (morning|night|evening))\b[\s!.,]*(mem)?[\s!.]*$/.test(lower)) {
    return { kind: 'greeting' };
  }

  // list: "what do you know about me?", "show all my memories"
  if (
    /^(so )?(what|which things?) (else )?(do|did) you (know|remember|have( stored| saved)?)( about| of| on)?( me| myself)?( so far)?\??$/.test(lower) ||
    /^what have i (told|taught) you( so far)?\??$/.test(lower) ||
    /^(show|list|give|tell)( me)?( all| every)?( of)?( my| the| your)? ?(memories|memory|notes|facts|things you (know|remember)( about me)?)\b/.test(lower) ||
    /^(list|show)( all| everything)?$/.test(lower) ||
    /^(my|all( my)?) memories\??$/.test(lower) ||
    /^everything( you know)?( about me)?\??$/.test(lower) ||
    isListRequest(lower)
  ) {
    return { kind: 'list', all: /\b(all|every|everything)\b/.test(lower) };
  }

  const choice = parseChoice(lower);
  if (choice) return { kind: 'choose', indexes: choice };

  // forget: "forget my dentist", "delete the note about the coffee" (but not "don't forget ...")
  const forget = /^(?:please |can you |could you |would you )?(?:forget|delete|remove|erase|drop|scrap|clear|wipe)\b[:,]?\s*(.*)$/i.exec(text);
  if (forget) return { kind: 'forget', target: parseForgetTarget(forget[1]!) };

  // edit: "actually my dentist is Dr. Roth", "update my address to 12 Main St"
  const change = /^(?:please )?(?:change|update|set|correct)\s+(?!to\b)(.+?)\s+to\s+(.+)$/i.exec(text);
  if (change && !/^(that|it|this)$/i.test(change[1]!)) return { kind: 'edit', fact: `${change[1]} is ${trimTail(change[2]!)}` };
  const correction =
    /^(?:actually|correction|update|no|nope|wrong|not quite|sorry|oops|i meant|i mean|rather|that's wrong|that is wrong|that's not right|that is not right|not true)\b[,:;!.\-–— ]*\s*(.+)$/i.exec(text);
  if (correction && correction[1]!.split(' ').length >= 2) {
    const valueOnly = /^(it's|it is|its|it was|that's|that is)\s+/i.exec(correction[1]!);
    const rest = correction[1]!.slice(valueOnly ? valueOnly[0].length : 0);
    if (looksLikeQuestion(rest)) return { kind: 'recall', question: rest };
    return valueOnly ? { kind: 'edit', fact: stripQuotes(trimTail(rest)), valueOnly: true } : { kind: 'edit', fact: stripQuotes(trimTail(rest)) };
  }

  // "do you remember my dentist?" is a question, not a command to remember.
  if (/^(do|did|can|could|would) you (still )?(remember|recall|know)\b/i.test(text)) return { kind: 'recall', question: text };

  // remember: "remember that ...", "remember: ...", "note: ...", "save this: ..."
  const explicit =
    /^(?:please |can you |could you |would you )?(?:remember|note to self|note(?: down)?|save|store|memori[sz]e|keep in mind|make a note(?: of)?|take (?:a )?note(?: of)?|jot down|write down|don't forget|do not forget|add to (?:my )?memor(?:y|ies)|for the record|fyi|just so you know|for your information)\b(?:\s+(?:this|that|it)(?=\s*[:,\-–—]))?(?:\s+down)?\s*[:,\-–—]?\s*(?:that\s+)?(.*)$/i.exec(
      text,
    );
  if (explicit) {
    const fact = stripQuotes(trimTail(explicit[1]!));
    if (!fact || /^(this|that|it)$/i.test(fact)) return { kind: 'remember', fact: '' };
    if (isListRequest(fact.toLowerCase())) return { kind: 'list', all: /\b(all|every|everything)\b/i.test(fact) };
    if (isCommandOrQuestion(fact)) return { kind: 'recall', question: fact };
    return { kind: 'remember', fact };
  }

  return rememberOrRecall(text);
}
