// DELETE /api/messages/:id: the user's own message (either role) leaves history and
// search, and every device is told with the SSE event `message.deleted`.
import type { AppContext } from '../../context.ts';
import type { AuthInfo } from '../../http/auth.ts';
import { notFound } from '../../http/errors.ts';
import { logEvent } from '../../lib/events.ts';
import { deleteMessage as deleteRow } from './message-delete.repo.ts';

export const MESSAGE_DELETED = 'message.deleted';

export async function deleteMessage(ctx: AppContext, auth: AuthInfo, id: string): Promise<void> {
  if (!(await deleteRow(ctx.db, auth.userId, id))) throw notFound('Message');
  logEvent(ctx, 'message.deleted', { userId: auth.userId });
  try {
    await ctx.bus.publish({ userId: auth.userId, type: MESSAGE_DELETED, data: { id } });
  } catch (err) {
    // Deleted all the same; another device drops it when it next loads the history.
    ctx.log.warn({ err }, 'could not publish message.deleted');
  }
}
