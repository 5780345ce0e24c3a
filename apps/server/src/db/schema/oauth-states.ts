import { index, pgTable, text, timestamp, uuid, varchar } from 'drizzle-orm/pg-core';
import { users } from './core.ts';

/**
 * An OAuth consent in progress: the `state` sent to the provider (stored as a
 * SHA-256 hash) bound to the user who started it, and the PKCE verifier (sealed).
 * Used once, within minutes.
 */
export const oauthStates = pgTable(
  'oauth_states',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    provider: varchar('provider', { length: 20 }).notNull(),
    stateHash: varchar('state_hash', { length: 64 }).notNull().unique(),
    // AES-256-GCM envelope from lib/secret-box.ts.
    codeVerifier: text('code_verifier').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('oauth_states_user_idx').on(t.userId)],
);
