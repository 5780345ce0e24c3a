import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { pendingActions } from '../../db/schema/index.ts';

export type PendingActionRow = typeof pendingActions.$inferSelect;

export async function insertPendingAction(
  db: Db,
  values: { userId: string; agentName: string | null; kind: string; summary: string; payload: Record<string, unknown>; expiresAt: Date },
): Promise<PendingActionRow> {
  const [row] = await db.insert(pendingActions).values(values).returning();
  return row!;
}

export async function findPendingAction(db: Db, userId: string, id: string): Promise<PendingActionRow | undefined> {
  const [row] = await db
    .select()
    .from(pendingActions)
    .where(and(eq(pendingActions.userId, userId), eq(pendingActions.id, id)))
    .limit(1);
  return row;
}

/** Atomically moves a still-pending, unexpired action to `status`; false when someone else got there first. */
export async function claimPendingAction(db: Db, userId: string, id: string, status: 'running' | 'cancelled', now: Date): Promise<boolean> {
  const rows = await db
    .update(pendingActions)
    .set({ status, resolvedAt: sql`now()` })
    .where(
      and(
        eq(pendingActions.userId, userId),
        eq(pendingActions.id, id),
        eq(pendingActions.status, 'pending'),
        sql`${pendingActions.expiresAt} > ${now}`,
      ),
    )
    .returning({ id: pendingActions.id });
  return rows.length === 1;
}

export async function finishPendingAction(db: Db, userId: string, id: string, status: 'done' | 'failed'): Promise<void> {
  await db
    .update(pendingActions)
    .set({ status, resolvedAt: sql`now()` })
    .where(and(eq(pendingActions.userId, userId), eq(pendingActions.id, id)));
}

export async function linkPendingActionMessage(db: Db, userId: string, id: string, messageId: string): Promise<void> {
  await db
    .update(pendingActions)
    .set({ messageId })
    .where(and(eq(pendingActions.userId, userId), eq(pendingActions.id, id)));
}

/** Housekeeping: proposals nobody answered. */
export async function pruneExpiredActions(db: Db, olderThan: Date): Promise<number> {
  const rows = await db
    .delete(pendingActions)
    .where(sql`${pendingActions.expiresAt} < ${olderThan}`)
    .returning({ id: pendingActions.id });
  return rows.length;
}

export async function exportPendingActions(db: Db, userId: string) {
  return db
    .select({
      id: pendingActions.id,
      agentName: pendingActions.agentName,
      kind: pendingActions.kind,
      summary: pendingActions.summary,
      status: pendingActions.status,
      expiresAt: pendingActions.expiresAt,
      createdAt: pendingActions.createdAt,
    })
    .from(pendingActions)
    .where(eq(pendingActions.userId, userId));
}
