// GET /api/messages?q=: the user's messages matching the words, newest first, paged like the history.
import type { AgentName, MessagePage } from '@lifeos/contract';
import type { AppContext } from '../../context.ts';
import type { AuthInfo } from '../../http/auth.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { searchMessages as searchRows } from './message-search.repo.ts';
import { toMessage } from './messages.repo.ts';

export async function searchMessages(
  ctx: AppContext,
  auth: AuthInfo,
  query: { q: string; limit: number; before?: string | undefined; agent?: AgentName | undefined },
): Promise<MessagePage> {
  const beforeSeq = query.before ? decodeCursor(ctx.config.jwtSecret, query.before) : undefined;
  const rows = await searchRows(ctx.db, auth.userId, query.q, { limit: query.limit + 1, beforeSeq, agent: query.agent });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    messages: page.map(toMessage),
    nextCursor: rows.length > query.limit && last ? encodeCursor(ctx.config.jwtSecret, last.seq) : null,
  };
}
