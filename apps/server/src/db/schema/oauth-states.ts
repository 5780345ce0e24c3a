import { index, pgTable, text, timestamp, uuid, varchar } from 'drizzle-orm/pg-core';
import { users } from './core.ts';

/**
 * An OAuth consent in progress: the `state` sent to the provider (stored as a
 * SHA-256 hash) bound to the user who started it, the PKCE verifier (sealed),
 * and the browser the consent runs in: the hash of a nonce kept in that
 * browser's cookie, set when the browser first opens the flow. Used once, within minutes.
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
    // SHA-256 of the browser's cookie nonce; null until a browser opened the flow.
    browserNonceHash: varchar('browser_nonce_hash', { length: 64 }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('oauth_states_user_idx').on(t.userId)],
);
