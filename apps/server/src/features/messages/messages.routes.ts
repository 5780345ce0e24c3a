import { ListMessagesQuery, MessagePage, MessagePair, PostMessageBody } from '@lifeos/contract';
import type { Api } from '../../http/api.ts';
import type { AppContext } from '../../context.ts';
import { listMessages, postMessage } from './messages.service.ts';
import { openStream } from './stream.ts';

const tag = 'Messages';

export function registerMessageRoutes(api: Api, ctx: AppContext): void {
  api.route(
    {
      method: 'get',
      path: '/api/messages',
      tag,
      summary: 'Chat history, newest first, in pages',
      query: ListMessagesQuery,
      responses: { 200: MessagePage },
    },
    async ({ auth, query }) => ({ status: 200, body: await listMessages(ctx, auth, query) }),
  );

  api.route(
    {
      method: 'post',
      path: '/api/messages',
      tag,
      summary: 'Send a message; the mentioned agent (or the assistant) replies',
      description:
        'The first whole-word @mail, @cal or @mem picks the agent. With `clientId` the request is idempotent: ' +
        'a retry returns 200 with the same pair and the agent does not run again.',
      body: PostMessageBody,
      responses: { 201: MessagePair, 200: MessagePair },
      errors: [413],
    },
    async ({ auth, body }) => {
      const { status, message, reply } = await postMessage(ctx, auth, body);
      return { status, body: { message, reply } };
    },
  );

  api.route(
    {
      method: 'get',
      path: '/api/messages/stream',
      tag,
      summary: 'Live messages as server-sent events (message.created, message.delta, message.updated)',
      description: 'Send `Last-Event-ID` to receive every message created after that one first, in order.',
      responses: { 200: 'text/event-stream' },
    },
    async ({ auth, req, res }) => {
      await openStream(ctx, auth, req, res);
    },
  );
}
