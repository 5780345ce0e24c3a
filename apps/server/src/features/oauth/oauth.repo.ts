import { and, desc, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { oauthAuthorizations, oauthClients, oauthGrants, oauthTokens, users } from '../../db/schema/index.ts';

export type ClientRow = typeof oauthClients.$inferSelect;
export type AuthorizationRow = typeof oauthAuthorizations.$inferSelect;
export type GrantRow = typeof oauthGrants.$inferSelect;

export async function insertClient(db: Db, values: typeof oauthClients.$inferInsert): Promise<ClientRow> {
  const [row] = await db.insert(oauthClients).values(values).returning();
  return row!;
}

export async function findClient(db: Db, id: string): Promise<ClientRow | undefined> {
  const [row] = await db.select().from(oauthClients).where(eq(oauthClients.id, id)).limit(1);
  return row;
}

/** Stores (or refreshes) the cached copy of a client's metadata document. */
export async function upsertMetadataClient(
  db: Db,
  values: { id: string; metadataUrl: string; name: string; redirectUris: string[]; metadata: Record<string, unknown>; fetchedAt: Date; staleAt: Date },
): Promise<ClientRow> {
  const { id: _id, ...update } = values;
  const [row] = await db.insert(oauthClients).values(values).onConflictDoUpdate({ target: oauthClients.id, set: update }).returning();
  return row!;
}

export async function insertAuthorization(db: Db, values: typeof oauthAuthorizations.$inferInsert): Promise<AuthorizationRow> {
  const [row] = await db.insert(oauthAuthorizations).values(values).returning();
  return row!;
}

export async function findAuthorization(db: Db, id: string): Promise<AuthorizationRow | undefined> {
  const [row] = await db.select().from(oauthAuthorizations).where(eq(oauthAuthorizations.id, id)).limit(1);
  return row;
}

/** Answers a still-pending, unexpired consent request once: approve (with the code's hash and scopes) or deny. */
export async function decideAuthorization(
  db: Db,
  id: string,
  now: Date,
  decision: { userId: string; status: 'approved' | 'denied'; codeHash?: string; scopes?: string[]; expiresAt?: Date },
): Promise<boolean> {
  const rows = await db
    .update(oauthAuthorizations)
    .set({
      userId: decision.userId,
      status: decision.status,
      ...(decision.codeHash ? { codeHash: decision.codeHash } : {}),
      ...(decision.scopes ? { scopes: decision.scopes } : {}),
      ...(decision.expiresAt ? { expiresAt: decision.expiresAt } : {}),
    })
    .where(and(eq(oauthAuthorizations.id, id), eq(oauthAuthorizations.status, 'pending'), gt(oauthAuthorizations.expiresAt, now)))
    .returning({ id: oauthAuthorizations.id });
  return rows.length === 1;
}

/** Redeems an approved code once; a second redemption finds the row `used` and gets its grant id back (to end it). */
export async function redeemCode(
  db: Db,
  codeHash: string,
  now: Date,
): Promise<{ redeemed: AuthorizationRow | undefined; replayed: AuthorizationRow | undefined }> {
  const [redeemed] = await db
    .update(oauthAuthorizations)
    .set({ status: 'used' })
    .where(and(eq(oauthAuthorizations.codeHash, codeHash), eq(oauthAuthorizations.status, 'approved'), gt(oauthAuthorizations.expiresAt, now)))
    .returning();
  if (redeemed) return { redeemed, replayed: undefined };
  const [replayed] = await db.select().from(oauthAuthorizations).where(eq(oauthAuthorizations.codeHash, codeHash)).limit(1);
  return { redeemed: undefined, replayed };
}

export async function setAuthorizationGrant(db: Db, id: string, grantId: string): Promise<void> {
  await db.update(oauthAuthorizations).set({ grantId }).where(eq(oauthAuthorizations.id, id));
}

export async function insertGrant(db: Db, values: { userId: string; clientId: string; scopes: string[] }): Promise<GrantRow> {
  const [row] = await db.insert(oauthGrants).values(values).returning();
  return row!;
}

export async function insertToken(
  db: Db,
  values: { grantId: string; kind: 'access' | 'refresh'; tokenHash: string; expiresAt: Date },
): Promise<void> {
  await db.insert(oauthTokens).values(values);
}

/** A live token of a live grant, with the grant, its client and its user. */
export async function findLiveToken(db: Db, tokenHash: string, kind: 'access' | 'refresh', now: Date) {
  const [row] = await db
    .select({ token: oauthTokens, grant: oauthGrants, clientName: oauthClients.name, user: users })
    .from(oauthTokens)
    .innerJoin(oauthGrants, eq(oauthGrants.id, oauthTokens.grantId))
    .innerJoin(oauthClients, eq(oauthClients.id, oauthGrants.clientId))
    .innerJoin(users, eq(users.id, oauthGrants.userId))
    .where(and(eq(oauthTokens.tokenHash, tokenHash), eq(oauthTokens.kind, kind), gt(oauthTokens.expiresAt, now), isNull(oauthGrants.revokedAt)))
    .limit(1);
  return row;
}

/** Marks a refresh token used; false when it was used already (a replay). */
export async function useRefreshToken(db: Db, id: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(oauthTokens)
    .set({ usedAt: now })
    .where(and(eq(oauthTokens.id, id), isNull(oauthTokens.usedAt)))
    .returning({ id: oauthTokens.id });
  return rows.length === 1;
}

export async function touchGrant(db: Db, id: string, now: Date): Promise<void> {
  // At most once a minute, so every call is not a write.
  await db
    .update(oauthGrants)
    .set({ lastUsedAt: now })
    .where(and(eq(oauthGrants.id, id), sql`(${oauthGrants.lastUsedAt} is null or ${oauthGrants.lastUsedAt} < ${new Date(now.getTime() - 60_000)})`));
}

export async function revokeGrant(db: Db, id: string, userId?: string): Promise<boolean> {
  const rows = await db
    .update(oauthGrants)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(oauthGrants.id, id), isNull(oauthGrants.revokedAt), ...(userId ? [eq(oauthGrants.userId, userId)] : [])))
    .returning({ id: oauthGrants.id });
  if (rows.length === 1) await db.delete(oauthTokens).where(eq(oauthTokens.grantId, id));
  return rows.length === 1;
}

export async function listGrants(db: Db, userId: string) {
  return db
    .select({ grant: oauthGrants, clientName: oauthClients.name, metadataUrl: oauthClients.metadataUrl })
    .from(oauthGrants)
    .innerJoin(oauthClients, eq(oauthClients.id, oauthGrants.clientId))
    .where(and(eq(oauthGrants.userId, userId), isNull(oauthGrants.revokedAt)))
    .orderBy(desc(oauthGrants.createdAt));
}

/** Housekeeping: consent requests and tokens past their expiry. */
export async function pruneExpired(db: Db, now: Date): Promise<void> {
  await db.delete(oauthAuthorizations).where(lt(oauthAuthorizations.expiresAt, new Date(now.getTime() - 86_400_000)));
  await db.delete(oauthTokens).where(lt(oauthTokens.expiresAt, now));
}
