// The only place that queries push subscriptions; every query of a user's rows is scoped by userId.
// A subscription counts only while its session lives: logout or revocation ends it at once,
// and the row goes when the session row is pruned (ON DELETE CASCADE).
import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.ts';
import { pushSubscriptions, sessions } from '../../db/schema/index.ts';

export type PushSubscriptionRow = typeof pushSubscriptions.$inferSelect;
export type NewPushSubscription = Pick<typeof pushSubscriptions.$inferInsert, 'kind' | 'endpoint' | 'p256dh' | 'auth'>;

const live = (now: Date) => and(isNull(sessions.revokedAt), gt(sessions.expiresAt, now));

/**
 * Stores a subscription for the session; the same endpoint (or token) again keeps its id and moves to
 * this session. One left by an ended session is gone: the device subscribes anew.
 */
export async function upsertSubscription(
  db: Db,
  userId: string,
  sessionId: string,
  values: NewPushSubscription,
  now: Date,
): Promise<{ row: PushSubscriptionRow; created: boolean }> {
  await db
    .delete(pushSubscriptions)
    .where(
      and(
        eq(pushSubscriptions.userId, userId),
        eq(pushSubscriptions.endpoint, values.endpoint),
        sql`not exists (select 1 from ${sessions} where ${sessions.id} = ${pushSubscriptions.sessionId} and ${sessions.revokedAt} is null and ${sessions.expiresAt} > ${now.toISOString()}::timestamptz)`,
      ),
    );
  const [inserted] = await db
    .insert(pushSubscriptions)
    .values({ ...values, userId, sessionId })
    .onConflictDoNothing({ target: [pushSubscriptions.userId, pushSubscriptions.endpoint] })
    .returning();
  if (inserted) return { row: inserted, created: true };
  const [row] = await db
    .update(pushSubscriptions)
    .set({ sessionId, p256dh: values.p256dh, auth: values.auth })
    .where(and(eq(pushSubscriptions.userId, userId), eq(pushSubscriptions.endpoint, values.endpoint)))
    .returning();
  return { row: row!, created: false };
}

/** The user's subscriptions whose session is still signed in, oldest first. */
export async function listLiveSubscriptions(db: DbOrTx, userId: string, now: Date): Promise<PushSubscriptionRow[]> {
  const rows = await db
    .select({ sub: pushSubscriptions })
    .from(pushSubscriptions)
    .innerJoin(sessions, eq(sessions.id, pushSubscriptions.sessionId))
    .where(and(eq(pushSubscriptions.userId, userId), live(now)))
    .orderBy(asc(pushSubscriptions.createdAt));
  return rows.map((r) => r.sub);
}

/** One subscription, only while its session lives (a job sent before a logout finds nothing). */
export async function findLiveSubscription(db: Db, id: string, now: Date): Promise<PushSubscriptionRow | undefined> {
  const [row] = await db
    .select({ sub: pushSubscriptions })
    .from(pushSubscriptions)
    .innerJoin(sessions, eq(sessions.id, pushSubscriptions.sessionId))
    .where(and(eq(pushSubscriptions.id, id), live(now)))
    .limit(1);
  return row?.sub;
}

export async function deleteSubscription(db: Db, userId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(pushSubscriptions)
    .where(and(eq(pushSubscriptions.userId, userId), eq(pushSubscriptions.id, id)))
    .returning({ id: pushSubscriptions.id });
  return rows.length === 1;
}

export async function markSent(db: Db, id: string): Promise<void> {
  await db.update(pushSubscriptions).set({ lastSentAt: sql`now()` }).where(eq(pushSubscriptions.id, id));
}

/** Subscriptions of sessions that ended (logout, revocation): removed by the prune job. */
export async function pruneEndedSessions(db: Db, now: Date): Promise<number> {
  const rows = await db
    .delete(pushSubscriptions)
    .where(
      sql`${pushSubscriptions.sessionId} in (select ${sessions.id} from ${sessions} where ${sessions.revokedAt} is not null or ${sessions.expiresAt} <= ${now.toISOString()}::timestamptz)`,
    )
    .returning({ id: pushSubscriptions.id });
  return rows.length;
}

export async function exportSubscriptions(db: Db, userId: string) {
  return db
    .select({ id: pushSubscriptions.id, kind: pushSubscriptions.kind, sessionId: pushSubscriptions.sessionId, createdAt: pushSubscriptions.createdAt })
    .from(pushSubscriptions)
    .where(eq(pushSubscriptions.userId, userId));
}
