// POST /mcp: LifeOS as an MCP server over Streamable HTTP, stateless (a server
// and transport per request), so any instance behind a load balancer answers.
// Every call is one of the user's requests: the same bearer check, rate limit,
// audit events and per-user scoping as the REST API.
import { NodeStreamableHTTPServerTransport, toNodeHandler, toWebRequest } from '@modelcontextprotocol/node';
import { createMcpHandler, isLegacyRequest, McpServer, type ServerContext } from '@modelcontextprotocol/server';
import cors from 'cors';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { AppContext } from '../../context.ts';
import type { AuthInfo } from '../../features/auth/auth.service.ts';
import { authenticateBearer } from '../../http/auth.ts';
import { sendProblem, unauthorized } from '../../http/errors.ts';
import { ACCESS_TOKEN_PREFIX, authenticateOAuthAccessToken } from '../oauth/oauth.service.ts';
import { answerConfirmation, askToConfirm, canElicit, type ConfirmOutcome } from './mcp-elicitation.ts';
import { callTool, SCOPES, toolsForScopes, type McpTool } from './mcp-tools.ts';

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;

/** The public origin: APP_URL when set (required in production), else the request's own. */
export function publicBase(ctx: AppContext, req: Request): string {
  if (ctx.config.appUrl) return ctx.config.appUrl.replace(/\/+$/, '');
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

export const resourceMetadataPath = '/.well-known/oauth-protected-resource';

/** The scopes a request's credentials carry: a scoped token its own, a signed-in session every scope. */
export function scopesOf(auth: AuthInfo): readonly string[] {
  return auth.scopes ?? SCOPES;
}

function challenge(ctx: AppContext, req: Request, res: Response, description: string) {
  res.set(
    'WWW-Authenticate',
    `Bearer resource_metadata="${publicBase(ctx, req)}${resourceMetadataPath}", error="invalid_token", error_description="${description}"`,
  );
  sendProblem(res, unauthorized(description));
}

function toResult(tool: McpTool, outcome: Awaited<ReturnType<typeof callTool>>) {
  if (outcome.kind === 'error') return { isError: true, content: [{ type: 'text' as const, text: outcome.message }] };
  if (outcome.kind === 'pending') {
    const text =
      `Waiting for the user's confirmation in LifeOS — nothing has been done yet. ` +
      `The request appears as a card in their LifeOS chat; it runs only when they confirm it there (until ${outcome.action.expiresAt}).\n\n${outcome.action.summary}`;
    return {
      content: [{ type: 'text' as const, text }],
      structuredContent: { status: 'pending_confirmation', actionId: outcome.action.id, summary: outcome.action.summary, expiresAt: outcome.action.expiresAt },
    };
  }
  // Plain JSON (dates as ISO strings), as an object for structuredContent.
  const data = JSON.parse(JSON.stringify(outcome.data ?? null)) as unknown;
  const structured = data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : { result: data };
  return { content: [{ type: 'text' as const, text: JSON.stringify(data, null, 1) }], structuredContent: structured, _meta: { tool: tool.name } };
}

function confirmationResult(outcome: ConfirmOutcome) {
  return {
    ...(outcome.kind === 'failed' || outcome.kind === 'unresolved' ? { isError: true } : {}),
    content: [{ type: 'text' as const, text: outcome.text }],
    structuredContent: { status: outcome.kind, actionId: outcome.actionId },
  };
}

/** One tool call: a first round runs the tool; a pending action is asked about through the client where it can. */
async function runTool(ctx: AppContext, auth: AuthInfo, tool: McpTool, args: unknown, client: string, sdk: ServerContext | undefined) {
  const answered = await answerConfirmation(ctx, auth, tool.name, sdk);
  if (answered) return confirmationResult(answered);
  const outcome = await callTool(ctx, auth, tool, args, client);
  if (outcome.kind === 'pending' && canElicit(sdk)) return askToConfirm(ctx, auth, tool.name, outcome.action);
  return toResult(tool, outcome);
}

function buildServer(ctx: AppContext, auth: AuthInfo, client: string): McpServer {
  const server = new McpServer(
    { name: 'lifeos', title: 'LifeOS', version: ctx.config.version },
    { instructions: "Tools for the user's LifeOS: calendar (cal_*), long-term memory (mem_*) and mail (mail_*). Tools that send, delete or change an external calendar wait for the user's confirmation in LifeOS." },
  );
  for (const tool of toolsForScopes(scopesOf(auth))) {
    server.registerTool(
      tool.name,
      {
        description: tool.tool.description,
        inputSchema: tool.tool.input as never,
        annotations: {
          readOnlyHint: tool.access === 'read',
          destructiveHint: tool.destructive,
          idempotentHint: tool.access === 'read',
          openWorldHint: tool.agent.name === '@mail',
        },
      },
      (async (args: unknown, sdk?: ServerContext) => runTool(ctx, auth, tool, args, client, sdk)) as never,
    );
  }
  return server;
}

export function mcpRouter(ctx: AppContext, limit: RequestHandler): Router {
  const router = Router();
  // Bearer tokens, never cookies: a browser-based MCP client on any origin may call it.
  router.use(['/mcp', resourceMetadataPath], cors({ origin: true, exposedHeaders: ['WWW-Authenticate', 'Mcp-Session-Id', 'Mcp-Protocol-Version'], maxAge: 600 }));

  const requireAuth: RequestHandler = async (req, res, next) => {
    try {
      const match = BEARER.exec(req.headers.authorization ?? '');
      if (!match) return challenge(ctx, req, res, 'A bearer token is required');
      const token = match[1]!;
      // An OAuth grant of LifeOS's own authorization server, or a personal access token / session.
      const auth = token.startsWith(ACCESS_TOKEN_PREFIX) ? await authenticateOAuthAccessToken(ctx, token) : await authenticateBearer(ctx, `Bearer ${token}`);
      if (!auth) return challenge(ctx, req, res, 'The token is invalid, expired or revoked');
      res.locals.auth = auth;
      next();
    } catch (err) {
      next(err);
    }
  };

  router.post('/mcp', requireAuth, limit, async (req, res, next) => {
    const auth = res.locals.auth as AuthInfo;
    const client = (auth as AuthInfo & { tokenName?: string }).tokenName ?? 'An MCP client';
    try {
      // 2026-07-28 requests (no `initialize`, capabilities on each request) go to the SDK's per-request handler.
      if (!(await isLegacyRequest(await toWebRequest(req, req.body), req.body))) {
        const handler = createMcpHandler(() => buildServer(ctx, auth, client), { legacy: 'reject', onerror: (err) => ctx.log.debug({ err }, 'MCP request refused') });
        res.on('close', () => void handler.close());
        await toNodeHandler(handler)(req, res, req.body);
        return;
      }
    } catch (err) {
      return next(err);
    }
    const server = buildServer(ctx, auth, client);
    const transport = new NodeStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res, req.body);
    } catch (err) {
      next(err);
    }
  });
  // Stateless: no server-initiated stream and no session to end.
  router.all('/mcp', (_req, res) => {
    res.status(405).set('Allow', 'POST').json({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed: this server is stateless; use POST' }, id: null });
  });

  // RFC 9728: where MCP clients learn how to get a token for /mcp.
  const protectedResource: RequestHandler = (req, res) => {
    const base = publicBase(ctx, req);
    res.json({
      resource: `${base}/mcp`,
      authorization_servers: [base],
      scopes_supported: [...SCOPES],
      bearer_methods_supported: ['header'],
      resource_name: 'LifeOS',
      resource_documentation: `${base}/api/docs`,
    });
  };
  router.get(resourceMetadataPath, protectedResource);
  router.get(`${resourceMetadataPath}/mcp`, protectedResource);
  return router;
}
