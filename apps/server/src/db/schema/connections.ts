import { index, jsonb, pgTable, text, timestamp, unique, uuid, varchar } from 'drizzle-orm/pg-core';
import { users } from './core.ts';

/** A user's connected account (mailbox, calendar). Secrets live only in `secret`, encrypted. */
export const connections = pgTable(
  'connections',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    provider: varchar('provider', { length: 20 }).notNull(),
    account: varchar('account', { length: 255 }).notNull(),
    status: varchar('status', { length: 20 }).notNull().default('ok'),
    statusDetail: text('status_detail'),
    // Non-secret settings (hosts, ports, calendar URLs).
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    // AES-256-GCM envelope from lib/secret-box.ts; null once erased.
    secret: text('secret'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('connections_user_provider_account_key').on(t.userId, t.provider, t.account),
    index('connections_user_idx').on(t.userId),
  ],
);
