// The only place that queries briefing runs. Reading who wants a briefing reads the
// users' settings column (written by the auth feature), never anything else of theirs.
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { briefingRuns, users } from '../../db/schema/index.ts';

export type BriefingUser = { id: string; timezone: string; time: string; timeFormat: '24h' | '12h' };

export async function listBriefingUsers(db: Db): Promise<BriefingUser[]> {
  const rows = await db
    .select({ id: users.id, timezone: users.timezone, briefing: users.briefing, timeFormat: users.timeFormat })
    .from(users)
    .where(sql`(${users.briefing} ->> 'enabled')::boolean is true`);
  return rows.map((r) => ({ id: r.id, timezone: r.timezone, time: r.briefing!.time, timeFormat: r.timeFormat === '12h' ? '12h' : '24h' }));
}

/** Claims the user's local day: true for exactly one caller, however many instances try. */
export async function claimDay(db: Db, userId: string, day: string): Promise<boolean> {
  const rows = await db.insert(briefingRuns).values({ userId, day }).onConflictDoNothing().returning({ userId: briefingRuns.userId });
  return rows.length === 1;
}

export async function recordMessage(db: Db, userId: string, day: string, messageId: string): Promise<void> {
  await db.update(briefingRuns).set({ messageId }).where(and(eq(briefingRuns.userId, userId), eq(briefingRuns.day, day)));
}

/** A claimed day whose briefing failed is given back, so the next minute tries again. */
export async function releaseDay(db: Db, userId: string, day: string): Promise<void> {
  await db.delete(briefingRuns).where(and(eq(briefingRuns.userId, userId), eq(briefingRuns.day, day)));
}
