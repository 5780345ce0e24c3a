// Lets the general assistant see which agents exist and which are ready for
// this user, so it can point to the right one (or to connecting an account).
import * as z from 'zod';
import { agents } from '../registry.ts';
import { defineTool } from '../types.ts';

export const listAgentsTool = defineTool({
  name: 'list_agents',
  description:
    'Lists the agents the user can mention (@mail, @cal, @mem): what each does, example requests, and whether it is ready or first needs an account connected.',
  input: z.object({}),
  async execute(_input, ctx) {
    const list = await Promise.all(
      agents.map(async (agent) => ({
        name: agent.name,
        description: agent.description,
        examples: agent.examples,
        status: await agent.status(ctx.app, ctx.user.id),
      })),
    );
    return { agents: list };
  },
});
