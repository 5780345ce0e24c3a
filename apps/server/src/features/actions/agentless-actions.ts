// Confirmed actions that belong to no agent, by kind (an agent's own kinds live
// in its `actions` map). One line per kind.
import type { AgentDefinition } from '../../agents/types.ts';
import { MCP_CALL_ACTION, runConfirmedMcpCall } from '../mcp-client/external-tools.ts';

type ActionHandler = AgentDefinition['actions'][string];

const handlers: Record<string, ActionHandler> = {
  [MCP_CALL_ACTION]: runConfirmedMcpCall,
};

/** The handler of an agent-less action kind, or undefined. */
export const agentlessAction = (kind: string): ActionHandler | undefined => (Object.hasOwn(handlers, kind) ? handlers[kind] : undefined);
