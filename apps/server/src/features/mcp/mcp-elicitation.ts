// Asking the MCP client to confirm a pending action (elicitation), where the
// client can. The server is stateless, so it uses the 2026-07-28
// multi-round-trip form: the tool call answers `input_required` with a form,
// the client asks its user and calls the tool again with the answer and the
// sealed state; any instance can take that second call. 2025-era clients
// (`initialize`) get no elicitation: on a stateless server their connection has
// no channel for a server-to-client request, so they keep today's result (the
// card in LifeOS). Either way the confirm runs through the actions service,
// whose claim is atomic: a confirm from the app and one from the client run the
// action once between them.
import { CLIENT_CAPABILITIES_META_KEY, inputRequired, type InputRequiredResult, type ServerContext } from '@modelcontextprotocol/server';
import * as z from 'zod';
import type { AppContext } from '../../context.ts';
import type { AuthInfo } from '../../http/auth.ts';
import { cancelAction, confirmAction } from '../actions/actions.service.ts';

const CONFIRM_KEY = 'confirm';

/** The form the client shows: one yes/no field. */
const confirmSchema = {
  type: 'object' as const,
  properties: { confirm: { type: 'boolean' as const, title: 'Do it', description: 'Yes runs it now; no cancels it.', default: false } },
  required: ['confirm'],
};

const ElicitAnswer = z.object({
  action: z.enum(['accept', 'decline', 'cancel']),
  content: z.object({ confirm: z.unknown() }).partial().optional(),
});

const binding = (auth: AuthInfo, tool: string) => ({ userId: auth.userId, purpose: `mcp-elicitation:${tool}`, rowId: auth.userId });

/** Whether this request's client said it can show an elicitation form (modern era: declared on each request). */
export function canElicit(sdk: ServerContext | undefined): boolean {
  const caps = (sdk?.mcpReq.envelope as Record<string, unknown> | undefined)?.[CLIENT_CAPABILITIES_META_KEY] as { elicitation?: { form?: unknown; url?: unknown } } | undefined;
  const elicitation = caps?.elicitation;
  if (!elicitation || typeof elicitation !== 'object') return false;
  // An empty object is form support (the rule from before modes existed).
  return elicitation.form !== undefined || elicitation.url === undefined;
}

/** The `input_required` answer asking to confirm `action`; the state is sealed to the user and the tool. */
export function askToConfirm(ctx: AppContext, auth: AuthInfo, tool: string, action: { id: string; summary: string }): InputRequiredResult {
  return inputRequired({
    inputRequests: {
      [CONFIRM_KEY]: inputRequired.elicit({
        message: `LifeOS asks you to confirm:\n\n${action.summary}`,
        requestedSchema: confirmSchema as never,
      }),
    },
    requestState: ctx.secrets.seal(JSON.stringify({ actionId: action.id }), binding(auth, tool)),
  });
}

export type ConfirmOutcome = { kind: 'confirmed' | 'cancelled' | 'failed' | 'unresolved'; text: string; actionId: string | null };

/**
 * The second round: the client's answer for the action named in the sealed
 * state. Accept with yes confirms it, anything else cancels it; an action
 * already resolved elsewhere (the card in the app) is reported, never run again.
 * Undefined when this call carries no answer (a first round).
 */
export async function answerConfirmation(ctx: AppContext, auth: AuthInfo, tool: string, sdk: ServerContext | undefined): Promise<ConfirmOutcome | undefined> {
  const responses = sdk?.mcpReq.inputResponses;
  const state = sdk?.mcpReq.requestState();
  if (!responses && state === undefined) return undefined;
  let actionId: string;
  try {
    if (typeof state !== 'string') throw new Error('no state');
    actionId = z.object({ actionId: z.uuid() }).parse(JSON.parse(ctx.secrets.open(state, binding(auth, tool)))).actionId;
  } catch {
    return { kind: 'unresolved', text: 'The confirmation could not be matched to a pending request; nothing was done.', actionId: null };
  }
  const answer = ElicitAnswer.safeParse(responses?.[CONFIRM_KEY]);
  const yes = answer.success && answer.data.action === 'accept' && answer.data.content?.confirm === true;
  try {
    const message = yes ? await confirmAction(ctx, auth, actionId) : await cancelAction(ctx, auth, actionId);
    const status = (message.metadata as { pendingAction?: { status?: string } } | null)?.pendingAction?.status;
    return { kind: yes ? (status === 'failed' ? 'failed' : 'confirmed') : 'cancelled', text: message.content, actionId };
  } catch (err) {
    const userMessage = (err as { userMessage?: unknown })?.userMessage;
    if (typeof userMessage !== 'string') throw err;
    return { kind: 'unresolved', text: `${userMessage}; nothing more was done.`, actionId };
  }
}
