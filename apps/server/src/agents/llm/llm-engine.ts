// The LLM engine: the routed agent (or the general assistant) answers through a
// language model, with the agent's tools, its agent_state and the recent
// conversation as context. If the model cannot be reached at all, the built-in
// engine answers instead; any other model failure becomes an error reply.
import { externalToolsFor } from '../../features/mcp-client/external-tools.ts';
import { recentConversation } from '../../features/messages/messages.service.ts';
import { toolCalled } from '../../lib/events.ts';
import type { Engine, EngineRun } from '../engine.ts';
import { AgentError, type AgentContext, type AgentReply, type ToolDef } from '../types.ts';
import { describeConversation, notesFromToolOutput } from '../conversation.ts';
import { agentOfTool } from '../registry.ts';
import { buildInstructions, HISTORY_LIMIT, redactSecrets, toHistory } from './llm-context.ts';
import { describeLlmError, LlmEngineError, runLlmAgent, type LlmErrorKind, type LlmModelConfig } from './run-llm-agent.ts';

export interface LlmEngineOptions {
  /** Answers when the model cannot be reached (the built-in engine). */
  fallback: Engine;
  /** Instructions and tools of the general assistant (messages without a mention): the ready agents' tools. */
  assistant: { instructions: string; tools: (ctx: AgentContext) => Promise<ToolDef[]> };
  /** Cap of one run; the runtime enforces the same limit around every engine. */
  timeoutMs: number;
  maxSteps?: number;
  maxRetries?: number;
}

const ERROR_CODES: Record<LlmErrorKind, string> = {
  unreachable: 'model_unreachable',
  http: 'model_http_error',
  timeout: 'timeout',
  aborted: 'aborted',
  tool: 'tool_failed',
  provider: 'model_invalid_response',
};

/** A failed model run, safe to show (`userMessage`) and machine-readable (`code`). */
export class LlmRunError extends AgentError {
  override name = 'LlmRunError';
  constructor(error: LlmEngineError) {
    super(describeLlmError(error), { cause: error, code: ERROR_CODES[error.kind], category: error.kind === 'tool' ? 'USER' : 'THIRD_PARTY' });
  }
}

/**
 * Falls back only when nothing happened yet: no tool ran and no text reached
 * the user, so the built-in engine answering cannot repeat or contradict work.
 */
const canFallBack = (error: LlmEngineError, run: EngineRun) =>
  error.kind === 'unreachable' && error.toolCalls.length === 0 && !error.streamed && !run.ctx.signal.aborted;

export function llmEngine(model: LlmModelConfig, options: LlmEngineOptions): Engine {
  const { fallback, assistant } = options;
  return {
    name: 'llm',
    async run(run): Promise<AgentReply> {
      const { agent, ctx } = run;
      const [rows, state, tools] = await Promise.all([
        recentConversation(ctx.app, ctx.user.id, HISTORY_LIMIT + 1, { agent: agent?.name }),
        ctx.state.get(),
        // Without a mention the assistant also has the tools of the user's own MCP servers.
        agent ? Promise.resolve(agent.tools) : assistant.tools(ctx).then(async (own) => [...own, ...(await externalToolsFor(ctx, ctx.user.id))]),
      ]);
      const referents = describeConversation(ctx.conversation);
      // What a tool showed becomes the next turn's "it" / "the second one", as on the built-in engine.
      const noting = tools.map((tool) => ({
        ...tool,
        execute: async (input: unknown, c: AgentContext) => {
          const output = await tool.execute(input, c);
          ctx.note(notesFromToolOutput(output));
          return output;
        },
      }));
      try {
        const result = await runLlmAgent({
          model,
          instructions: buildInstructions({
            instructions: `${agent?.instructions ?? assistant.instructions}${referents ? `\n\nWhat the conversation just showed (for "it", "the second one"):\n${referents}` : ''}`,
            user: ctx.user,
            now: ctx.now,
            state,
          }),
          history: toHistory(rows, ctx.sourceMessageId),
          input: run.request.text || run.request.content,
          tools: noting,
          toolContext: ctx,
          onDelta: run.onDelta,
          signal: ctx.signal,
          timeoutMs: options.timeoutMs,
          maxSteps: options.maxSteps,
          maxRetries: options.maxRetries,
          // Tools return data for the model; a stray credential in it stops here.
          toModel: redactSecrets,
          onToolCall: (call) => {
            // An MCP server's tool (`<server>__<tool>`) logs its own call, under its server.
            if (call.name.includes('__')) return;
            toolCalled(ctx.app, { userId: ctx.user.id, agent: agentOfTool(call.name) ?? agent?.name ?? 'assistant', engine: 'llm', ...call });
          },
        });
        const content = result.text.trim() || (result.toolCalls.length > 0 ? 'Done.' : '');
        if (!content) throw new LlmEngineError('provider', 'the model returned no text', { toolCalls: [], streamed: false });
        return { content, metadata: { toolCalls: result.toolCalls.map((call) => call.name) } };
      } catch (error) {
        if (!(error instanceof LlmEngineError)) throw error;
        if (canFallBack(error, run)) {
          ctx.app.log.warn({ err: error.message }, 'language model unreachable; the built-in engine answers');
          const reply = await fallback.run(run);
          return { ...reply, metadata: { ...reply.metadata, engine: 'builtin', fallbackReason: 'model_unreachable' } };
        }
        throw new LlmRunError(error);
      }
    },
  };
}
