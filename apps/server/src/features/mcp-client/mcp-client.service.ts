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
import { McpConnectionError, withMcpSession, type McpEndpoint } from './mcp-session.ts';
import { McpSignInError, oauthProviderFor, startMcpSignIn } from './mcp-oauth.ts';
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

const SIGN_IN_NEEDED = 'Sign in to use its tools';

/** The user's MCP servers for the account export (no tokens). */
export const exportUserMcpServers = (ctx: AppContext, userId: string) => repo.exportMcpServers(ctx.db, userId);

export function toMcpServer(row: repo.McpServerRow): McpServer {
  const failing = row.status === 'error' || row.status === 'needs_sign_in';
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    status: failing ? 'error' : 'ok',
    statusDetail: failing ? (row.statusDetail ?? (row.status === 'needs_sign_in' ? SIGN_IN_NEEDED : 'The server stopped answering')) : null,
    oauth: row.auth === 'oauth' ? { signedIn: row.status !== 'needs_sign_in' } : null,
    tools: row.tools.map((t) => ({ name: t.name, exposedName: exposedToolName(row.slug, t.name), description: t.description, readOnly: t.readOnly })),
    createdAt: row.createdAt.toISOString(),
  };
}

export async function listUserMcpServers(ctx: AppContext, auth: AuthInfo): Promise<McpServer[]> {
  return (await repo.listMcpServers(ctx.db, auth.userId)).map(toMcpServer);
}

/** How LifeOS reaches a stored server: its bearer token, or its OAuth tokens through the SDK. */
export async function endpointFor(ctx: AppContext, userId: string, row: Pick<repo.McpServerRow, 'id' | 'url' | 'auth'>): Promise<McpEndpoint> {
  if (row.auth === 'oauth') return { url: row.url, token: undefined, oauth: await oauthProviderFor(ctx, userId, row.id) };
  return { url: row.url, token: await repo.readMcpServerToken(ctx.db, ctx.secrets, userId, row.id) };
}

/** Inserts the row, picking a free prefix (two adds at once may pick the same; the unique key decides). */
async function insertWithSlug(ctx: AppContext, auth: AuthInfo, input: { name: string; url: string; tools: StoredMcpTool[]; token: string | undefined; oauth?: boolean }) {
  for (let attempt = 0; ; attempt++) {
    const slug = uniqueSlug(slugify(input.name), await repo.listMcpSlugs(ctx.db, auth.userId));
    try {
      return await repo.insertMcpServer(ctx.db, ctx.secrets, { userId: auth.userId, slug, ...input });
    } catch (err) {
      if (!repo.isSlugTaken(err) || attempt >= 2) throw err;
    }
  }
}

/** A server that answers 401 with an RFC 9728 challenge: stored waiting for the sign-in, which starts at once. */
async function addOAuthServer(ctx: AppContext, auth: AuthInfo, body: CreateMcpServerBody, base: string): Promise<{ server: McpServer; signInUrl?: string }> {
  const row = await insertWithSlug(ctx, auth, { name: body.name, url: body.url, tools: [], token: undefined, oauth: true });
  let url: string | null;
  try {
    url = await startMcpSignIn(ctx, auth.userId, row, base);
  } catch (err) {
    await repo.deleteMcpServer(ctx.db, auth.userId, row.id);
    const reason = err instanceof McpSignInError ? err.message : 'its OAuth sign-in could not be started';
    logEvent(ctx, 'connection.failed', { userId: auth.userId, provider: 'mcp', reason });
    throw new HttpError(400, 'connection_failed', `Cannot connect to ${new URL(body.url).host}: ${reason}`);
  }
  logEvent(ctx, 'connection.created', { userId: auth.userId, provider: 'mcp' });
  return { server: toMcpServer(row), ...(url ? { signInUrl: url } : {}) };
}

export async function addMcpServer(ctx: AppContext, auth: AuthInfo, body: CreateMcpServerBody, base: string): Promise<{ server: McpServer; signInUrl?: string }> {
  let tools: StoredMcpTool[];
  try {
    tools = await withMcpSession(ctx, { url: body.url, token: body.token }, listServerTools);
  } catch (err) {
    if (err instanceof McpConnectionError && err.needsOAuth) return addOAuthServer(ctx, auth, body, base);
    const reason = err instanceof McpConnectionError ? err.message : 'the server did not list its tools';
    if (!(err instanceof McpConnectionError)) ctx.log.warn({ err: (err as Error)?.message }, 'MCP tools/list failed');
    logEvent(ctx, 'connection.failed', { userId: auth.userId, provider: 'mcp', reason });
    throw new HttpError(400, 'connection_failed', `Cannot connect to ${new URL(body.url).host}: ${reason}`);
  }
  const row = await insertWithSlug(ctx, auth, { name: body.name, url: body.url, tools, token: body.token });
  logEvent(ctx, 'connection.created', { userId: auth.userId, provider: 'mcp' });
  return { server: toMcpServer(row) };
}

/** Signs in (again) to a server that uses OAuth: the launch URL, or null when the stored sign-in still works. */
export async function signInMcpServer(ctx: AppContext, auth: AuthInfo, id: string, base: string): Promise<string | null> {
  const row = await repo.getMcpServer(ctx.db, auth.userId, id);
  if (!row) throw notFound('MCP server');
  if (row.auth !== 'oauth') throw new HttpError(400, 'validation_failed', 'This server uses a token, not an OAuth sign-in');
  let url: string | null;
  try {
    url = await startMcpSignIn(ctx, auth.userId, row, base);
  } catch (err) {
    const reason = err instanceof McpSignInError ? err.message : 'its OAuth sign-in could not be started';
    throw new HttpError(400, 'connection_failed', `Cannot connect to ${new URL(row.url).host}: ${reason}`);
  }
  if (url === null) await refreshMcpServer(ctx, auth, id);
  return url;
}

/** After a sign-in: connects with the new tokens and stores the tools the server lists. */
export async function listToolsAfterSignIn(ctx: AppContext, userId: string, id: string): Promise<void> {
  const row = await repo.getMcpServer(ctx.db, userId, id);
  if (!row) throw notFound('MCP server');
  const tools = await withMcpSession(ctx, await endpointFor(ctx, userId, row), listServerTools);
  await repo.setMcpServerStatus(ctx.db, userId, id, 'ok', null, tools);
}

export async function deleteUserMcpServer(ctx: AppContext, auth: AuthInfo, id: string): Promise<void> {
  if (!(await repo.deleteMcpServer(ctx.db, auth.userId, id))) throw notFound('MCP server');
  logEvent(ctx, 'connection.deleted', { userId: auth.userId, provider: 'mcp' });
}

/** Lists the server's tools again (a server may add or change tools); a failure is kept as the server's status. */
export async function refreshMcpServer(ctx: AppContext, auth: AuthInfo, id: string): Promise<McpServer> {
  const row = await repo.getMcpServer(ctx.db, auth.userId, id);
  if (!row) throw notFound('MCP server');
  let tools: StoredMcpTool[];
  try {
    tools = await withMcpSession(ctx, await endpointFor(ctx, auth.userId, row), listServerTools);
  } catch (err) {
    const reason = err instanceof McpConnectionError ? err.message : 'the server did not list its tools';
    if (err instanceof McpConnectionError && err.needsSignIn) await repo.setMcpServerStatus(ctx.db, auth.userId, id, 'needs_sign_in', SIGN_IN_NEEDED);
    else await repo.setMcpServerStatus(ctx.db, auth.userId, id, 'error', `The server could not be reached: ${reason}`);
    throw new HttpError(400, 'connection_failed', `Cannot connect to ${new URL(row.url).host}: ${reason}`);
  }
  await repo.setMcpServerStatus(ctx.db, auth.userId, id, 'ok', null, tools);
  return toMcpServer({ ...row, status: 'ok', statusDetail: null, tools });
}
