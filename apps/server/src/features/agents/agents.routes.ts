import { AgentChatParams, AgentsResponse, MessagePair, PostMessageBody, agentFromParam } from '@lifeos/contract';
import type { Api } from '../../http/api.ts';
import type { AppContext } from '../../context.ts';
import { agents } from '../../agents/registry.ts';
import { HttpError } from '../../http/errors.ts';
import { postMessage } from '../messages/messages.service.ts';

const tag = 'Agents';

export function registerAgentRoutes(api: Api, ctx: AppContext): void {
  api.route(
    { method: 'get', path: '/api/agents', tag, summary: 'The agents and whether each is ready for this user', responses: { 200: AgentsResponse } },
    async ({ auth }) => ({
      status: 200,
      body: {
        agents: await Promise.all(
          agents.map(async (a) => ({
            name: a.name,
            description: a.description,
            examples: a.examples,
            status: await a.status(ctx, auth.userId),
          })),
        ),
      },
    }),
  );

  api.route(
    {
      method: 'post',
      path: '/api/agents/:name/chat',
      tag,
      summary: 'Send a message to one agent (as POST /api/messages, forced to that agent)',
      params: AgentChatParams,
      body: PostMessageBody,
      responses: { 201: MessagePair, 200: MessagePair },
      errors: [404],
    },
    async ({ auth, params, body }) => {
      const name = agentFromParam(params.name);
      if (!name || !agents.some((a) => a.name === name)) throw new HttpError(404, 'not_found', 'No such agent (use mail, cal or mem)');
      const { status, message, reply } = await postMessage(ctx, auth, body, name);
      return { status, body: { message, reply } };
    },
  );
}
