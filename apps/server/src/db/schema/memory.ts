import { sql } from 'drizzle-orm';
import { bigint, customType, index, pgTable, real, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { messages, users } from './core.ts';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/** What a user asked @mem to keep. `search_vector` holds its English stems, what the search ranks by. */
export const memories = pgTable(
  'memories',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    content: text('content').notNull(),
    // Provenance: the chat message the memory came from (null when made over the REST API).
    sourceMessageId: uuid('source_message_id').references(() => messages.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    searchVector: tsvector('search_vector')
      .notNull()
      .generatedAlwaysAs(sql`to_tsvector('english', "content")`),
  },
  (t) => [index('memories_user_created_idx').on(t.userId, t.createdAt)],
);

/**
 * One row per user who ever stored a memory: its row lock serialises the user's writes, and its
 * version moves on with each of them, so a search knows whether the in-memory index it holds
 * (features/memory/memory-index.ts) is current.
 */
export const memoryStats = pgTable('memory_stats', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  version: bigint('version', { mode: 'number' }).notNull().default(0),
});

/**
 * Earlier values of a memory: what it said before an update replaced it. Kept as history
 * (and removed with the memory), never searched or answered from.
 */
export const memoryRevisions = pgTable(
  'memory_revisions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    memoryId: uuid('memory_id')
      .notNull()
      .references(() => memories.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    content: text('content').notNull(),
    /** When this value was stored (or last changed before being replaced). */
    validFrom: timestamp('valid_from', { withTimezone: true }).notNull(),
    replacedAt: timestamp('replaced_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('memory_revisions_user_memory_idx').on(t.userId, t.memoryId, t.replacedAt)],
);

/**
 * A memory's embedding from the configured model (LLM_EMBEDDING_MODEL), computed in the
 * background. A plain real[] (no pgvector): the server ranks a user's vectors itself.
 * An edit deletes the row, so the memory is embedded again; a row of another model is
 * replaced when the model changes.
 */
export const memoryEmbeddings = pgTable(
  'memory_embeddings',
  {
    memoryId: uuid('memory_id')
      .primaryKey()
      .references(() => memories.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    model: text('model').notNull(),
    vector: real('vector').array().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('memory_embeddings_user_model_idx').on(t.userId, t.model)],
);
