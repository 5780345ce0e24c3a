import { index, jsonb, pgTable, text, timestamp, uuid, varchar } from 'drizzle-orm/pg-core';
import { users } from './core.ts';

/** An action an agent proposed and that runs only when the user confirms it. */
export const pendingActions = pgTable(
  'pending_actions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    agentName: varchar('agent_name', { length: 50 }),
    kind: varchar('kind', { length: 64 }).notNull(),
    summary: text('summary').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    // pending | running | done | failed | cancelled
    status: varchar('status', { length: 20 }).notNull().default('pending'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    // The assistant message that carries the proposal, updated when resolved.
    messageId: uuid('message_id'),
  },
  (t) => [index('pending_actions_user_idx').on(t.userId, t.createdAt.desc().nullsFirst())],
);
