import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { AgentName } from '@lifeos/contract';
import type { Db } from '../../db/client.ts';
import { messages } from '../../db/schema/index.ts';
import type { MessageRow } from './messages.repo.ts';

/** At most this many words of a query count; the rest is ignored. */
const MAX_WORDS = 12;

/** The words of a search query: letters and digits only, so they are safe inside a tsquery. */
export function searchWords(q: string): string[] {
  return (q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, MAX_WORDS);
}

/**
 * One page of the user's messages that contain every word (as a word or the
 * start of one: "meet" finds "meeting"), or the query's English stems
 * ("meetings" finds "meeting"); newest first, strictly older than `beforeSeq`.
 * Both conditions are served by GIN indexes on the content (schema/core.ts).
 */
export async function searchMessages(
  db: Db,
  userId: string,
  q: string,
  options: { limit: number; beforeSeq?: number | undefined; agent?: AgentName | undefined },
): Promise<MessageRow[]> {
  const words = searchWords(q);
  if (words.length === 0) return [];
  const prefixes = words.map((w) => `${w}:*`).join(' & ');
  const conditions = [
    eq(messages.userId, userId),
    sql`(to_tsvector('simple', ${messages.content}) @@ to_tsquery('simple', ${prefixes})
      OR to_tsvector('english', ${messages.content}) @@ plainto_tsquery('english', ${words.join(' ')}))`,
  ];
  if (options.beforeSeq !== undefined) conditions.push(lt(messages.seq, options.beforeSeq));
  if (options.agent) conditions.push(eq(messages.agentName, options.agent));
  return db
    .select()
    .from(messages)
    .where(and(...conditions))
    .orderBy(desc(messages.seq))
    .limit(options.limit);
}
