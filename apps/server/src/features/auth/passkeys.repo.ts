import { and, desc, eq, gt } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { passkeys, webauthnChallenges } from '../../db/schema/index.ts';

export type PasskeyRow = typeof passkeys.$inferSelect;

export async function insertChallenge(db: DbOrTx, values: { userId: string | null; kind: 'register' | 'login'; challenge: string; expiresAt: Date; now: Date }): Promise<string> {
  const [row] = await db
    .insert(webauthnChallenges)
    .values({ userId: values.userId, kind: values.kind, challenge: values.challenge, expiresAt: values.expiresAt, createdAt: values.now })
    .returning({ id: webauthnChallenges.id });
  return row!.id;
}

/** Takes a ceremony's challenge once (deleted as it is read); undefined when unknown, expired or not of this user. */
export async function takeChallenge(db: DbOrTx, id: string, kind: 'register' | 'login', userId: string | null, now: Date): Promise<string | undefined> {
  const rows = await db
    .delete(webauthnChallenges)
    .where(and(eq(webauthnChallenges.id, id), eq(webauthnChallenges.kind, kind), gt(webauthnChallenges.expiresAt, now)))
    .returning();
  const row = rows[0];
  if (!row || row.userId !== userId) return undefined;
  return row.challenge;
}

export function listPasskeys(db: DbOrTx, userId: string): Promise<PasskeyRow[]> {
  return db.select().from(passkeys).where(eq(passkeys.userId, userId)).orderBy(desc(passkeys.createdAt));
}

export async function findPasskeyByCredentialId(db: DbOrTx, credentialId: string): Promise<PasskeyRow | undefined> {
  const [row] = await db.select().from(passkeys).where(eq(passkeys.credentialId, credentialId)).limit(1);
  return row;
}

export async function insertPasskey(
  db: DbOrTx,
  values: { userId: string; credentialId: string; publicKey: string; counter: number; transports: string[] | null; name: string | null; now: Date },
): Promise<PasskeyRow> {
  const [row] = await db
    .insert(passkeys)
    .values({ ...values, createdAt: values.now })
    .returning();
  return row!;
}

/** Records a sign-in; false when another sign-in moved the counter first (a cloned key or a replay). */
export async function usePasskey(db: DbOrTx, id: string, oldCounter: number, newCounter: number, now: Date): Promise<boolean> {
  const rows = await db
    .update(passkeys)
    .set({ counter: newCounter, lastUsedAt: now })
    .where(and(eq(passkeys.id, id), eq(passkeys.counter, oldCounter)))
    .returning({ id: passkeys.id });
  return rows.length === 1;
}

export async function deletePasskey(db: DbOrTx, userId: string, id: string): Promise<boolean> {
  const rows = await db.delete(passkeys).where(and(eq(passkeys.id, id), eq(passkeys.userId, userId))).returning({ id: passkeys.id });
  return rows.length === 1;
}
