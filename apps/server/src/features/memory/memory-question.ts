// What a memory question asks for, from its shape: the search ranks the memories that can
// answer that kind of question higher (memory-index.ts).

/** "when did …", "since when …", "how long ago …", "what year / which month / what time …". */
const WHEN = /^\W*(?:(?:and|so|but)\s+)?(?:when\b|since when\b|how long\b|(?:at\s+)?(?:what|which)\s+(?:year|month|day|date|time|week|season)\b)/i;

/**
 * "what books / which cities …" (a plural after what or which), "what has she painted?", "where have I
 * camped?" (what was done over time), "how many times", "what are some", "in what ways", "what other".
 */
const SEVERAL =
  /^\W*(?:what|which)\s+\w+s\b(?<!\b(?:is|was|does|has|this|his|its))|\b(?:has|have)\s+\w+\s+(?:\w+ed|been|seen|done|made|read|gone|taken)\b|\bhow many times\b|\bwhat are some\b|\bwhat things\b|\bin what ways\b|\bwhat other\b/i;

/** The question asks when something happened or will. */
export const asksWhen = (question: string): boolean => WHEN.test(question);

/** The question asks for several things, likely told in more than one conversation. */
export const asksForSeveral = (question: string): boolean => SEVERAL.test(question);
