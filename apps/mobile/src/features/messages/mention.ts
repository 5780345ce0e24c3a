export type MentionQuery = { start: number; query: string };

/** The "@partial" word the caret is in, if any: what the mention picker completes. */
export function findMentionQuery(text: string, caret: number): MentionQuery | null {
  const before = text.slice(0, caret);
  const match = /(^|[\s(])@([a-z]*)$/i.exec(before);
  if (!match) return null;
  const query = match[2] ?? '';
  return { start: caret - query.length - 1, query: query.toLowerCase() };
}

/** Replaces the "@partial" with the chosen agent and a space; returns the new caret. */
export function applyMention(text: string, mention: MentionQuery, name: string): { text: string; caret: number } {
  const end = mention.start + 1 + mention.query.length;
  const after = text.slice(end);
  const insert = after.startsWith(' ') ? name : `${name} `;
  return { text: text.slice(0, mention.start) + insert + after, caret: mention.start + insert.length + (after.startsWith(' ') ? 1 : 0) };
}
