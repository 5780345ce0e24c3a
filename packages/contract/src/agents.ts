import * as z from 'zod';
import { AgentName } from './messages.ts';

export const Agent = z
  .object({
    name: AgentName,
    description: z.string(),
    examples: z.array(z.string()),
    status: z.enum(['ready', 'needs_connection']),
  })
  .meta({ id: 'Agent' });
export type Agent = z.infer<typeof Agent>;

export const AgentsResponse = z.object({ agents: z.array(Agent) });

export const AgentChatParams = z.object({
  name: z.string().meta({ description: 'mail, cal or mem (a leading @, URL-encoded as %40, is accepted)', example: 'cal' }),
});

/** `mail`, `@cal`, `%40mem` -> the agent's name, or null for anything else. */
export function agentFromParam(param: string): AgentName | null {
  const name = `@${param.replace(/^@/, '').toLowerCase()}`;
  return AgentName.safeParse(name).success ? (name as AgentName) : null;
}
