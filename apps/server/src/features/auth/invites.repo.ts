import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { invites, users } from '../../db/schema/index.ts';

export async function insertInvite(db: DbOrTx, codeHash: string, expiresAt: Date): Promise<void> {
  await db.insert(invites).values({ codeHash, expiresAt });
}

/** Uses an unused, unexpired invite; its id, or undefined. */
export async function useInvite(db: DbOrTx, codeHash: string, now: Date): Promise<string | undefined> {
  const [row] = await db
    .update(invites)
    .set({ usedAt: now })
    .where(and(eq(invites.codeHash, codeHash), isNull(invites.usedAt), gt(invites.expiresAt, now)))
    .returning({ id: invites.id });
  return row?.id;
}

export async function setInviteUser(db: DbOrTx, id: string, userId: string): Promise<void> {
  await db.update(invites).set({ usedBy: userId }).where(eq(invites.id, id));
}

/** Serialises registrations while they check "is this the first user?" (released at commit). */
export async function lockRegistrations(db: DbOrTx): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(7402611)`);
}

export async function hasAnyUser(db: DbOrTx): Promise<boolean> {
  const rows = await db.select({ id: users.id }).from(users).limit(1);
  return rows.length > 0;
}
