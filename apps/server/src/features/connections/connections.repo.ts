// The one home of connection secrets: sealed on the way in, opened on the way
// out, never selected by the listing queries.
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { connections } from '../../db/schema/index.ts';
import type { SecretBox } from '../../lib/secret-box.ts';

export type ConnectionRow = Omit<typeof connections.$inferSelect, 'secret'>;

const publicColumns = {
  id: connections.id,
  userId: connections.userId,
  provider: connections.provider,
  account: connections.account,
  status: connections.status,
  statusDetail: connections.statusDetail,
  settings: connections.settings,
  createdAt: connections.createdAt,
  updatedAt: connections.updatedAt,
};

const binding = (userId: string, provider: string, rowId: string) => ({ userId, purpose: `connection:${provider}`, rowId });

export async function listConnections(db: Db, userId: string, provider?: string): Promise<ConnectionRow[]> {
  return db
    .select(publicColumns)
    .from(connections)
    .where(provider ? and(eq(connections.userId, userId), eq(connections.provider, provider)) : eq(connections.userId, userId))
    .orderBy(desc(connections.createdAt));
}

export async function getConnection(db: Db, userId: string, id: string): Promise<ConnectionRow | undefined> {
  const [row] = await db
    .select(publicColumns)
    .from(connections)
    .where(and(eq(connections.userId, userId), eq(connections.id, id)))
    .limit(1);
  return row;
}

/** Creates or replaces the user's connection to that account; the secret is sealed (bound to the row) before it is stored. */
export async function upsertConnection(
  db: Db,
  box: SecretBox,
  input: { userId: string; provider: string; account: string; settings: Record<string, unknown>; secret: unknown },
): Promise<ConnectionRow> {
  // The sealed value names its row, so the row id must be known first: the row is
  // written (or found) and its secret set in one transaction.
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(connections)
      .values({ userId: input.userId, provider: input.provider, account: input.account, settings: input.settings, secret: null })
      .onConflictDoUpdate({
        target: [connections.userId, connections.provider, connections.account],
        set: { settings: input.settings, status: 'ok', statusDetail: null, updatedAt: sql`now()` },
      })
      .returning(publicColumns);
    const sealed = box.seal(JSON.stringify(input.secret), binding(input.userId, input.provider, row!.id));
    await tx.update(connections).set({ secret: sealed }).where(eq(connections.id, row!.id));
    return row!;
  });
}

/** The decrypted secret of one of the user's connections (for the integration clients only). */
export async function readConnectionSecret<T>(db: Db, box: SecretBox, userId: string, id: string): Promise<T | undefined> {
  const [row] = await db
    .select({ id: connections.id, secret: connections.secret, provider: connections.provider })
    .from(connections)
    .where(and(eq(connections.userId, userId), eq(connections.id, id)))
    .limit(1);
  if (!row?.secret) return undefined;
  const plaintext = box.open(row.secret, binding(userId, row.provider, row.id));
  // An older key or format (sealed before the row id was bound): seal it anew, unless it changed meanwhile.
  if (box.needsRotation(row.secret)) {
    await db
      .update(connections)
      .set({ secret: box.seal(plaintext, binding(userId, row.provider, row.id)) })
      .where(and(eq(connections.userId, userId), eq(connections.id, id), eq(connections.secret, row.secret)));
  }
  return JSON.parse(plaintext) as T;
}

export async function updateConnectionSecret(db: Db, box: SecretBox, userId: string, id: string, provider: string, secret: unknown): Promise<void> {
  await db
    .update(connections)
    .set({ secret: box.seal(JSON.stringify(secret), binding(userId, provider, id)), updatedAt: sql`now()` })
    .where(and(eq(connections.userId, userId), eq(connections.id, id)));
}

export async function setConnectionStatus(db: Db, userId: string, id: string, status: 'ok' | 'error', detail: string | null): Promise<void> {
  await db
    .update(connections)
    .set({ status, statusDetail: detail, updatedAt: sql`now()` })
    .where(and(eq(connections.userId, userId), eq(connections.id, id)));
}

/** Erases the credentials, then the row. */
export async function deleteConnection(db: Db, userId: string, id: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.update(connections).set({ secret: null }).where(and(eq(connections.userId, userId), eq(connections.id, id)));
    const rows = await tx
      .delete(connections)
      .where(and(eq(connections.userId, userId), eq(connections.id, id)))
      .returning({ id: connections.id });
    return rows.length === 1;
  });
}
