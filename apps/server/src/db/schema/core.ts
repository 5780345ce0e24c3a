// The seed's four tables (SEED.md), column for column, plus the columns the
// features need. Never drop or rename a seed column.
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
  varchar,
  text,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).defaultNow();

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  email: varchar('email', { length: 255 }).unique().notNull(),
  username: varchar('username', { length: 100 }),
  passwordHash: varchar('password_hash', { length: 255 }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  // Added: every date the agents show is in this zone.
  timezone: varchar('timezone', { length: 64 }).notNull().default('UTC'),
  // Added: a model may read ordinary messages for facts to remember only when the user opts in.
  memoryExtraction: boolean('memory_extraction').notNull().default(false),
  // Added: the daily briefing ({ enabled, time: "HH:MM" } in the user's zone); null = off.
  briefing: jsonb('briefing').$type<{ enabled: boolean; time: string }>(),
  // Added: '24h' or '12h', from the client's locale at sign-up; the app and the agents' replies follow it.
  timeFormat: varchar('time_format', { length: 3 }).notNull().default('24h'),
});

export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    content: text('content').notNull(),
    role: varchar('role', { length: 20 }).notNull(),
    agentName: varchar('agent_name', { length: 50 }),
    metadata: jsonb('metadata').$type<Record<string, unknown>>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    // Added: the client's idempotency key, and a strictly increasing position
    // for cursors and stream replay (timestamps can tie).
    clientId: uuid('client_id'),
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity().notNull(),
    // Added: on a reply, the user message it answers; unique, so a run taken over
    // after a crash can never store a second reply.
    replyTo: uuid('reply_to'),
  },
  (t) => [
    uniqueIndex('messages_reply_to_uq').on(t.replyTo).where(sql`${t.replyTo} IS NOT NULL`),
    index('idx_messages_user_created').on(t.userId, t.createdAt.desc().nullsFirst()),
    index('idx_messages_agent').on(t.agentName, t.createdAt.desc().nullsFirst()),
    uniqueIndex('messages_user_client_role_uq').on(t.userId, t.clientId, t.role).where(sql`${t.clientId} IS NOT NULL`),
    index('messages_user_seq_idx').on(t.userId, t.seq.desc().nullsFirst()),
    index('messages_user_agent_seq_idx').on(t.userId, t.agentName, t.seq.desc().nullsFirst()),
    // Search (GET /api/messages?q=): word prefixes in any language, and English word forms.
    index('messages_search_simple_idx').using('gin', sql`to_tsvector('simple', ${t.content})`),
    index('messages_search_english_idx').using('gin', sql`to_tsvector('english', ${t.content})`),
  ],
);

/**
 * A user message still waiting for its reply: inserted by the statement that
 * stores the message, deleted by the one that stores the reply. The instance
 * running the agent holds the lease and renews it; a lease that lapses (the
 * instance died) is claimed by any instance's scan (FOR UPDATE SKIP LOCKED).
 */
export const agentRuns = pgTable(
  'agent_runs',
  {
    messageId: uuid('message_id')
      .primaryKey()
      .references(() => messages.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    leaseUntil: timestamp('lease_until', { withTimezone: true }).notNull(),
    /** Runs started for this message; one that keeps killing its instance is answered with an error. */
    attempts: integer('attempts').notNull().default(1),
    createdAt: createdAt(),
  },
  (t) => [index('agent_runs_lease_idx').on(t.leaseUntil)],
);

export const agentState = pgTable(
  'agent_state',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    agentName: varchar('agent_name', { length: 50 }).notNull(),
    stateData: jsonb('state_data').$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [unique('agent_state_user_id_agent_name_key').on(t.userId, t.agentName)],
);

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    // The SHA-256 (hex) of the session's current refresh token; never the token.
    token: varchar('token', { length: 255 }).unique().notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
    // Added: one session per device, revocable at once.
    deviceName: varchar('device_name', { length: 100 }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('idx_sessions_token').on(t.token), index('idx_sessions_user').on(t.userId)],
);

/** Every refresh token ever issued (hashed), so a rotated one presented again is recognised as theft. */
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    tokenHash: varchar('token_hash', { length: 64 }).primaryKey(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    rotatedAt: timestamp('rotated_at', { withTimezone: true }),
    // Added: the pair this token was exchanged for, sealed (secret box), so a
    // client that lost the answer gets it again within the grace; cleared once
    // the successor is exchanged in turn.
    successor: text('successor'),
  },
  (t) => [index('refresh_tokens_session_idx').on(t.sessionId)],
);
