import { CreateMcpServerBody, IdParams, McpServerResponse, McpServersResponse } from '@lifeos/contract';
import type { Api } from '../../http/api.ts';
import type { AppContext } from '../../context.ts';
import { addMcpServer, deleteUserMcpServer, listUserMcpServers, refreshMcpServer } from './mcp-client.service.ts';

const tag = 'MCP servers';

export function registerMcpClientRoutes(api: Api, ctx: AppContext): void {
  api.route(
    {
      method: 'get',
      path: '/api/mcp/servers',
      tag,
      summary: 'The MCP servers the user added, with their tools (never a token)',
      description:
        'Tools are as the server listed them when it was added. With a language model configured, the assistant may call them (named `exposedName`); tools not marked read-only run only after the user confirms. Without a model they are listed but not called.',
      responses: { 200: McpServersResponse },
    },
    async ({ auth }) => ({ status: 200, body: { servers: await listUserMcpServers(ctx, auth) } }),
  );

  api.route(
    {
      method: 'post',
      path: '/api/mcp/servers',
      tag,
      summary: 'Add an MCP server (Streamable HTTP)',
      description:
        'Connects first (initialize and tools/list, with `Authorization: Bearer <token>` when a token is given); a server that does not answer is a 400 `connection_failed` with the reason, and nothing is stored. The URL must pass the same host policy as mail and calendar servers, on every redirect. The token is stored encrypted and never returned.',
      body: CreateMcpServerBody,
      responses: { 201: McpServerResponse },
      errors: [400],
    },
    async ({ auth, body }) => ({ status: 201, body: { server: await addMcpServer(ctx, auth, body) } }),
  );

  api.route(
    {
      method: 'post',
      path: '/api/mcp/servers/:id/refresh',
      tag,
      summary: 'List the server’s tools again',
      description:
        'Connects as when adding the server and replaces its tools with what it lists now. A server that does not answer is a 400 `connection_failed` with the reason, and its status becomes `error` (the tools it listed before stay).',
      params: IdParams,
      responses: { 200: McpServerResponse },
      errors: [400, 404],
    },
    async ({ auth, params }) => ({ status: 200, body: { server: await refreshMcpServer(ctx, auth, params.id) } }),
  );

  api.route(
    {
      method: 'delete',
      path: '/api/mcp/servers/:id',
      tag,
      summary: 'Remove an MCP server; its token is erased and its tools are no longer offered',
      params: IdParams,
      responses: { 204: null },
      errors: [404],
    },
    async ({ auth, params }) => {
      await deleteUserMcpServer(ctx, auth, params.id);
      return { status: 204 };
    },
  );
}
