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
    createdAt: IsoDateTime,
  })
  .meta({ id: 'McpServer' });
export type McpServer = z.infer<typeof McpServer>;

export const McpServersResponse = z.object({ servers: z.array(McpServer) });
export const McpServerResponse = z.object({ server: McpServer });

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
