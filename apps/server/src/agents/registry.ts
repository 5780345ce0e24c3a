// The agents, one line each; each lives in its own folder.
import type { AgentName } from '@lifeos/contract';
import type { AgentDefinition } from './types.ts';
import { calAgent } from './cal/index.ts';
import { mailAgent } from './mail/index.ts';
import { memAgent } from './mem/index.ts';

export const agents: readonly AgentDefinition[] = [mailAgent, calAgent, memAgent];

export const findAgent = (name: AgentName): AgentDefinition | undefined => agents.find((a) => a.name === name);

/** The agent a tool belongs to (tool names are unique across agents). */
export function agentOfTool(toolName: string): AgentName | undefined {
  return agents.find((a) => a.tools.some((t) => t.name === toolName))?.name;
}
