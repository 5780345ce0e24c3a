// Confirmations: an agent's proposal runs only when its user confirms, and
// exactly once (the claim is one atomic UPDATE), also under concurrent confirms.
import type { AgentName, Message, PendingAction } from '@lifeos/contract';
import type { AppContext } from '../../context.ts';
import type { AuthInfo } from '../../http/auth.ts';
import { HttpError, notFound } from '../../http/errors.ts';
import { findAgent } from '../../agents/registry.ts';
import { createAgentContext, failureReply } from '../../agents/runtime.ts';
import type { AgentReply } from '../../agents/types.ts';
import { logEvent } from '../../lib/events.ts';
import * as repo from './actions.repo.ts';
import { agentlessAction } from './agentless-actions.ts';
import { patchMessageMetadata, storeAssistantMessage } from '../messages/messages.service.ts';
import { timeFormatOf, withTimeFormat } from '../../lib/time/format.ts';

/** Stores an agent's proposal; it runs only when its user confirms. */
export const storePendingAction = (ctx: AppContext, values: Parameters<typeof repo.insertPendingAction>[1]) => repo.insertPendingAction(ctx.db, values);

/** The user's proposals for the account export. */
export const exportUserPendingActions = (ctx: AppContext, userId: string) => repo.exportPendingActions(ctx.db, userId);

/** Ties a proposal to the reply that shows it, so confirming updates that message. */
export const linkActionToMessage = (ctx: AppContext, userId: string, actionId: string, messageId: string) =>
  repo.linkPendingActionMessage(ctx.db, userId, actionId, messageId);

async function load(ctx: AppContext, auth: AuthInfo, id: string) {
  const action = await repo.findPendingAction(ctx.db, auth.userId, id);
  if (!action) throw notFound('Action');
  return action;
}

function alreadyResolved(action: repo.PendingActionRow, now: Date): HttpError {
  if (action.status === 'pending' && action.expiresAt <= now) {
    return new HttpError(409, 'conflict', 'This action has expired; ask again to get a fresh one');
  }
  const what = action.status === 'cancelled' ? 'cancelled' : 'confirmed';
  return new HttpError(409, 'conflict', `This action was already ${what}`);
}

async function report(
  ctx: AppContext,
  auth: AuthInfo,
  action: repo.PendingActionRow,
  reply: AgentReply,
  status: string,
): Promise<Message> {
  const agentName = (action.agentName as AgentName | null) ?? null;
  const message = await storeAssistantMessage(ctx, auth.userId, {
    content: reply.content,
    agentName,
    metadata: { ...reply.metadata, actionId: action.id, actionStatus: status },
  });
  if (action.messageId) {
    // The proposal's message shows the outcome on every device.
    await patchMessageMetadata(ctx, auth.userId, action.messageId, {
      pendingAction: { id: action.id, kind: action.kind, summary: action.summary, expiresAt: action.expiresAt.toISOString(), status },
    });
  }
  return message;
}

/**
 * A proposal made outside the chat (an MCP client's tool call): an assistant
 * message carrying the pending action, so every device shows the card.
 */
export async function attachProposal(
  ctx: AppContext,
  auth: Pick<AuthInfo, 'userId'>,
  input: { action: PendingAction; agentName: AgentName; content: string; source: Record<string, unknown> },
): Promise<string> {
  const message = await storeAssistantMessage(
    ctx,
    auth.userId,
    { content: input.content, agentName: input.agentName, metadata: { pendingAction: { ...input.action, status: 'pending' }, source: input.source } },
    (stored) => repo.linkPendingActionMessage(ctx.db, auth.userId, input.action.id, stored.id),
  );
  return message.id;
}

export async function confirmAction(ctx: AppContext, auth: AuthInfo, id: string): Promise<Message> {
  const action = await load(ctx, auth, id);
  const now = ctx.now();
  if (!(await repo.claimPendingAction(ctx.db, auth.userId, id, 'running', now))) throw alreadyResolved(action, now);

  const agentName = (action.agentName as AgentName | null) ?? null;
  const handler = (agentName ? findAgent(agentName)?.actions[action.kind] : undefined) ?? agentlessAction(action.kind);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ctx.config.agentTimeoutMs);
  const actx = createAgentContext(ctx, { user: auth.user, agentName, sourceMessageId: action.messageId ?? action.id, signal: controller.signal });
  let reply: AgentReply;
  let status: 'done' | 'failed' = 'done';
  try {
    if (!handler) throw new Error(`no handler for action kind ${action.kind}`);
    reply = await withTimeFormat(timeFormatOf(auth.user.settings), () => handler(action.payload, actx));
  } catch (err) {
    status = 'failed';
    ctx.log.warn({ err, kind: action.kind }, 'confirmed action failed');
    reply = failureReply(agentName, err, 'action');
  } finally {
    clearTimeout(timer);
  }
  await repo.finishPendingAction(ctx.db, auth.userId, id, status);
  logEvent(ctx, 'action.confirmed', { userId: auth.userId, kind: action.kind, outcome: status });
  return report(ctx, auth, action, reply, status === 'done' ? 'confirmed' : 'failed');
}

export async function cancelAction(ctx: AppContext, auth: AuthInfo, id: string): Promise<Message> {
  const action = await load(ctx, auth, id);
  const now = ctx.now();
  if (!(await repo.claimPendingAction(ctx.db, auth.userId, id, 'cancelled', now))) throw alreadyResolved(action, now);
  logEvent(ctx, 'action.cancelled', { userId: auth.userId, kind: action.kind });
  const firstLine = action.summary.split('\n')[0]!;
  return report(ctx, auth, action, { content: `Cancelled — nothing was done (${firstLine}).` }, 'cancelled');
}
