// The runs of user messages still waiting for their reply (table agent_runs). A
// run's row is inserted with its message and deleted with its reply (see
// messages.repo.ts); here: renewing the lease, and claiming runs whose lease lapsed.
import { and, asc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { agentRuns } from '../../db/schema/index.ts';

export interface ClaimedRun {
  messageId: string;
  userId: string;
  /** This claim's number: it fences the lease, so a runner that lost it cannot renew it. */
  attempts: number;
}

const leaseEnd = (ms: number) => sql`clock_timestamp() + ${`${Math.round(ms)} milliseconds`}::interval`;
const lapsed = sql`${agentRuns.leaseUntil} < clock_timestamp()`;

/** Extends the lease of the run this instance holds as attempt `attempts`; false when it is over or taken over. */
export async function renewLease(db: Db, messageId: string, attempts: number, leaseMs: number): Promise<boolean> {
  const rows = await db
    .update(agentRuns)
    .set({ leaseUntil: leaseEnd(leaseMs) })
    .where(and(eq(agentRuns.messageId, messageId), eq(agentRuns.attempts, attempts)))
    .returning({ id: agentRuns.messageId });
  return rows.length > 0;
}

/** Claims up to `limit` runs whose lease lapsed (their instance died), oldest lapse first; each by one instance only. */
export async function claimLapsedRuns(db: Db, leaseMs: number, limit: number): Promise<ClaimedRun[]> {
  const due = db
    .select({ id: agentRuns.messageId })
    .from(agentRuns)
    .where(lt(agentRuns.leaseUntil, sql`clock_timestamp()`))
    .orderBy(asc(agentRuns.leaseUntil))
    .limit(limit)
    .for('update', { skipLocked: true });
  return db
    .update(agentRuns)
    .set({ leaseUntil: leaseEnd(leaseMs), attempts: sql`${agentRuns.attempts} + 1` })
    .where(and(inArray(agentRuns.messageId, due), lapsed))
    .returning({ messageId: agentRuns.messageId, userId: agentRuns.userId, attempts: agentRuns.attempts });
}

/** Claims the run of one of the user's messages if its lease lapsed: 'held' while its instance still renews it, 'none' without a run. */
export async function claimRun(db: Db, userId: string, messageId: string, leaseMs: number): Promise<ClaimedRun | 'held' | 'none'> {
  const [claimed] = await db
    .update(agentRuns)
    .set({ leaseUntil: leaseEnd(leaseMs), attempts: sql`${agentRuns.attempts} + 1` })
    .where(and(eq(agentRuns.messageId, messageId), eq(agentRuns.userId, userId), lapsed))
    .returning({ messageId: agentRuns.messageId, userId: agentRuns.userId, attempts: agentRuns.attempts });
  if (claimed) return claimed;
  const [held] = await db
    .select({ id: agentRuns.messageId })
    .from(agentRuns)
    .where(and(eq(agentRuns.messageId, messageId), eq(agentRuns.userId, userId)));
  return held ? 'held' : 'none';
}

/** Ends a run without a reply to store (its message already has one). */
export async function endRun(db: Db, messageId: string): Promise<void> {
  await db.delete(agentRuns).where(eq(agentRuns.messageId, messageId));
}
