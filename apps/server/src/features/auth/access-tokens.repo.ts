import { and, desc, eq, isNull, lt, or } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { personalAccessTokens, users } from '../../db/schema/index.ts';

export type AccessTokenRow = typeof personalAccessTokens.$inferSelect;

export async function insertAccessToken(
  db: DbOrTx,
  values: { userId: string; name: string; tokenHash: string; scopes: string[]; expiresAt: Date | null; now: Date },
): Promise<AccessTokenRow> {
  const [row] = await db
    .insert(personalAccessTokens)
    .values({ userId: values.userId, name: values.name, tokenHash: values.tokenHash, scopes: values.scopes, expiresAt: values.expiresAt, createdAt: values.now })
    .returning();
  return row!;
}

export function listAccessTokens(db: DbOrTx, userId: string): Promise<AccessTokenRow[]> {
  return db.select().from(personalAccessTokens).where(eq(personalAccessTokens.userId, userId)).orderBy(desc(personalAccessTokens.createdAt));
}

/** The token and its owner, for the per-request check. */
export async function findAccessTokenByHash(db: DbOrTx, tokenHash: string) {
  const [row] = await db
    .select({ token: personalAccessTokens, user: users })
    .from(personalAccessTokens)
    .innerJoin(users, eq(users.id, personalAccessTokens.userId))
    .where(eq(personalAccessTokens.tokenHash, tokenHash))
    .limit(1);
  return row;
}

export async function deleteAccessToken(db: DbOrTx, userId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(personalAccessTokens)
    .where(and(eq(personalAccessTokens.id, id), eq(personalAccessTokens.userId, userId)))
    .returning({ id: personalAccessTokens.id });
  return rows.length === 1;
}

/** Records a use, at most once a minute per token. */
export async function touchAccessToken(db: DbOrTx, id: string, now: Date): Promise<void> {
  await db
    .update(personalAccessTokens)
    .set({ lastUsedAt: now })
    .where(
      and(
        eq(personalAccessTokens.id, id),
        or(isNull(personalAccessTokens.lastUsedAt), lt(personalAccessTokens.lastUsedAt, new Date(now.getTime() - 60_000))),
      ),
    );
}
