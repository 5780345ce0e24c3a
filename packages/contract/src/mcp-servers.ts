import * as z from 'zod';
import { IsoDateTime, nonBlank, Uuid } from './common.ts';

/** A tool an added MCP server offers; writing tools run only after the user confirms. */
export const McpServerTool = z
  .object({
    /** The tool's name on its server. */
    name: z.string(),
    /** The name the assistant's model sees: `<server prefix>__<tool>`. */
    exposedName: z.string(),
    description: z.string(),
    /** The server marks it read-only (`readOnlyHint`); anything else waits for a confirmation. */
    readOnly: z.boolean(),
  })
  .meta({ id: 'McpServerTool' });
export type McpServerTool = z.infer<typeof McpServerTool>;

/** An MCP server the user added; never carries its token. */
export const McpServer = z
  .object({
    id: Uuid,
    name: z.string(),
    url: z.string(),
    status: z.enum(['ok', 'error']),
    /** Why the server is in `error` (e.g. it stopped answering); null when ok. */
    statusDetail: z.string().nullable(),
    tools: z.array(McpServerTool),
    /**
     * Set when LifeOS signs in to the server with the server's own OAuth (PKCE), null for a bearer
     * token or no credentials. `signedIn: false`: its tools cannot be used until the user signs in
     * (`POST /api/mcp/servers/:id/sign-in`); `status` is then `error`.
     */
    oauth: z.object({ signedIn: z.boolean() }).nullable().optional(),
    createdAt: IsoDateTime,
  })
  .meta({ id: 'McpServer' });
export type McpServer = z.infer<typeof McpServer>;

export const McpServersResponse = z.object({ servers: z.array(McpServer) });
export const McpServerResponse = z.object({
  server: McpServer,
  /** Only when adding a server that signs in with OAuth: open it in the browser, as `McpSignInResponse.url`. */
  signInUrl: z.url().optional(),
});

/** `POST /api/mcp/servers/:id/sign-in`: where the browser signs in to the server's authorization server. */
export const McpSignInResponse = z
  .object({
    /**
     * This server's `/auth/mcp/start` with a one-time state; open it within 2 minutes in the browser
     * that should finish the sign-in. Null when the stored sign-in still works (its tools were listed again).
     */
    url: z.url().nullable(),
  })
  .meta({ id: 'McpSignIn' });

/** `GET /auth/mcp/start`: the first page of the sign-in, opened by the browser that will finish it. */
export const McpSignInLaunchQuery = z.object({ state: z.string().max(256).optional() });

/** Why `/auth/mcp/callback` stored nothing (the `reason` of its redirect to the app). */
export const McpSignInFailure = z.enum(['access_denied', 'provider_error', 'invalid_request', 'invalid_state', 'browser_mismatch', 'exchange_failed']);
export type McpSignInFailure = z.infer<typeof McpSignInFailure>;

export const McpSignInCallbackQuery = z.object({
  code: z.string().max(2048).optional(),
  state: z.string().max(256).optional(),
  error: z.string().max(256).optional(),
  /** RFC 9207: the authorization server that answered, checked against the one the sign-in started with. */
  iss: z.string().max(2048).optional(),
});

const ServerUrl = z
  .url({ protocol: /^https?$/, error: 'Must be an http:// or https:// URL' })
  .max(2048)
  .refine((url) => !URL.canParse(url) || (!new URL(url).username && !new URL(url).password), {
    message: 'Put credentials in `token`, not in the URL',
  });

export const CreateMcpServerBody = z
  .object({
    name: nonBlank(100).transform((s) => s.trim()),
    /** The server's Streamable HTTP endpoint, e.g. `https://mcp.example.com/mcp`. */
    url: ServerUrl,
    /** Sent as `Authorization: Bearer <token>`; stored encrypted, never returned. */
    token: z.string().min(1).max(4096).regex(/^[\x21-\x7e]+$/, 'Must be a single token without spaces').optional(),
  })
  .meta({ id: 'CreateMcpServer', example: { name: 'GitHub', url: 'https://api.githubcopilot.com/mcp/', token: 'ghp_...' } });
export type CreateMcpServerBody = z.infer<typeof CreateMcpServerBody>;
