import { index, jsonb, pgTable, text, timestamp, unique, uuid, varchar } from 'drizzle-orm/pg-core';
import { users } from './core.ts';

/** A tool an MCP server offered when it was last listed (its JSON Schema kept for the model). */
export interface StoredMcpTool {
  name: string;
  description: string;
  /** The server marked it `readOnlyHint: true` and not `destructiveHint`. */
  readOnly: boolean;
  inputSchema: Record<string, unknown>;
}

/** An MCP server a user added; its tools are offered to the user's assistant. */
export const mcpServers = pgTable(
  'mcp_servers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: varchar('name', { length: 100 }).notNull(),
    // The prefix of its tools' names (`<slug>__<tool>`), unique per user.
    slug: varchar('slug', { length: 24 }).notNull(),
    url: text('url').notNull(),
    status: varchar('status', { length: 20 }).notNull().default('ok'),
    statusDetail: text('status_detail'),
    tools: jsonb('tools').$type<StoredMcpTool[]>().notNull().default([]),
    // The bearer token, sealed by lib/secret-box.ts; null when the server needs none.
    secret: text('secret'),
    // How LifeOS signs in: 'token' (a bearer token or none) or 'oauth' (the server's own OAuth, with PKCE).
    auth: varchar('auth', { length: 10 }).notNull().default('token'),
    // With 'oauth': the registered client, the tokens and the discovered metadata, sealed as one JSON document.
    oauth: text('oauth'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('mcp_servers_user_slug_key').on(t.userId, t.slug), index('mcp_servers_user_idx').on(t.userId)],
);
