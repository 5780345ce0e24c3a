import { and, eq, gt, isNull, lt, or } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { mfaChallenges, mfaRecoveryCodes, mfaTotp } from '../../db/schema/index.ts';

export type TotpRow = typeof mfaTotp.$inferSelect;

export async function findTotp(db: DbOrTx, userId: string): Promise<TotpRow | undefined> {
  const [row] = await db.select().from(mfaTotp).where(eq(mfaTotp.userId, userId)).limit(1);
  return row;
}

/** A new, not yet active secret (replacing a pending one). */
export async function putPendingTotp(db: DbOrTx, userId: string, secret: string, now: Date): Promise<void> {
  await db
    .insert(mfaTotp)
    .values({ userId, secret, createdAt: now })
    .onConflictDoUpdate({ target: mfaTotp.userId, set: { secret, createdAt: now, enabledAt: null, lastStep: null } });
}

export async function enableTotp(db: DbOrTx, userId: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(mfaTotp)
    .set({ enabledAt: now, lastStep: null })
    .where(and(eq(mfaTotp.userId, userId), isNull(mfaTotp.enabledAt)))
    .returning({ userId: mfaTotp.userId });
  return rows.length === 1;
}

/** Accepts a code's time step once: false when that step (or a later one) was used already. */
export async function useTotpStep(db: DbOrTx, userId: string, step: number): Promise<boolean> {
  const rows = await db
    .update(mfaTotp)
    .set({ lastStep: step })
    .where(and(eq(mfaTotp.userId, userId), or(isNull(mfaTotp.lastStep), lt(mfaTotp.lastStep, step))))
    .returning({ userId: mfaTotp.userId });
  return rows.length === 1;
}

export async function deleteTotp(db: DbOrTx, userId: string): Promise<void> {
  await db.delete(mfaTotp).where(eq(mfaTotp.userId, userId));
  await db.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, userId));
}

export async function replaceRecoveryCodes(db: DbOrTx, userId: string, codeHashes: string[]): Promise<void> {
  await db.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, userId));
  await db.insert(mfaRecoveryCodes).values(codeHashes.map((codeHash) => ({ userId, codeHash })));
}

/** Uses a recovery code once: false when unknown or used. */
export async function useRecoveryCode(db: DbOrTx, userId: string, codeHash: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(mfaRecoveryCodes)
    .set({ usedAt: now })
    .where(and(eq(mfaRecoveryCodes.userId, userId), eq(mfaRecoveryCodes.codeHash, codeHash), isNull(mfaRecoveryCodes.usedAt)))
    .returning({ id: mfaRecoveryCodes.id });
  return rows.length === 1;
}

export async function countUnusedRecoveryCodes(db: DbOrTx, userId: string): Promise<number> {
  const rows = await db
    .select({ id: mfaRecoveryCodes.id })
    .from(mfaRecoveryCodes)
    .where(and(eq(mfaRecoveryCodes.userId, userId), isNull(mfaRecoveryCodes.usedAt)));
  return rows.length;
}

export async function insertChallenge(db: DbOrTx, values: { tokenHash: string; userId: string; deviceName: string | null; expiresAt: Date; now: Date }): Promise<void> {
  await db.insert(mfaChallenges).values({ ...values, createdAt: values.now });
}

export async function findChallenge(db: DbOrTx, tokenHash: string, now: Date) {
  const [row] = await db
    .select()
    .from(mfaChallenges)
    .where(and(eq(mfaChallenges.tokenHash, tokenHash), isNull(mfaChallenges.usedAt), gt(mfaChallenges.expiresAt, now)))
    .limit(1);
  return row;
}

export async function useChallenge(db: DbOrTx, tokenHash: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(mfaChallenges)
    .set({ usedAt: now })
    .where(and(eq(mfaChallenges.tokenHash, tokenHash), isNull(mfaChallenges.usedAt), gt(mfaChallenges.expiresAt, now)))
    .returning({ tokenHash: mfaChallenges.tokenHash });
  return rows.length === 1;
}
