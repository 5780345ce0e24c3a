// The one home of MCP server rows: the token is sealed on the way in, opened
// only for a connection, and never selected by the listing queries.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { mcpServers, type StoredMcpTool } from '../../db/schema/index.ts';
import type { SecretBox } from '../../lib/secret-box.ts';

export type McpServerRow = Omit<typeof mcpServers.$inferSelect, 'secret' | 'oauth'>;

const publicColumns = {
  id: mcpServers.id,
  userId: mcpServers.userId,
  name: mcpServers.name,
  slug: mcpServers.slug,
  url: mcpServers.url,
  status: mcpServers.status,
  auth: mcpServers.auth,
  statusDetail: mcpServers.statusDetail,
  tools: mcpServers.tools,
  createdAt: mcpServers.createdAt,
  updatedAt: mcpServers.updatedAt,
};

/** The insert lost a race for the user's tool prefix (the unique key). */
export const isSlugTaken = (err: unknown): boolean => {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.code === '23505' || e?.cause?.code === '23505';
};

const binding = (userId: string, rowId: string) => ({ userId, purpose: 'mcp-server:token', rowId });
const oauthBinding = (userId: string, rowId: string) => ({ userId, purpose: 'mcp-server:oauth', rowId });

export async function listMcpServers(db: Db, userId: string): Promise<McpServerRow[]> {
  return db.select(publicColumns).from(mcpServers).where(eq(mcpServers.userId, userId)).orderBy(asc(mcpServers.createdAt));
}

export async function getMcpServer(db: Db, userId: string, id: string): Promise<McpServerRow | undefined> {
  const [row] = await db
    .select(publicColumns)
    .from(mcpServers)
    .where(and(eq(mcpServers.userId, userId), eq(mcpServers.id, id)))
    .limit(1);
  return row;
}

export async function listMcpSlugs(db: Db, userId: string): Promise<string[]> {
  const rows = await db.select({ slug: mcpServers.slug }).from(mcpServers).where(eq(mcpServers.userId, userId));
  return rows.map((r) => r.slug);
}

/** Stores a server; the token is sealed for the new row in the same transaction. */
export async function insertMcpServer(
  db: Db,
  box: SecretBox,
  input: { userId: string; name: string; slug: string; url: string; tools: StoredMcpTool[]; token: string | undefined; oauth?: boolean },
): Promise<McpServerRow> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(mcpServers)
      .values({
        userId: input.userId,
        name: input.name,
        slug: input.slug,
        url: input.url,
        tools: input.tools,
        secret: null,
        ...(input.oauth ? { auth: 'oauth', status: 'needs_sign_in', statusDetail: 'Sign in to use its tools' } : {}),
      })
      .returning(publicColumns);
    if (input.token !== undefined) {
      await tx.update(mcpServers).set({ secret: box.seal(input.token, binding(input.userId, row!.id)) }).where(eq(mcpServers.id, row!.id));
    }
    return row!;
  });
}

/** The server's bearer token (for the MCP client only), or undefined when it has none. */
export async function readMcpServerToken(db: Db, box: SecretBox, userId: string, id: string): Promise<string | undefined> {
  const [row] = await db
    .select({ secret: mcpServers.secret })
    .from(mcpServers)
    .where(and(eq(mcpServers.userId, userId), eq(mcpServers.id, id)))
    .limit(1);
  if (!row?.secret) return undefined;
  const token = box.open(row.secret, binding(userId, id));
  if (box.needsRotation(row.secret)) {
    await db
      .update(mcpServers)
      .set({ secret: box.seal(token, binding(userId, id)) })
      .where(and(eq(mcpServers.userId, userId), eq(mcpServers.id, id), eq(mcpServers.secret, row.secret)));
  }
  return token;
}

/** The OAuth document of a server (client, tokens, discovery), opened; undefined when it has none yet. */
export async function readMcpServerOAuth(db: Db, box: SecretBox, userId: string, id: string): Promise<string | undefined> {
  const [row] = await db
    .select({ oauth: mcpServers.oauth })
    .from(mcpServers)
    .where(and(eq(mcpServers.userId, userId), eq(mcpServers.id, id), eq(mcpServers.auth, 'oauth')))
    .limit(1);
  return row?.oauth ? box.open(row.oauth, oauthBinding(userId, id)) : undefined;
}

export async function saveMcpServerOAuth(db: Db, box: SecretBox, userId: string, id: string, document: string): Promise<void> {
  await db
    .update(mcpServers)
    .set({ oauth: box.seal(document, oauthBinding(userId, id)), updatedAt: sql`now()` })
    .where(and(eq(mcpServers.userId, userId), eq(mcpServers.id, id), eq(mcpServers.auth, 'oauth')));
}

export async function setMcpServerStatus(
  db: Db,
  userId: string,
  id: string,
  status: 'ok' | 'error' | 'needs_sign_in',
  detail: string | null,
  tools?: StoredMcpTool[],
): Promise<void> {
  await db
    .update(mcpServers)
    .set({ status, statusDetail: detail, ...(tools ? { tools } : {}), updatedAt: sql`now()` })
    .where(and(eq(mcpServers.userId, userId), eq(mcpServers.id, id)));
}

/** Erases the token, then the row. */
export async function deleteMcpServer(db: Db, userId: string, id: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.update(mcpServers).set({ secret: null, oauth: null }).where(and(eq(mcpServers.userId, userId), eq(mcpServers.id, id)));
    const rows = await tx
      .delete(mcpServers)
      .where(and(eq(mcpServers.userId, userId), eq(mcpServers.id, id)))
      .returning({ id: mcpServers.id });
    return rows.length === 1;
  });
}

/** For the account export: no token, no schemas. */
export async function exportMcpServers(db: Db, userId: string) {
  const rows = await listMcpServers(db, userId);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    url: r.url,
    status: r.status,
    tools: r.tools.map((t) => ({ name: t.name, readOnly: t.readOnly })),
    createdAt: r.createdAt,
  }));
}
