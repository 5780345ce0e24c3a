import { IdParams, ListMessagesQuery, MessagePage, MessagePair, PostMessageBody } from '@lifeos/contract';
import type { Api } from '../../http/api.ts';
import type { AppContext } from '../../context.ts';
import { listMessages, postMessage } from './messages.service.ts';
import { openStream } from './stream.ts';
import { deleteMessage } from './delete-message.ts';
import { searchMessages } from './search-messages.ts';
import { stopReply } from './stop-reply.ts';

const tag = 'Messages';

export function registerMessageRoutes(api: Api, ctx: AppContext): void {
  api.route(
    {
      method: 'get',
      path: '/api/messages',
      tag,
      summary: 'Chat history, newest first, in pages; with `q`, only the messages matching the words',
      description:
        'With `q`: the messages containing every word of `q` (a word also matches the start of a longer one, and English ' +
        'word forms match: "meetings" finds "meeting"), newest first, paged with `limit` and `before` like the history. ' +
        'An empty `q` is a 400.',
      query: ListMessagesQuery,
      responses: { 200: MessagePage },
    },
    async ({ auth, query }) => {
      const { q, ...rest } = query;
      return { status: 200, body: q !== undefined ? await searchMessages(ctx, auth, { q, ...rest }) : await listMessages(ctx, auth, rest) };
    },
  );

  api.route(
    {
      method: 'delete',
      path: '/api/messages/:id',
      tag,
      summary: 'Delete one of your messages (yours or a reply to you)',
      description: 'It is gone from the history and from search; every device gets the SSE event `message.deleted` with `{ id }`.',
      params: IdParams,
      responses: { 204: null },
      errors: [404],
    },
    async ({ auth, params }) => {
      await deleteMessage(ctx, auth, params.id);
      return { status: 204 };
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/messages/:id/stop',
      tag,
      summary: 'Stop a reply that is still being written',
      description:
        '`:id` is the reply\'s id, as in its `message.delta` events. The run is aborted on whichever server runs it; the reply ' +
        'is stored with what was written so far and `metadata.status = "stopped"`, and arrives as `message.created` as usual. ' +
        'A reply that is already finished is left as it is (202 all the same); an id that is neither: 404.',
      params: IdParams,
      responses: { 202: null },
      errors: [404],
    },
    async ({ auth, params }) => {
      await stopReply(ctx, auth, params.id);
      return { status: 202 };
    },
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
