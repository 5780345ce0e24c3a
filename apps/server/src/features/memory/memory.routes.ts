import { CreateMemoryBody, IdParams, MemoriesQuery, MemoriesResponse, MemoryResponse, UpdateMemoryBody } from '@lifeos/contract';
import type { Api } from '../../http/api.ts';
import type { AppContext } from '../../context.ts';
import * as memory from './memory.service.ts';

const tag = 'Memory';

export function registerMemoryRoutes(api: Api, ctx: AppContext): void {
  api.route(
    {
      method: 'get',
      path: '/api/memories',
      tag,
      summary: 'Your memories: best match first with `q`, else newest first',
      description:
        'With `q`: full-text search (English stemming, every word optional, rare words weigh more, typos and names matched by trigram similarity, a mild preference for recent memories). A memory stored right next to a match in the same conversation may follow it.',
      query: MemoriesQuery,
      responses: { 200: MemoriesResponse },
    },
    async ({ auth, query }) => ({
      status: 200,
      body: { memories: (await memory.listMemories(ctx, auth.userId, { q: query.q || undefined, limit: query.limit })).map(memory.toMemory) },
    }),
  );

  api.route(
    { method: 'post', path: '/api/memories', tag, summary: 'Store a memory', body: CreateMemoryBody, responses: { 201: MemoryResponse } },
    async ({ auth, body }) => ({ status: 201, body: { memory: memory.toMemory(await memory.createMemory(ctx, auth.userId, body.content)) } }),
  );

  api.route(
    {
      method: 'patch',
      path: '/api/memories/:id',
      tag,
      summary: 'Correct a memory',
      params: IdParams,
      body: UpdateMemoryBody,
      responses: { 200: MemoryResponse },
      errors: [404],
    },
    async ({ auth, params, body }) => ({
      status: 200,
      body: { memory: memory.toMemory(await memory.editMemory(ctx, auth.userId, params.id, body.content)) },
    }),
  );

  api.route(
    { method: 'delete', path: '/api/memories/:id', tag, summary: 'Delete a memory for good', params: IdParams, responses: { 204: null }, errors: [404] },
    async ({ auth, params }) => {
      await memory.deleteMemory(ctx, auth.userId, params.id);
      return { status: 204 };
    },
  );
}
