import { randomUUID } from 'node:crypto';
import { routeMention, type AgentName, type Message, type MessagePage } from '@lifeos/contract';
import type { AppContext } from '../../context.ts';
import type { AuthInfo } from '../../http/auth.ts';
import { runAgent } from '../../agents/runtime.ts';
import { extractInBackground, shouldExtract } from '../../agents/mem/mem-extract.ts';
import { messageSent } from '../../lib/events.ts';
import { linkActionToMessage } from '../actions/actions.service.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { replyDeltas } from './reply-deltas.ts';
import { collectDeltas, stoppable } from './stop-reply.ts';
import * as repo from './messages.repo.ts';

export interface PostResult {
  status: 200 | 201;
  message: Message;
  reply: Message;
}

export const MESSAGE_CREATED = 'message.created';
export const MESSAGE_UPDATED = 'message.updated';
export { MESSAGE_DELTA } from './reply-deltas.ts';

export async function publishMessage(ctx: AppContext, userId: string, row: repo.MessageRow, type = MESSAGE_CREATED): Promise<void> {
  try {
    await ctx.bus.publish({ userId, type, data: { ...repo.toMessage(row), seq: row.seq } });
  } catch (err) {
    // The message is stored; a device that missed the event catches up by Last-Event-ID.
    ctx.log.warn({ err }, 'could not publish message event');
  }
}

/**
 * A message LifeOS starts itself (a reminder, the daily briefing): stored under `id`
 * and streamed to every device. Null when a message with that id exists, so a
 * retried delivery cannot say the same thing twice.
 */
export async function postAssistantMessage(
  ctx: AppContext,
  userId: string,
  input: { id: string; content: string; agentName: AgentName | null; metadata: Record<string, unknown> },
): Promise<Message | null> {
  const row = await repo.insertMessageOnce(ctx.db, { ...input, userId, role: 'assistant' });
  if (!row) return null;
  await publishMessage(ctx, userId, row);
  return repo.toMessage(row);
}

/** Stores the user's message, runs the routed agent, stores and returns its reply. */
export async function postMessage(
  ctx: AppContext,
  auth: AuthInfo,
  input: { content: string; clientId?: string | undefined },
  forcedAgent?: AgentName,
): Promise<PostResult> {
  const agentName = forcedAgent ?? routeMention(input.content);
  const userRow = await repo.insertMessage(ctx.db, {
    userId: auth.userId,
    role: 'user',
    content: input.content,
    agentName,
    metadata: null,
    clientId: input.clientId ?? null,
  });
  if (!userRow) return replayIdempotent(ctx, auth, input.clientId!, agentName);
  messageSent(ctx, { userId: auth.userId, agent: agentName ?? 'assistant' });
  await publishMessage(ctx, auth.userId, userRow);
  const reply = await answer(ctx, auth, userRow, agentName, input.clientId ?? null);
  return { status: 201, message: repo.toMessage(userRow), reply: repo.toMessage(reply) };
}

async function answer(
  ctx: AppContext,
  auth: AuthInfo,
  userRow: repo.MessageRow,
  agentName: AgentName | null,
  clientId: string | null,
): Promise<repo.MessageRow> {
  const replyId = randomUUID();
  const deltas = replyDeltas(ctx, auth.userId, { messageId: replyId, agentName });
  const written = collectDeltas(deltas.push);
  const result = await stoppable(ctx, auth.userId, replyId, (signal) =>
    runAgent(ctx, {
      user: auth.user,
      agentName,
      content: userRow.content,
      sourceMessageId: userRow.id,
      onDelta: written.push,
      signal,
    }),
  );
  if (result.reply.metadata?.status === 'stopped') result.reply.content = written.text().trim() || 'Stopped before answering.';
  // Streamed chunks go out before the stored reply does.
  await deltas.flushed();
  const replyRow = await repo.insertMessage(ctx.db, {
    id: replyId,
    userId: auth.userId,
    role: 'assistant',
    content: result.reply.content,
    // The agent that handled it; without a mention, the one the assistant handed the message to (null for none or several).
    agentName: result.handledBy,
    metadata: { ...result.reply.metadata, replyTo: userRow.id },
    clientId,
  });
  if (!replyRow) {
    // Another request answered the same clientId first; theirs is the reply.
    const existing = await repo.findByClientId(ctx.db, auth.userId, clientId!);
    return existing.reply!;
  }
  if (result.pendingAction) await linkActionToMessage(ctx, auth.userId, result.pendingAction.id, replyRow.id);
  await publishMessage(ctx, auth.userId, replyRow);
  // Opted-in facts from ordinary messages; @mem already handles its own, and the reply does not wait.
  if (shouldExtract(ctx, auth.user, result.handledBy)) extractInBackground(ctx, auth.user, userRow);
  return replyRow;
}

/**
 * A retry with a known clientId: the first request's pair, once its reply exists.
 * If the first request died before answering, the retry answers (once, by the unique index).
 */
async function replayIdempotent(
  ctx: AppContext,
  auth: AuthInfo,
  clientId: string,
  agentName: AgentName | null,
): Promise<PostResult> {
  const deadline = Date.now() + ctx.config.agentTimeoutMs + 5_000;
  let delay = 25;
  for (;;) {
    const { message, reply } = await repo.findByClientId(ctx.db, auth.userId, clientId);
    if (message && reply) return { status: 200, message: repo.toMessage(message), reply: repo.toMessage(reply) };
    if (!message) {
      // The first insert failed on the index but is not visible yet: try again shortly.
      await sleep(delay);
      continue;
    }
    const orphaned = Date.now() - (message.createdAt?.getTime() ?? 0) > ctx.config.agentTimeoutMs + 5_000;
    if (orphaned || Date.now() > deadline) {
      const replyRow = await answer(ctx, auth, message, (message.agentName as AgentName | null) ?? agentName, clientId);
      return { status: 200, message: repo.toMessage(message), reply: repo.toMessage(replyRow) };
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 250);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Recent turns for an agent's context, oldest first; with `agent`, only that agent's thread. */
export const recentConversation = (ctx: Pick<AppContext, 'db'>, userId: string, limit: number, options: { agent?: AgentName | undefined } = {}) =>
  repo.recentHistory(ctx.db, userId, limit, options);

export async function listMessages(
  ctx: AppContext,
  auth: AuthInfo,
  query: { limit: number; before?: string | undefined; agent?: AgentName | undefined },
): Promise<MessagePage> {
  const beforeSeq = query.before ? decodeCursor(ctx.config.jwtSecret, query.before) : undefined;
  const rows = await repo.listMessages(ctx.db, auth.userId, { limit: query.limit + 1, beforeSeq, agent: query.agent });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    messages: page.map(repo.toMessage),
    nextCursor: rows.length > query.limit && last ? encodeCursor(ctx.config.jwtSecret, last.seq) : null,
  };
}
