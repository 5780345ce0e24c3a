import { and, asc, desc, eq, gt, lt, or, sql } from 'drizzle-orm';
import type { AgentName, Message } from '@lifeos/contract';
import type { Db } from '../../db/client.ts';
import { agentState, messages } from '../../db/schema/index.ts';

const isUniqueViolation = (err: unknown): boolean => {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.code === '23505' || e?.cause?.code === '23505';
};

export type MessageRow = typeof messages.$inferSelect;

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    role: row.role as Message['role'],
    content: row.content,
    agentName: (row.agentName as AgentName | null) ?? null,
    metadata: row.metadata ?? null,
    createdAt: (row.createdAt ?? new Date(0)).toISOString(),
    updatedAt: (row.updatedAt ?? row.createdAt ?? new Date(0)).toISOString(),
  };
}

export interface NewMessage {
  id?: string;
  userId: string;
  role: 'user' | 'assistant';
  content: string;
  agentName: AgentName | null;
  metadata: Record<string, unknown> | null;
  clientId?: string | null;
}

/** Inserts a message; null when the (user, clientId, role) already exists. */
export async function insertMessage(db: Db, values: NewMessage): Promise<MessageRow | null> {
  try {
    const [row] = await db
      .insert(messages)
      .values({ ...values, clientId: values.clientId ?? null, createdAt: sql`clock_timestamp()`, updatedAt: sql`clock_timestamp()` })
      .returning();
    return row ?? null;
  } catch (err) {
    if (values.clientId && isUniqueViolation(err)) return null;
    throw err;
  }
}

/** Inserts a message under a given id; null when a message with that id exists already. */
export async function insertMessageOnce(db: Db, values: NewMessage & { id: string }): Promise<MessageRow | null> {
  const [row] = await db
    .insert(messages)
    .values({ ...values, clientId: null, createdAt: sql`clock_timestamp()`, updatedAt: sql`clock_timestamp()` })
    .onConflictDoNothing({ target: messages.id })
    .returning();
  return row ?? null;
}

export async function findByClientId(db: Db, userId: string, clientId: string) {
  const rows = await db
    .select()
    .from(messages)
    .where(and(eq(messages.userId, userId), eq(messages.clientId, clientId)));
  return { message: rows.find((r) => r.role === 'user'), reply: rows.find((r) => r.role === 'assistant') };
}

export async function findMessage(db: Db, userId: string, id: string): Promise<MessageRow | undefined> {
  const [row] = await db
    .select()
    .from(messages)
    .where(and(eq(messages.userId, userId), eq(messages.id, id)))
    .limit(1);
  return row;
}

/** One page, newest first, strictly older than `beforeSeq`; one query. */
export async function listMessages(
  db: Db,
  userId: string,
  options: { limit: number; beforeSeq?: number | undefined; agent?: AgentName | undefined },
): Promise<MessageRow[]> {
  const conditions = [eq(messages.userId, userId)];
  if (options.beforeSeq !== undefined) conditions.push(lt(messages.seq, options.beforeSeq));
  // An agent's thread: its replies and the messages they answered (a message without a mention has no agent itself).
  if (options.agent) {
    conditions.push(
      or(
        eq(messages.agentName, options.agent),
        sql`${messages.id}::text in (select r.metadata->>'replyTo' from ${messages} r where r.user_id = ${userId} and r.agent_name = ${options.agent} and r.metadata ? 'replyTo')`,
      )!,
    );
  }
  return db
    .select()
    .from(messages)
    .where(and(...conditions))
    .orderBy(desc(messages.seq))
    .limit(options.limit);
}

/** Messages after `afterSeq`, oldest first (stream replay). */
export async function listMessagesAfter(db: Db, userId: string, afterSeq: number, limit: number): Promise<MessageRow[]> {
  return db
    .select()
    .from(messages)
    .where(and(eq(messages.userId, userId), gt(messages.seq, afterSeq)))
    .orderBy(asc(messages.seq))
    .limit(limit);
}

/** Recent history for an agent's context, oldest first; with `agent`, only that agent's thread. */
export async function recentHistory(
  db: Db,
  userId: string,
  limit: number,
  options: { agent?: AgentName | undefined } = {},
): Promise<MessageRow[]> {
  const conditions = [eq(messages.userId, userId)];
  if (options.agent) conditions.push(eq(messages.agentName, options.agent));
  const rows = await db
    .select()
    .from(messages)
    .where(and(...conditions))
    .orderBy(desc(messages.seq))
    .limit(limit);
  return rows.reverse();
}

export async function updateMessageMetadata(
  db: Db,
  userId: string,
  id: string,
  patch: Record<string, unknown>,
): Promise<MessageRow | undefined> {
  const [row] = await db
    .update(messages)
    .set({ metadata: sql`coalesce(${messages.metadata}, '{}'::jsonb) || ${JSON.stringify(patch)}::jsonb`, updatedAt: sql`now()` })
    .where(and(eq(messages.userId, userId), eq(messages.id, id)))
    .returning();
  return row;
}

export async function exportMessages(db: Db, userId: string) {
  const rows = await db.select().from(messages).where(eq(messages.userId, userId)).orderBy(asc(messages.seq));
  return rows.map(toMessage);
}

export async function exportAgentState(db: Db, userId: string) {
  return db
    .select({ agentName: agentState.agentName, stateData: agentState.stateData, updatedAt: agentState.updatedAt })
    .from(agentState)
    .where(eq(agentState.userId, userId));
}
