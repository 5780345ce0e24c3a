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
  name: z
    .string()
    .transform((n) => n.replace(/^@/, '').toLowerCase())
    .pipe(z.enum(['mail', 'cal', 'mem'])),
});
