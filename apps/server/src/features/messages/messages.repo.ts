import { and, asc, desc, eq, gt, lt, or, sql } from 'drizzle-orm';
import type { AgentName, Message } from '@lifeos/contract';
import { randomUUID } from 'node:crypto';
import type { Db, DbOrTx } from '../../db/client.ts';
import { agentRuns, agentState, messages } from '../../db/schema/index.ts';

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
  /** On a reply: the user message it answers. */
  replyTo?: string | null;
}

/** `now + ms` on the database's clock, which every instance shares. */
const leaseEnd = (ms: number) => sql`clock_timestamp() + ${`${Math.round(ms)} milliseconds`}::interval`;

/**
 * Inserts a message; null when the (user, clientId, role) already exists. With `run`,
 * the same statement records that the message awaits its reply (an `agent_runs` row
 * leased for `run.leaseMs`), so no message can be stored without its run.
 */
export async function insertMessage(db: Db, values: NewMessage, run?: { leaseMs: number }): Promise<MessageRow | null> {
  const id = values.id ?? randomUUID();
  const row = { ...values, id, clientId: values.clientId ?? null, createdAt: sql`clock_timestamp()`, updatedAt: sql`clock_timestamp()` };
  try {
    if (run) {
      const pending = db
        .$with('pending_run')
        .as(db.insert(agentRuns).values({ messageId: id, userId: values.userId, leaseUntil: leaseEnd(run.leaseMs) }).returning({ id: agentRuns.messageId }));
      const [inserted] = await db.with(pending).insert(messages).values(row).returning();
      return inserted ?? null;
    }
    const [inserted] = await db.insert(messages).values(row).returning();
    return inserted ?? null;
  } catch (err) {
    if (values.clientId && isUniqueViolation(err)) return null;
    throw err;
  }
}

/**
 * Stores the reply to `replyTo` and, in the same statement, ends its run. Null when
 * that message already has its reply (a run taken over after a crash, or a retry
 * with the same clientId): a user message is answered exactly once.
 */
export async function insertReply(db: DbOrTx, values: NewMessage & { id: string; replyTo: string }): Promise<MessageRow | null> {
  const done = db.$with('done_run').as(db.delete(agentRuns).where(eq(agentRuns.messageId, values.replyTo)).returning({ id: agentRuns.messageId }));
  const [row] = await db
    .with(done)
    .insert(messages)
    .values({ ...values, clientId: values.clientId ?? null, createdAt: sql`clock_timestamp()`, updatedAt: sql`clock_timestamp()` })
    .onConflictDoNothing()
    .returning();
  return row ?? null;
}

/** The reply to one of the user's messages, once it exists. */
export async function findReply(db: Db, userId: string, messageId: string): Promise<MessageRow | undefined> {
  const [row] = await db
    .select()
    .from(messages)
    .where(and(eq(messages.userId, userId), eq(messages.replyTo, messageId)))
    .limit(1);
  return row;
}

/** Inserts a message under a given id; null when a message with that id exists already. */
export async function insertMessageOnce(db: DbOrTx, values: NewMessage & { id: string }): Promise<MessageRow | null> {
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
