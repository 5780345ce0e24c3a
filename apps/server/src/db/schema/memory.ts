import { sql } from 'drizzle-orm';
import { bigint, boolean, customType, index, integer, pgTable, primaryKey, real, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { messages, users } from './core.ts';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
// Lexemes compare byte by byte, so a range of the primary key reads every term
// with a given first letter (the fuzzy matcher's slice of the vocabulary).
const lexeme = customType<{ data: string }>({ dataType: () => 'text COLLATE "C"' });

/** What a user asked @mem to keep. Searchable by full-text (English stemming) and trigram similarity. */
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
  (t) => [
    index('memories_user_created_idx').on(t.userId, t.createdAt),
    index('memories_search_idx').using('gin', t.searchVector),
  ],
);

/**
 * Per-user document frequency of every lexeme, kept up to date by the writes in
 * memory.repo.ts, so a search reads its IDF weights with a few index lookups.
 */
export const memoryTerms = pgTable(
  'memory_terms',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    term: lexeme('term').notNull(),
    docCount: integer('doc_count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.term] })],
);

/**
 * The inverted index of the search: one row per memory and lexeme, with what the ranking
 * needs of the memory (its length in lexemes, its times, whether it is a question), so a
 * search reads the postings of its few terms instead of testing every candidate against
 * every term. Kept in step with the rows by memory.repo.ts, in the same transaction.
 */
export const memoryPostings = pgTable(
  'memory_postings',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    term: lexeme('term').notNull(),
    memoryId: uuid('memory_id')
      .notNull()
      .references(() => memories.id, { onDelete: 'cascade' }),
    length: integer('length').notNull(),
    question: boolean('question').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.term, t.memoryId] }), index('memory_postings_memory_idx').on(t.memoryId)],
);

/** Per-user corpus size for BM25: how many memories, and their total length in lexemes. */
export const memoryStats = pgTable('memory_stats', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  docCount: integer('doc_count').notNull(),
  tokenCount: bigint('token_count', { mode: 'number' }).notNull(),
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
