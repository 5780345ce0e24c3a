// The agents, one line each; each lives in its own folder.
import type { AgentName } from '@lifeos/contract';
import type { AgentDefinition } from './types.ts';
import { calAgent } from './cal/index.ts';
import { mailAgent } from './mail/index.ts';
import { memAgent } from './mem/index.ts';

export const agents: readonly AgentDefinition[] = [mailAgent, calAgent, memAgent];

export const findAgent = (name: AgentName): AgentDefinition | undefined => agents.find((a) => a.name === name);
