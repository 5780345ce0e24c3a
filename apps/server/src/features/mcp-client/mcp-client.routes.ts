import {
  CreateMcpServerBody,
  IdParams,
  McpServerResponse,
  McpServersResponse,
  McpSignInCallbackQuery,
  McpSignInLaunchQuery,
  McpSignInResponse,
} from '@lifeos/contract';
import type { Request } from 'express';
import type { Api } from '../../http/api.ts';
import type { AppContext } from '../../context.ts';
import { addMcpServer, deleteUserMcpServer, listToolsAfterSignIn, listUserMcpServers, refreshMcpServer, signInMcpServer } from './mcp-client.service.ts';
import { callbackPath, finishMcpSignIn, launchMcpSignIn, launchPath, signInCookie } from './mcp-oauth.ts';

const tag = 'MCP servers';
const redirectHeaders = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' };

/** This server's public origin (APP_URL, required in production), where the authorization server sends the browser back. */
function publicBase(ctx: AppContext, req: Request): string {
  if (ctx.config.appUrl) return ctx.config.appUrl.replace(/\/+$/, '');
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

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
        'Connects first (initialize and tools/list, with `Authorization: Bearer <token>` when a token is given); a server that does not answer is a 400 `connection_failed` with the reason, and nothing is stored. The URL must pass the same host policy as mail and calendar servers, on every redirect. The token is stored encrypted and never returned.\n\n' +
        'Without a token, a server that answers 401 with an RFC 9728 `WWW-Authenticate` challenge signs in with its own OAuth: LifeOS discovers its protected-resource and authorization-server metadata, registers itself (RFC 7591) and prepares a PKCE sign-in. The server is stored with `oauth.signedIn: false` and no tools, and `signInUrl` is the URL to open (as `POST /api/mcp/servers/:id/sign-in`). A server whose sign-in cannot be started is a 400 `connection_failed`, and nothing is stored.',
      body: CreateMcpServerBody,
      responses: { 201: McpServerResponse },
      errors: [400],
    },
    async ({ auth, body, req }) => ({ status: 201, body: await addMcpServer(ctx, auth, body, publicBase(ctx, req)) }),
  );

  api.route(
    {
      method: 'post',
      path: '/api/mcp/servers/:id/sign-in',
      tag,
      summary: 'Sign in to a server that uses OAuth: the URL to open in the browser',
      description:
        `The URL is this server’s \`${launchPath}\` with a one-time \`state\` bound to this user (the PKCE verifier stays on the server, sealed). Open it within 2 minutes in the browser that should finish the sign-in: it binds the sign-in to that browser and goes on to the server's authorization server, which sends the browser back to \`${callbackPath}\`. The whole sign-in is valid for 10 minutes. \`url\` is null when the stored tokens still work (refreshed if needed); the tools were then listed again. A server with a token is a 400.`,
      params: IdParams,
      responses: { 200: McpSignInResponse },
      errors: [400, 404],
    },
    async ({ auth, params, req }) => ({ status: 200, body: { url: await signInMcpServer(ctx, auth, params.id, publicBase(ctx, req)) } }),
  );

  api.route(
    {
      method: 'get',
      path: launchPath,
      tag,
      auth: false,
      summary: 'The browser opens an MCP server sign-in here: it binds the sign-in to this browser and redirects to the authorization server',
      description:
        'The first browser to open a fresh `state` gets an HttpOnly, SameSite=Lax cookie with a random nonce (Secure in production); the callback stores tokens only for the browser holding it. An unknown, expired or already opened `state` redirects to the app with `provider=mcp&status=error&reason=invalid_state`.',
      query: McpSignInLaunchQuery,
      responses: { 302: null },
    },
    async ({ query, req, res }) => {
      const { location, nonce } = await launchMcpSignIn(ctx, query);
      if (nonce) {
        const cookie = signInCookie(ctx, req.secure);
        res.cookie(cookie.name, nonce, cookie.options);
      }
      return { status: 302, headers: { Location: location, ...redirectHeaders } };
    },
  );

  api.route(
    {
      method: 'get',
      path: callbackPath,
      tag,
      auth: false,
      summary: 'The authorization server redirects here after the sign-in; stores the tokens and redirects to the app',
      description:
        'Uses up the `state`, and stores the tokens only when the browser holds the cookie the launch gave it for this `state` (a sign-in started by one user is never finished into another user’s account or browser). The code is exchanged with the stored PKCE verifier (and `iss` checked, RFC 9207); the tokens are stored encrypted and the tools listed. Redirects to `<APP_URL>/settings/connections?provider=mcp&status=connected&server=<id>`, or `status=error&reason=…` (access_denied, provider_error, invalid_request, invalid_state, browser_mismatch, exchange_failed); nothing is stored on an error.',
      query: McpSignInCallbackQuery,
      responses: { 302: null },
    },
    async ({ query, req, res }) => {
      const cookie = signInCookie(ctx, req.secure);
      const location = await finishMcpSignIn(ctx, query, readCookie(req, cookie.name), (userId, id) => listToolsAfterSignIn(ctx, userId, id));
      res.clearCookie(cookie.name, { ...cookie.options, maxAge: undefined });
      return { status: 302, headers: { Location: location, ...redirectHeaders } };
    },
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
