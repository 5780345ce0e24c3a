import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { messages } from '../../db/schema/index.ts';

/** Deletes one of the user's messages; false when the user has no message with that id. */
export async function deleteMessage(db: Db, userId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(messages)
    .where(and(eq(messages.userId, userId), eq(messages.id, id)))
    .returning({ id: messages.id });
  return rows.length > 0;
}
