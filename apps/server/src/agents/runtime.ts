// Runs one turn: builds the agent's context (with the conversation state),
// picks the engine, routes a message without a mention through the classifier
// (built-in engine) or the orchestrator (LLM engine), caps the run's time, saves
// what the turn showed, and turns any failure into a plain reply.
import type { AgentName, PendingAction } from '@lifeos/contract';
import type { AppContext } from '../context.ts';
import { storePendingAction } from '../features/actions/actions.service.ts';
import { loadAgentState, saveAgentState } from '../features/agents/agent-state.service.ts';
import { DomainError } from '../lib/errors.ts';
import { actionProposed, agentRan } from '../lib/events.ts';
import { generalAssistant } from './assistant/assistant.ts';
import { advanceConversation, CONVERSATION_KEY, liveConversation, type ConversationNotes, type ConversationState } from './conversation.ts';
import { chooseEngine } from './engine.ts';
import { agentOfTool, agents, findAgent } from './registry.ts';
import type { AgentContext, AgentReply, AgentUser } from './types.ts';
import { timeFormatOf, withTimeFormat } from '../lib/time/format.ts';

export const DEFAULT_ACTION_TTL_MS = 15 * 60_000;

export class AgentTimeoutError extends Error {
  override name = 'AgentTimeoutError';
}

export interface AgentRunInput {
  user: AgentUser;
  agentName: AgentName | null;
  content: string;
  sourceMessageId: string;
  onDelta?: (text: string) => void;
  /** Aborted when the user stops the reply (POST /api/messages/:id/stop). */
  signal?: AbortSignal;
}

export interface AgentRunResult {
  reply: AgentReply;
  engine: string;
  pendingAction: PendingAction | undefined;
  /** The one agent that handled the message: the mentioned one, or the only one whose work ran. */
  handledBy: AgentName | null;
  /** Every agent whose tools ran this turn. */
  agentsUsed: AgentName[];
}

/** Removes the first mention of the agent, so engines see only the request. */
export function stripMention(content: string, agentName: AgentName | null): string {
  if (!agentName) return content.trim();
  const re = new RegExp(`(^|[^\\w.@+-])${agentName}(?![\\w@-])[,:]?`, 'i');
  return content.replace(re, '$1').replace(/\s+/g, ' ').trim();
}

/** What all contexts of one turn share, whichever agent they act as. */
interface TurnShared {
  proposed: PendingAction[];
  notes: ConversationNotes;
  agentsUsed: Set<AgentName>;
  conversation: ConversationState;
}

export function createAgentContext(
  app: AppContext,
  input: { user: AgentUser; agentName: AgentName | null; sourceMessageId: string | null; signal: AbortSignal; conversation?: ConversationState },
  shared: TurnShared = { proposed: [], notes: {}, agentsUsed: new Set(), conversation: input.conversation ?? { turn: 0 } },
): AgentContext & { proposed: PendingAction[]; shared: TurnShared } {
  const stateKey = input.agentName ?? 'assistant';
  const now = app.now();
  return {
    app,
    user: input.user,
    agentName: input.agentName,
    now,
    sourceMessageId: input.sourceMessageId,
    signal: input.signal,
    proposed: shared.proposed,
    shared,
    conversation: shared.conversation,
    state: {
      get: async <T extends Record<string, unknown>>() => (await loadAgentState(app, input.user.id, stateKey)) as T | undefined,
      set: (value) => saveAgentState(app, input.user.id, stateKey, value),
    },
    note(notes) {
      Object.assign(shared.notes, notes);
    },
    forAgent(name) {
      shared.agentsUsed.add(name);
      return createAgentContext(app, { ...input, agentName: name }, shared);
    },
    async proposeAction({ kind, summary, payload, ttlMs }) {
      // The action belongs to the agent that handles its kind, whoever proposed it (the orchestrator too).
      const owner = agents.find((a) => kind in a.actions)?.name ?? input.agentName;
      const row = await storePendingAction(app, {
        userId: input.user.id,
        agentName: owner,
        kind,
        summary,
        payload,
        expiresAt: new Date(now.getTime() + (ttlMs ?? DEFAULT_ACTION_TTL_MS)),
      });
      const action: PendingAction = { id: row.id, kind, summary, expiresAt: row.expiresAt.toISOString() };
      shared.proposed.push(action);
      if (owner) shared.agentsUsed.add(owner);
      actionProposed(app, { userId: input.user.id, kind, agent: owner });
      return action;
    },
  };
}

export async function runAgent(app: AppContext, input: AgentRunInput): Promise<AgentRunResult> {
  const agent = input.agentName ? findAgent(input.agentName) : null;
  const engine = chooseEngine(app, generalAssistant);
  const controller = new AbortController();
  const timeoutMs = app.config.agentTimeoutMs;
  const timer = setTimeout(() => controller.abort(new AgentTimeoutError(`timed out after ${timeoutMs} ms`)), timeoutMs);
  const stop = () => controller.abort(input.signal?.reason);
  input.signal?.addEventListener('abort', stop, { once: true });
  const started = performance.now();
  // Without its state the turn still runs; only follow-ups lose their referents.
  const stored = await loadAgentState(app, input.user.id, CONVERSATION_KEY).catch((err: unknown) => {
    app.log.warn({ err }, 'could not load the conversation state');
    return undefined;
  });
  const conversation = liveConversation(stored, app.now());
  const ctx = createAgentContext(app, { ...input, signal: controller.signal, conversation });
  if (input.agentName) ctx.shared.agentsUsed.add(input.agentName);
  let outcome: 'ok' | 'error' | 'timeout' | 'stopped' = 'ok';
  try {
    const run = withTimeFormat(timeFormatOf(input.user.settings), () =>
      engine.run({
        agent: agent ?? null,
        request: { content: input.content, text: stripMention(input.content, input.agentName) },
        ctx,
        onDelta: input.onDelta ?? (() => undefined),
      }),
    );
    const aborted = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
    });
    const reply = await Promise.race([run, aborted]);
    const pendingAction = ctx.proposed.at(-1);
    for (const name of (reply.metadata?.toolCalls as string[] | undefined) ?? []) {
      const owner = agentOfTool(name);
      if (owner) ctx.shared.agentsUsed.add(owner);
    }
    const agentsUsed = [...ctx.shared.agentsUsed];
    const handledBy = input.agentName ?? (agentsUsed.length === 1 ? agentsUsed[0]! : null);
    // An engine may hand over to another (the LLM engine falls back to the built-in one).
    const metadata: Record<string, unknown> = { engine: engine.name, ...reply.metadata, agents: agentsUsed };
    if (pendingAction) metadata.pendingAction = { ...pendingAction, status: 'pending' };
    await saveTurn(app, input.user.id, ctx.shared, handledBy);
    return { reply: { content: reply.content, metadata }, engine: engine.name, pendingAction, handledBy, agentsUsed };
  } catch (err) {
    if (input.signal?.aborted) {
      // Stopped by the user: not a failure; the caller keeps what was written so far.
      outcome = 'stopped';
      const agentsUsed = [...ctx.shared.agentsUsed];
      const handledBy = input.agentName ?? (agentsUsed.length === 1 ? agentsUsed[0]! : null);
      return { reply: { content: '', metadata: { status: 'stopped', engine: engine.name, agents: agentsUsed } }, engine: engine.name, pendingAction: undefined, handledBy, agentsUsed };
    }
    outcome = err instanceof AgentTimeoutError ? 'timeout' : 'error';
    app.log.warn({ err, agent: input.agentName, engine: engine.name }, 'agent run failed');
    const agentsUsed = [...ctx.shared.agentsUsed];
    const handledBy = input.agentName ?? (agentsUsed.length === 1 ? agentsUsed[0]! : null);
    const reply = failureReply(handledBy, err, engine.name);
    return { reply: { ...reply, metadata: { ...reply.metadata, agents: agentsUsed } }, engine: engine.name, pendingAction: undefined, handledBy, agentsUsed };
  } finally {
    clearTimeout(timer);
    input.signal?.removeEventListener('abort', stop);
    agentRan(app, {
      userId: input.user.id,
      agent: input.agentName ?? 'assistant',
      engine: engine.name,
      outcome,
      ms: Math.round(performance.now() - started),
    });
  }
}

/** One write per turn: the turn counter, what it showed, and which agent answered (for "and on Friday?"). */
async function saveTurn(app: AppContext, userId: string, shared: TurnShared, handledBy: AgentName | null): Promise<void> {
  const notes = { ...shared.notes };
  if (!notes.last && handledBy) notes.last = { agent: handledBy, intent: 'reply' };
  try {
    await saveAgentState(app, userId, CONVERSATION_KEY, advanceConversation(shared.conversation, notes, app.now()));
  } catch (err) {
    // The reply stands; only follow-ups lose their referents.
    app.log.warn({ err }, 'could not save the conversation state');
  }
}

/** A failure the user can read; details stay in the log. */
export function failureReply(agentName: AgentName | null, err: unknown, engine: string): AgentReply {
  const who = agentName ?? 'The assistant';
  const timeout = err instanceof AgentTimeoutError;
  const domain = err instanceof DomainError && err.category !== 'SYSTEM' ? err : null;
  const reason = domain?.userMessage ?? (timeout ? 'it took too long to answer' : 'something went wrong while working on it');
  return {
    content: `Sorry — ${who} couldn't finish that: ${reason}. Your message is saved; please try again in a moment.`,
    metadata: { status: 'error', error: timeout ? 'timeout' : (domain?.code ?? 'agent_failed'), engine },
  };
}
