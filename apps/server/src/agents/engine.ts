// Which engine answers: the LLM engine when a model is configured, otherwise
// the built-in one. Both call the same tools.
import type { AgentName } from '@lifeos/contract';
import type { AppContext } from '../context.ts';
import { ASSISTANT_INSTRUCTIONS, mentionedBuiltin, orchestratorTools } from './assistant/assistant.ts';
import { llmEngine } from './llm/llm-engine.ts';
import type { AgentContext, AgentDefinition, AgentReply, BuiltinRequest } from './types.ts';

export interface EngineRun {
  agent: AgentDefinition | null;
  request: BuiltinRequest;
  ctx: AgentContext;
  /** Streams a chunk of the reply as it is generated. */
  onDelta(text: string): void;
}

export interface Engine {
  readonly name: 'builtin' | 'llm';
  run(run: EngineRun): Promise<AgentReply>;
}

export type GeneralAssistant = (request: BuiltinRequest, ctx: AgentContext) => Promise<AgentReply>;

export function builtinEngine(assistant: GeneralAssistant): Engine {
  return {
    name: 'builtin',
    run: ({ agent, request, ctx }) => (agent ? mentionedBuiltin(agent, request, ctx) : assistant(request, ctx)),
  };
}

/** The engine for this server's configuration: the LLM engine when a model is configured. */
export function chooseEngine(app: AppContext, assistant: GeneralAssistant): Engine {
  const builtin = builtinEngine(assistant);
  if (!app.config.llm) return builtin;
  return llmEngine(app.config.llm, {
    fallback: builtin,
    assistant: { instructions: ASSISTANT_INSTRUCTIONS, tools: orchestratorTools },
    timeoutMs: app.config.agentTimeoutMs,
  });
}

export const agentLabel = (name: AgentName | null) => name ?? 'the assistant';
