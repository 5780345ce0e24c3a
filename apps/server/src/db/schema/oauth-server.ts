import { index, jsonb, pgTable, text, timestamp, uuid, varchar } from 'drizzle-orm/pg-core';
import { users } from './core.ts';

/**
 * LifeOS's own OAuth 2.1 authorization server (for MCP clients): clients
 * registered dynamically (RFC 7591, public clients with PKCE) or known by the
 * URL of their Client ID Metadata Document (a cached copy of it), consent
 * requests with their authorization codes, and the grants a user approved
 * with their access and refresh tokens. Only SHA-256 hashes of codes and
 * tokens are stored.
 */
export const oauthClients = pgTable('oauth_clients', {
  id: varchar('id', { length: 64 }).primaryKey(),
  name: varchar('name', { length: 200 }).notNull(),
  redirectUris: jsonb('redirect_uris').$type<string[]>().notNull(),
  metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
  // A client whose client_id is the URL of its metadata document: the id above is a hash
  // of that URL (URLs outgrow the id and every reference to it), the row a cached copy.
  metadataUrl: text('metadata_url').unique(),
  fetchedAt: timestamp('fetched_at', { withTimezone: true }),
  // Fetched again after this (the document's Cache-Control max-age, within bounds).
  staleAt: timestamp('stale_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const oauthAuthorizations = pgTable(
  'oauth_authorizations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    clientId: varchar('client_id', { length: 64 })
      .notNull()
      .references(() => oauthClients.id, { onDelete: 'cascade' }),
    // Set when a signed-in user answers the consent screen.
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    redirectUri: text('redirect_uri').notNull(),
    scopes: jsonb('scopes').$type<string[]>().notNull(),
    state: text('state'),
    codeChallenge: varchar('code_challenge', { length: 128 }).notNull(),
    resource: text('resource'),
    // pending -> approved (a code was issued) -> used; or denied.
    status: varchar('status', { length: 20 }).notNull().default('pending'),
    codeHash: varchar('code_hash', { length: 64 }).unique(),
    grantId: uuid('grant_id'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('oauth_authorizations_expires_idx').on(t.expiresAt)],
);

export const oauthGrants = pgTable(
  'oauth_grants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    clientId: varchar('client_id', { length: 64 })
      .notNull()
      .references(() => oauthClients.id, { onDelete: 'cascade' }),
    scopes: jsonb('scopes').$type<string[]>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('oauth_grants_user_idx').on(t.userId)],
);

export const oauthTokens = pgTable(
  'oauth_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    grantId: uuid('grant_id')
      .notNull()
      .references(() => oauthGrants.id, { onDelete: 'cascade' }),
    kind: varchar('kind', { length: 10 }).notNull(), // access | refresh
    tokenHash: varchar('token_hash', { length: 64 }).notNull().unique(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    // A refresh token is used once; using it again is theft and ends the grant.
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('oauth_tokens_grant_idx').on(t.grantId)],
);
