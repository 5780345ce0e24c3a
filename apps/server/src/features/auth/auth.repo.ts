import { and, desc, eq, gt, isNotNull, isNull, lt, ne, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.ts';
import { mfaChallenges, passwordResetTokens, refreshTokens, sessions, users, webauthnChallenges } from '../../db/schema/index.ts';

export type UserRow = typeof users.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;

const UNIQUE_VIOLATION = '23505';
export const isUniqueViolation = (err: unknown): boolean => {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.code === UNIQUE_VIOLATION || e?.cause?.code === UNIQUE_VIOLATION;
};

export async function insertUser(
  db: DbOrTx,
  values: { email: string; passwordHash: string; username: string | null; timezone: string; timeFormat?: string },
): Promise<UserRow | null> {
  try {
    const [row] = await db.insert(users).values(values).returning();
    return row ?? null;
  } catch (err) {
    if (isUniqueViolation(err)) return null;
    throw err;
  }
}

export async function findUserByEmail(db: DbOrTx, email: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  return row;
}

export async function findUserById(db: DbOrTx, userId: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  return row;
}

export async function updateUser(
  db: DbOrTx,
  userId: string,
  values: Partial<Pick<UserRow, 'username' | 'timezone' | 'passwordHash' | 'memoryExtraction' | 'briefing' | 'timeFormat'>>,
): Promise<UserRow | undefined> {
  const [row] = await db
    .update(users)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(users.id, userId))
    .returning();
  return row;
}

export async function deleteUser(db: DbOrTx, userId: string): Promise<void> {
  await db.delete(users).where(eq(users.id, userId));
}

export async function insertSession(
  db: DbOrTx,
  values: { userId: string; tokenHash: string; deviceName: string | null; expiresAt: Date; now: Date },
): Promise<SessionRow> {
  const [row] = await db
    .insert(sessions)
    .values({
      userId: values.userId,
      token: values.tokenHash,
      deviceName: values.deviceName,
      expiresAt: values.expiresAt,
      createdAt: values.now,
      lastUsedAt: values.now,
    })
    .returning();
  await db.insert(refreshTokens).values({ tokenHash: values.tokenHash, sessionId: row!.id });
  return row!;
}

/** The session and its user, for the per-request check. */
export async function findActiveSession(db: DbOrTx, sessionId: string, userId: string) {
  const [row] = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .limit(1);
  return row;
}

export async function touchSession(db: DbOrTx, sessionId: string, now: Date): Promise<void> {
  await db
    .update(sessions)
    .set({ lastUsedAt: now })
    .where(and(eq(sessions.id, sessionId), sql`${sessions.lastUsedAt} < ${new Date(now.getTime() - 60_000)}`));
}

export async function findRefreshToken(db: DbOrTx, tokenHash: string) {
  const [row] = await db
    .select({ token: refreshTokens, session: sessions })
    .from(refreshTokens)
    .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
    .where(eq(refreshTokens.tokenHash, tokenHash))
    .limit(1);
  return row;
}

/** Marks the token used, keeping its sealed successor pair; false when another request rotated it first. */
export async function markRefreshTokenRotated(db: DbOrTx, tokenHash: string, now: Date, successor: string): Promise<boolean> {
  const rows = await db
    .update(refreshTokens)
    .set({ rotatedAt: now, successor })
    .where(and(eq(refreshTokens.tokenHash, tokenHash), isNull(refreshTokens.rotatedAt)))
    .returning({ tokenHash: refreshTokens.tokenHash });
  return rows.length === 1;
}

/** The session moves on to `tokenHash`; only the token just replaced keeps a sealed successor. */
export async function rotateSessionToken(db: DbOrTx, sessionId: string, replacedHash: string, tokenHash: string, now: Date): Promise<void> {
  await db.update(sessions).set({ token: tokenHash, lastUsedAt: now }).where(eq(sessions.id, sessionId));
  await db.insert(refreshTokens).values({ tokenHash, sessionId });
  await db
    .update(refreshTokens)
    .set({ successor: null })
    .where(and(eq(refreshTokens.sessionId, sessionId), ne(refreshTokens.tokenHash, replacedHash), isNotNull(refreshTokens.successor)));
}

export async function revokeSession(db: DbOrTx, userId: string, sessionId: string): Promise<boolean> {
  const rows = await db
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  return rows.length === 1;
}

export async function revokeOtherSessions(db: DbOrTx, userId: string, keepSessionId: string): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId), isNull(sessions.revokedAt)));
}

export async function revokeAllSessions(db: DbOrTx, userId: string): Promise<void> {
  await db.update(sessions).set({ revokedAt: sql`now()` }).where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
}

export async function listActiveSessions(db: Db, userId: string, now: Date, idleSince: Date) {
  return db
    .select()
    .from(sessions)
    .where(
      and(
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, now),
        gt(sessions.lastUsedAt, idleSince),
      ),
    )
    .orderBy(desc(sessions.lastUsedAt));
}

/** Sessions for the account export: no token hashes. */
export async function listSessionsForExport(db: Db, userId: string) {
  return db
    .select({
      id: sessions.id,
      deviceName: sessions.deviceName,
      createdAt: sessions.createdAt,
      lastUsedAt: sessions.lastUsedAt,
      expiresAt: sessions.expiresAt,
      revokedAt: sessions.revokedAt,
    })
    .from(sessions)
    .where(eq(sessions.userId, userId));
}

/** Housekeeping: sessions past their expiry or idle limit, and revoked ones. */
export async function pruneSessions(db: Db, now: Date, idleSince: Date): Promise<number> {
  const rows = await db
    .delete(sessions)
    .where(sql`${sessions.expiresAt} < ${now} or ${sessions.lastUsedAt} < ${idleSince} or ${sessions.revokedAt} is not null`)
    .returning({ id: sessions.id });
  return rows.length;
}

/** Housekeeping: second-factor steps, reset links and passkey ceremonies past their expiry. */
export async function pruneExpiredAuthSteps(db: Db, now: Date): Promise<number> {
  const counts = await Promise.all([
    db.delete(mfaChallenges).where(lt(mfaChallenges.expiresAt, now)).returning({ k: mfaChallenges.tokenHash }),
    db.delete(passwordResetTokens).where(lt(passwordResetTokens.expiresAt, now)).returning({ k: passwordResetTokens.tokenHash }),
    db.delete(webauthnChallenges).where(lt(webauthnChallenges.expiresAt, now)).returning({ k: webauthnChallenges.id }),
  ]);
  return counts.reduce((n, rows) => n + rows.length, 0);
}
