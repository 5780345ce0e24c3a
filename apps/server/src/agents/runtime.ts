// Runs one agent turn: builds the agent's context, picks the engine, caps the
// run's time, and turns any failure into a plain reply instead of an error.
import type { AgentName, PendingAction } from '@lifeos/contract';
import type { AppContext } from '../context.ts';
import { insertPendingAction } from '../features/actions/actions.repo.ts';
import { getAgentState, setAgentState } from '../features/agents/agent-state.repo.ts';
import { logEvent } from '../lib/events.ts';
import { generalAssistant } from './assistant/assistant.ts';
import { chooseEngine } from './engine.ts';
import { findAgent } from './registry.ts';
import type { AgentContext, AgentReply, AgentUser } from './types.ts';

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
}

/** Removes the first mention of the agent, so engines see only the request. */
export function stripMention(content: string, agentName: AgentName | null): string {
  if (!agentName) return content.trim();
  const re = new RegExp(`(^|[^\\w.@+-])${agentName}(?![\\w@-])[,:]?`, 'i');
  return content.replace(re, '$1').replace(/\s+/g, ' ').trim();
}

export function createAgentContext(
  app: AppContext,
  input: { user: AgentUser; agentName: AgentName | null; sourceMessageId: string; signal: AbortSignal },
): AgentContext & { proposed: PendingAction[] } {
  const stateKey = input.agentName ?? 'assistant';
  const proposed: PendingAction[] = [];
  return {
    app,
    user: input.user,
    agentName: input.agentName,
    now: app.now(),
    sourceMessageId: input.sourceMessageId,
    signal: input.signal,
    proposed,
    state: {
      get: async <T extends Record<string, unknown>>() => (await getAgentState(app.db, input.user.id, stateKey)) as T | undefined,
      set: (value) => setAgentState(app.db, input.user.id, stateKey, value),
    },
    async proposeAction({ kind, summary, payload, ttlMs }) {
      const row = await insertPendingAction(app.db, {
        userId: input.user.id,
        agentName: input.agentName,
        kind,
        summary,
        payload,
        expiresAt: new Date(app.now().getTime() + (ttlMs ?? DEFAULT_ACTION_TTL_MS)),
      });
      const action: PendingAction = { id: row.id, kind, summary, expiresAt: row.expiresAt.toISOString() };
      proposed.push(action);
      logEvent(app, 'action.proposed', { userId: input.user.id, kind });
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
  const ctx = createAgentContext(app, { ...input, signal: controller.signal });
  const started = performance.now();
  let outcome = 'ok';
  try {
    const run = engine.run({
      agent: agent ?? null,
      request: { content: input.content, text: stripMention(input.content, input.agentName) },
      ctx,
      onDelta: input.onDelta ?? (() => undefined),
    });
    const aborted = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
    });
    const reply = await Promise.race([run, aborted]);
    const pendingAction = ctx.proposed.at(-1);
    // An engine may hand over to another (the LLM engine falls back to the built-in one).
    const metadata: Record<string, unknown> = { engine: engine.name, ...reply.metadata };
    if (pendingAction) metadata.pendingAction = { ...pendingAction, status: 'pending' };
    return { reply: { content: reply.content, metadata }, engine: engine.name, pendingAction };
  } catch (err) {
    if (input.signal?.aborted) {
      // Stopped by the user: not a failure; the caller keeps what was written so far.
      outcome = 'stopped';
      return { reply: { content: '', metadata: { status: 'stopped', engine: engine.name } }, engine: engine.name, pendingAction: undefined };
    }
    outcome = err instanceof AgentTimeoutError ? 'timeout' : 'error';
    app.log.warn({ err, agent: input.agentName, engine: engine.name }, 'agent run failed');
    return { reply: failureReply(input.agentName, err, engine.name), engine: engine.name, pendingAction: undefined };
  } finally {
    clearTimeout(timer);
    input.signal?.removeEventListener('abort', stop);
    logEvent(app, 'agent.run', {
      userId: input.user.id,
      agent: input.agentName ?? 'assistant',
      engine: engine.name,
      outcome,
      ms: Math.round(performance.now() - started),
    });
  }
}

/** A failure the user can read; details stay in the log. */
export function failureReply(agentName: AgentName | null, err: unknown, engine: string): AgentReply {
  const who = agentName ?? 'The assistant';
  const timeout = err instanceof AgentTimeoutError;
  const reason =
    (err as { userMessage?: string })?.userMessage ??
    (timeout ? 'it took too long to answer' : 'something went wrong while working on it');
  return {
    content: `Sorry — ${who} couldn't finish that: ${reason}. Your message is saved; please try again in a moment.`,
    metadata: { status: 'error', error: timeout ? 'timeout' : ((err as { code?: string })?.code ?? 'agent_failed'), engine },
  };
}
