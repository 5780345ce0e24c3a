// MCP servers a user adds: stored only after a real initialize + tools/list,
// the token sealed, every request under the host policy. Their tools are
// offered to the user's assistant (external-tools.ts).
import type { Client } from '@modelcontextprotocol/client';
import type { CreateMcpServerBody, McpServer } from '@lifeos/contract';
import type { AppContext } from '../../context.ts';
import type { StoredMcpTool } from '../../db/schema/index.ts';
import type { AuthInfo } from '../../http/auth.ts';
import { HttpError, notFound } from '../../http/errors.ts';
import { logEvent } from '../../lib/events.ts';
import * as repo from './mcp-client.repo.ts';
import { McpConnectionError, withMcpSession } from './mcp-session.ts';
import { exposedToolName, slugify, uniqueSlug } from './tool-names.ts';

/** More tools than this from one server would crowd the model's context. */
const MAX_TOOLS_PER_SERVER = 64;
const MAX_DESCRIPTION = 1024;
const MAX_LIST_PAGES = 5;

/** Read-only only when the server says so and does not also call it destructive. */
const isReadOnly = (annotations: { readOnlyHint?: boolean; destructiveHint?: boolean } | undefined) =>
  annotations?.readOnlyHint === true && annotations.destructiveHint !== true;

/** Every tool the server lists (a few pages at most), as stored. */
export async function listServerTools(client: Client): Promise<StoredMcpTool[]> {
  const tools: StoredMcpTool[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_LIST_PAGES && tools.length < MAX_TOOLS_PER_SERVER; page++) {
    const result = await client.listTools(cursor ? { cursor } : undefined);
    for (const tool of result.tools) {
      tools.push({
        name: tool.name,
        description: (tool.description ?? tool.title ?? '').slice(0, MAX_DESCRIPTION),
        readOnly: isReadOnly(tool.annotations),
        inputSchema: tool.inputSchema as Record<string, unknown>,
      });
    }
    cursor = result.nextCursor;
    if (!cursor) break;
  }
  return tools.slice(0, MAX_TOOLS_PER_SERVER);
}

export function toMcpServer(row: repo.McpServerRow): McpServer {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    status: row.status === 'error' ? 'error' : 'ok',
    statusDetail: row.status === 'error' ? (row.statusDetail ?? 'The server stopped answering') : null,
    tools: row.tools.map((t) => ({ name: t.name, exposedName: exposedToolName(row.slug, t.name), description: t.description, readOnly: t.readOnly })),
    createdAt: row.createdAt.toISOString(),
  };
}

export async function listUserMcpServers(ctx: AppContext, auth: AuthInfo): Promise<McpServer[]> {
  return (await repo.listMcpServers(ctx.db, auth.userId)).map(toMcpServer);
}

export async function addMcpServer(ctx: AppContext, auth: AuthInfo, body: CreateMcpServerBody): Promise<McpServer> {
  let tools: StoredMcpTool[];
  try {
    tools = await withMcpSession(ctx, { url: body.url, token: body.token }, listServerTools);
  } catch (err) {
    const reason = err instanceof McpConnectionError ? err.message : 'the server did not list its tools';
    if (!(err instanceof McpConnectionError)) ctx.log.warn({ err: (err as Error)?.message }, 'MCP tools/list failed');
    logEvent(ctx, 'connection.failed', { userId: auth.userId, provider: 'mcp', reason });
    throw new HttpError(400, 'connection_failed', `Cannot connect to ${new URL(body.url).host}: ${reason}`);
  }
  let row: repo.McpServerRow | undefined;
  // Two adds at once may pick the same prefix; the unique key decides, the loser picks again.
  for (let attempt = 0; !row; attempt++) {
    const slug = uniqueSlug(slugify(body.name), await repo.listMcpSlugs(ctx.db, auth.userId));
    try {
      row = await repo.insertMcpServer(ctx.db, ctx.secrets, { userId: auth.userId, name: body.name, slug, url: body.url, tools, token: body.token });
    } catch (err) {
      if (!repo.isSlugTaken(err) || attempt >= 2) throw err;
    }
  }
  logEvent(ctx, 'connection.created', { userId: auth.userId, provider: 'mcp' });
  return toMcpServer(row);
}

export async function deleteUserMcpServer(ctx: AppContext, auth: AuthInfo, id: string): Promise<void> {
  if (!(await repo.deleteMcpServer(ctx.db, auth.userId, id))) throw notFound('MCP server');
  logEvent(ctx, 'connection.deleted', { userId: auth.userId, provider: 'mcp' });
}

/** Lists the server's tools again (a server may add or change tools); a failure is kept as the server's status. */
export async function refreshMcpServer(ctx: AppContext, auth: AuthInfo, id: string): Promise<McpServer> {
  const row = await repo.getMcpServer(ctx.db, auth.userId, id);
  if (!row) throw notFound('MCP server');
  const token = await repo.readMcpServerToken(ctx.db, ctx.secrets, auth.userId, id);
  let tools: StoredMcpTool[];
  try {
    tools = await withMcpSession(ctx, { url: row.url, token }, listServerTools);
  } catch (err) {
    const reason = err instanceof McpConnectionError ? err.message : 'the server did not list its tools';
    await repo.setMcpServerStatus(ctx.db, auth.userId, id, 'error', `The server could not be reached: ${reason}`);
    throw new HttpError(400, 'connection_failed', `Cannot connect to ${new URL(row.url).host}: ${reason}`);
  }
  await repo.setMcpServerStatus(ctx.db, auth.userId, id, 'ok', null, tools);
  return toMcpServer({ ...row, status: 'ok', statusDetail: null, tools });
}
