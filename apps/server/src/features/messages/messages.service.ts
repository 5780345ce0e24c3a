import { randomUUID } from 'node:crypto';
import { routeMention, type AgentName, type Message, type MessagePage, type User } from '@lifeos/contract';
import type { AppContext } from '../../context.ts';
import type { AuthInfo } from '../../http/auth.ts';
import { failureReply, runAgent } from '../../agents/runtime.ts';
import { memoryExtractQueue, shouldExtract } from '../../agents/mem/mem-extract.ts';
import { messageSent } from '../../lib/events.ts';
import { linkActionToMessage } from '../actions/actions.service.ts';
import { findUser } from '../auth/auth.service.ts';
import { notifyUser, type PushNote } from '../push/push.service.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { replyDeltas } from './reply-deltas.ts';
import { collectDeltas, stoppable } from './stop-reply.ts';
import * as runs from './agent-runs.repo.ts';
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
 * An assistant message stored and streamed to every device (an action's report, a proposal
 * made outside the chat). `beforePublish` runs between the two (e.g. to link a proposal to it).
 */
export async function storeAssistantMessage(
  ctx: AppContext,
  userId: string,
  input: { content: string; agentName: AgentName | null; metadata: Record<string, unknown> },
  beforePublish?: (message: Message) => Promise<void>,
): Promise<Message> {
  const row = await repo.insertMessage(ctx.db, { ...input, userId, role: 'assistant' });
  const message = repo.toMessage(row!);
  if (beforePublish) await beforePublish(message);
  await publishMessage(ctx, userId, row!);
  return message;
}

/** Merges `patch` into the metadata of one of the user's messages and streams the change; false when there is none. */
export async function patchMessageMetadata(ctx: AppContext, userId: string, id: string, patch: Record<string, unknown>): Promise<boolean> {
  const updated = await repo.updateMessageMetadata(ctx.db, userId, id, patch);
  if (updated) await publishMessage(ctx, userId, updated, MESSAGE_UPDATED);
  return Boolean(updated);
}

/** The user's messages and agent state for the account export. */
export const exportUserMessages = (ctx: AppContext, userId: string) => repo.exportMessages(ctx.db, userId);
export const exportUserAgentState = (ctx: AppContext, userId: string) => repo.exportAgentState(ctx.db, userId);

/**
 * A message LifeOS starts itself (a reminder, the daily briefing): stored under `id`
 * and streamed to every device, with `push` sent to the user's devices; the pushes are
 * enqueued in the transaction that stores the message, so a crash cannot keep one
 * without the other. Null when a message with that id exists, so a retried delivery
 * cannot say (or push) the same thing twice.
 */
export async function postAssistantMessage(
  ctx: AppContext,
  userId: string,
  input: { id: string; content: string; agentName: AgentName | null; metadata: Record<string, unknown> },
  push?: Omit<PushNote, 'messageId'>,
): Promise<Message | null> {
  const row = push
    ? await ctx.db.transaction(async (tx) => {
        const inserted = await repo.insertMessageOnce(tx, { ...input, userId, role: 'assistant' });
        if (inserted) await notifyUser(ctx, userId, { ...push, messageId: inserted.id }, tx);
        return inserted;
      })
    : await repo.insertMessageOnce(ctx.db, { ...input, userId, role: 'assistant' });
  if (!row) return null;
  await publishMessage(ctx, userId, row);
  return repo.toMessage(row);
}

/**
 * Stores the user's message (and, in the same statement, its run), runs the routed
 * agent here at once, stores and returns its reply. If this instance dies mid-run,
 * another one takes the run over when its lease lapses (resumeLapsedRuns) and the
 * reply reaches the user's devices over the stream.
 */
export async function postMessage(
  ctx: AppContext,
  auth: AuthInfo,
  input: { content: string; clientId?: string | undefined },
  forcedAgent?: AgentName,
): Promise<PostResult> {
  const agentName = forcedAgent ?? routeMention(input.content);
  const userRow = await repo.insertMessage(
    ctx.db,
    { userId: auth.userId, role: 'user', content: input.content, agentName, metadata: null, clientId: input.clientId ?? null },
    { leaseMs: ctx.config.agentRunLeaseMs },
  );
  if (!userRow) return replayIdempotent(ctx, auth, input.clientId!);
  messageSent(ctx, { userId: auth.userId, agent: agentName ?? 'assistant' });
  await publishMessage(ctx, auth.userId, userRow);
  const reply = await runHeld(ctx, auth.user, userRow, 1);
  return { status: 201, message: repo.toMessage(userRow), reply: repo.toMessage(reply) };
}

/** Runs the agent for a message whose run this instance holds (claim `attempts`), renewing the lease until the reply is stored. */
async function runHeld(ctx: AppContext, user: User, userRow: repo.MessageRow, attempts: number): Promise<repo.MessageRow> {
  const leaseMs = ctx.config.agentRunLeaseMs;
  const renew = setInterval(() => {
    runs.renewLease(ctx.db, userRow.id, attempts, leaseMs).catch((err: unknown) => ctx.log.warn({ err, messageId: userRow.id }, 'could not renew a run lease'));
  }, Math.max(50, Math.floor(leaseMs / 3)));
  renew.unref();
  try {
    return await answer(ctx, user, userRow);
  } finally {
    clearInterval(renew);
  }
}

async function answer(ctx: AppContext, user: User, userRow: repo.MessageRow): Promise<repo.MessageRow> {
  const agentName = (userRow.agentName as AgentName | null) ?? null;
  const replyId = randomUUID();
  const deltas = replyDeltas(ctx, user.id, { messageId: replyId, agentName });
  const written = collectDeltas(deltas.push);
  const result = await stoppable(ctx, user.id, replyId, (signal) =>
    runAgent(ctx, {
      user,
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
  const reply: repo.NewMessage & { id: string; replyTo: string } = {
    id: replyId,
    userId: user.id,
    role: 'assistant',
    content: result.reply.content,
    // The agent that handled it; without a mention, the one the assistant handed the message to (null for none or several).
    agentName: result.handledBy,
    metadata: { ...result.reply.metadata, replyTo: userRow.id },
    clientId: userRow.clientId,
    replyTo: userRow.id,
  };
  // Opted-in facts from ordinary messages; @mem already handles its own. The extraction is
  // enqueued with the reply, so it happens (once the reply is there) even if this instance stops.
  const extract = shouldExtract(ctx, user, result.handledBy);
  const replyRow = extract
    ? await ctx.db.transaction(async (tx) => {
        const row = await repo.insertReply(tx, reply);
        if (row) await ctx.jobs.send(memoryExtractQueue, { userId: user.id, messageId: userRow.id }, { tx });
        return row;
      })
    : await repo.insertReply(ctx.db, reply);
  if (!replyRow) {
    // Another instance (a takeover) or request (the same clientId) answered first; theirs is the reply.
    const existing = await repo.findReply(ctx.db, user.id, userRow.id);
    if (existing) return existing;
    return (await repo.findByClientId(ctx.db, user.id, userRow.clientId!)).reply!;
  }
  if (result.pendingAction) await linkActionToMessage(ctx, user.id, result.pendingAction.id, replyRow.id);
  await publishMessage(ctx, user.id, replyRow);
  return replyRow;
}

/** A run that keeps taking its instance down is answered with an error instead of being tried again. */
const MAX_RUN_ATTEMPTS = 3;

/**
 * Takes over runs whose instance stopped renewing their lease: claims up to `limit`
 * and starts each (handing its promise to `track`); returns how many were started.
 */
export async function resumeLapsedRuns(ctx: AppContext, limit: number, track: (run: Promise<void>) => void): Promise<number> {
  if (limit <= 0) return 0;
  const claimed = await runs.claimLapsedRuns(ctx.db, ctx.config.agentRunLeaseMs, limit);
  for (const run of claimed) {
    track(
      resumeRun(ctx, run).catch((err: unknown) => ctx.log.error({ err, messageId: run.messageId }, 'a reply taken over failed')),
    );
  }
  return claimed.length;
}

async function resumeRun(ctx: AppContext, run: runs.ClaimedRun): Promise<void> {
  const [message, user] = await Promise.all([repo.findMessage(ctx.db, run.userId, run.messageId), findUser(ctx, run.userId)]);
  if (!message || !user || (await repo.findReply(ctx.db, run.userId, run.messageId))) {
    await runs.endRun(ctx.db, run.messageId);
    return;
  }
  ctx.log.info({ userId: run.userId, messageId: run.messageId, attempt: run.attempts }, 'taking over a reply');
  if (run.attempts > MAX_RUN_ATTEMPTS) {
    const agentName = (message.agentName as AgentName | null) ?? null;
    const failure = failureReply(agentName, new Error('the run stopped its server every time'), 'none');
    const row = await repo.insertReply(ctx.db, {
      id: randomUUID(),
      userId: user.id,
      role: 'assistant',
      content: failure.content,
      agentName,
      metadata: { ...failure.metadata, replyTo: message.id },
      clientId: message.clientId,
      replyTo: message.id,
    });
    if (row) await publishMessage(ctx, user.id, row);
    return;
  }
  await runHeld(ctx, user, message, run.attempts);
}

/**
 * A retry with a known clientId: the first request's pair, once its reply exists.
 * While the first request's instance still holds the run, this waits for its reply; if
 * that instance died, the retry takes the run over (once: the lease is claimed by one).
 */
async function replayIdempotent(ctx: AppContext, auth: AuthInfo, clientId: string): Promise<PostResult> {
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
    const run = await runs.claimRun(ctx.db, auth.userId, message.id, ctx.config.agentRunLeaseMs);
    // 'none': the reply was stored between the two reads, or the message predates runs.
    const orphaned = run === 'none' && Date.now() - (message.createdAt?.getTime() ?? 0) > ctx.config.agentTimeoutMs + 5_000;
    if (typeof run === 'object' || orphaned || Date.now() > deadline) {
      const replyRow = await runHeld(ctx, auth.user, message, typeof run === 'object' ? run.attempts : 0);
      return { status: 200, message: repo.toMessage(message), reply: repo.toMessage(replyRow) };
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 250);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One of the user's messages, or undefined (gone, or another user's). */
export const findOwnMessage = (ctx: Pick<AppContext, 'db'>, userId: string, id: string) => repo.findMessage(ctx.db, userId, id);

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
