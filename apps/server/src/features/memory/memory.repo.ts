// The only place that queries memories. Every statement is scoped by user_id.
// Every write moves the user's memories to their next version (memory_stats), in
// the same transaction, so an in-memory index of an older version is never used
// (memory-index.ts); the search ranks that index and reads only the rows it returns.
import { and, count, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { memories, memoryEmbeddings, memoryRevisions } from '../../db/schema/index.ts';
import { type IndexedMemory, type MemoryIndexCache, rankMemories, UserMemoryIndex } from './memory-index.ts';
import { asksForSeveral, asksWhen } from './memory-question.ts';
import { queryPeriod } from './memory-time.ts';

export interface MemoryRow {
  id: string;
  userId: string;
  content: string;
  sourceMessageId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const columns = {
  id: memories.id,
  userId: memories.userId,
  content: memories.content,
  sourceMessageId: memories.sourceMessageId,
  createdAt: memories.createdAt,
  updatedAt: memories.updatedAt,
};

const rowsOf = (result: unknown) => (result as { rows: Record<string, unknown>[] }).rows;

/**
 * Takes the user's statistics row lock first, so writes of one user are serialised, and moves the
 * user's memories to their next version: an index of this version or an older one is stale.
 * Returns the new version.
 */
async function nextVersion(tx: Tx, userId: string): Promise<number> {
  const [row] = rowsOf(
    await tx.execute(sql`
      INSERT INTO memory_stats (user_id, version) VALUES (${userId}, 1)
      ON CONFLICT (user_id) DO UPDATE SET version = memory_stats.version + 1
      RETURNING version::text AS version`),
  );
  return Number(row!.version);
}

/** What the in-memory index keeps of a memory (see memory-index.ts); `m` is the memories row. */
const indexColumns = sql`m.id, (extract(epoch FROM m.created_at) * 1000000)::float8 AS created,
  (extract(epoch FROM m.updated_at) * 1000000)::float8 AS updated,
  m.content ~ '[?][[:space:]]*$' AS question, tsvector_to_array(m.search_vector) AS terms`;

const toIndexed = (r: Record<string, unknown>): IndexedMemory => ({
  id: String(r.id),
  created: Number(r.created),
  updated: Number(r.updated),
  question: r.question === true,
  terms: parseTextArray(r.terms),
});

/** node-postgres and PGlite return text[] as an array; a text literal is parsed as a fallback. */
function parseTextArray(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  const inner = String(v ?? '').replace(/^\{|\}$/g, '');
  return inner ? inner.split(',').map((x) => x.replace(/^"(.*)"$/, '$1').replace(/\\(.)/g, '$1')) : [];
}

async function indexedMemory(tx: Tx, userId: string, id: string): Promise<IndexedMemory | undefined> {
  const [row] = rowsOf(await tx.execute(sql`SELECT ${indexColumns} FROM memories m WHERE m.id = ${id} AND m.user_id = ${userId}`));
  return row ? toIndexed(row) : undefined;
}

/** Every memory of the user as the index keeps it, with the version they are at; undefined when the user never stored one. */
async function loadIndex(db: Db, userId: string): Promise<UserMemoryIndex | undefined> {
  // One statement: the version and the rows are of one snapshot.
  const rows = rowsOf(
    await db.execute(sql`
      SELECT s.version::text AS version, ${indexColumns}
      FROM memory_stats s LEFT JOIN memories m ON m.user_id = s.user_id
      WHERE s.user_id = ${userId}`),
  );
  if (rows.length === 0) return undefined;
  return UserMemoryIndex.buildInSlices(
    Number(rows[0]!.version),
    rows.filter((r) => r.id != null).map(toIndexed),
  );
}

/**
 * Writes go through the cache of this instance (when given) after they commit: the index is moved
 * on in place, instead of being read again by the next search.
 */
export async function insertMemory(
  db: Db,
  input: { userId: string; content: string; sourceMessageId?: string | null; createdAt?: Date },
  index?: MemoryIndexCache,
): Promise<MemoryRow> {
  const { row, version, indexed } = await db.transaction(async (tx) => {
    const version = await nextVersion(tx, input.userId);
    const at = input.createdAt ?? sql`now()`;
    const [row] = await tx
      .insert(memories)
      .values({ userId: input.userId, content: input.content, sourceMessageId: input.sourceMessageId ?? null, createdAt: at, updatedAt: at })
      .returning(columns);
    return { row: row!, version, indexed: index && (await indexedMemory(tx, input.userId, row!.id)) };
  });
  index?.applyWrite(input.userId, version - 1, version, indexed ? { upsert: indexed } : { remove: row.id });
  return row;
}

/** Replaces the content (and, when given, the provenance); undefined when the user has no such memory. */
export async function updateMemory(
  db: Db,
  input: { userId: string; id: string; content: string; sourceMessageId?: string | null },
  index?: MemoryIndexCache,
): Promise<MemoryRow | undefined> {
  const { row, version, indexed } = await db.transaction(async (tx) => {
    const version = await nextVersion(tx, input.userId);
    const before = await findMemory(tx, input.userId, input.id);
    if (!before) return { row: undefined, version, indexed: undefined };
    if (before.content !== input.content) {
      await tx.insert(memoryRevisions).values({ memoryId: before.id, userId: input.userId, content: before.content, validFrom: before.updatedAt });
      // The text changed: its embedding is made again in the background.
      await tx.delete(memoryEmbeddings).where(and(eq(memoryEmbeddings.userId, input.userId), eq(memoryEmbeddings.memoryId, before.id)));
    }
    const [row] = await tx
      .update(memories)
      .set({
        content: input.content,
        updatedAt: sql`now()`,
        ...(input.sourceMessageId !== undefined ? { sourceMessageId: input.sourceMessageId } : {}),
      })
      .where(and(eq(memories.userId, input.userId), eq(memories.id, input.id)))
      .returning(columns);
    return { row, version, indexed: index && (await indexedMemory(tx, input.userId, input.id)) };
  });
  index?.applyWrite(input.userId, version - 1, version, indexed ? { upsert: indexed } : { remove: input.id });
  return row;
}

/** Deletes the row for real; false when the user has no such memory. */
export async function deleteMemory(db: Db, userId: string, id: string, index?: MemoryIndexCache): Promise<boolean> {
  const { found, version } = await db.transaction(async (tx) => {
    const version = await nextVersion(tx, userId);
    const gone = await tx.delete(memories).where(and(eq(memories.userId, userId), eq(memories.id, id))).returning({ id: memories.id });
    return { found: gone.length > 0, version };
  });
  index?.applyWrite(userId, version - 1, version, { remove: id });
  return found;
}

/** Deletes every memory of the user; returns how many. */
export async function deleteAllMemories(db: Db, userId: string, index?: MemoryIndexCache): Promise<number> {
  const { n, version } = await db.transaction(async (tx) => {
    const version = await nextVersion(tx, userId);
    const gone = await tx.delete(memories).where(eq(memories.userId, userId)).returning({ id: memories.id });
    return { n: gone.length, version };
  });
  index?.applyWrite(userId, version - 1, version, { clear: true });
  return n;
}

export async function findMemory(db: Db | Tx, userId: string, id: string): Promise<MemoryRow | undefined> {
  const [row] = await db
    .select(columns)
    .from(memories)
    .where(and(eq(memories.userId, userId), eq(memories.id, id)))
    .limit(1);
  return row;
}

/** Newest first. */
export async function listMemories(db: Db, userId: string, limit: number): Promise<MemoryRow[]> {
  return db
    .select(columns)
    .from(memories)
    .where(eq(memories.userId, userId))
    .orderBy(desc(memories.createdAt), desc(memories.id))
    .limit(limit);
}

/** The user's memories with these ids (any order). */
export async function findMemories(db: Db, userId: string, ids: string[]): Promise<MemoryRow[]> {
  if (ids.length === 0) return [];
  return db.select(columns).from(memories).where(and(eq(memories.userId, userId), inArray(memories.id, ids)));
}

// ---- embeddings (see memory-embeddings.ts) ----

/** Memories of any user that have no embedding from `model` yet, oldest first. */
export async function memoriesToEmbed(db: Db, model: string, limit: number): Promise<{ id: string; userId: string; content: string }[]> {
  const result = await db.execute(sql`
    SELECT m.id, m.user_id AS "userId", m.content FROM memories m
    LEFT JOIN memory_embeddings e ON e.memory_id = m.id AND e.model = ${model}
    WHERE e.memory_id IS NULL
    ORDER BY m.updated_at, m.id
    LIMIT ${limit}`);
  return rowsOf(result).map((r) => ({ id: String(r.id), userId: String(r.userId), content: String(r.content) }));
}

/**
 * Stores embeddings; a row of another model is replaced. A memory edited since it was read
 * keeps no stale vector: the row is written only while the content is still the one embedded.
 */
export async function saveEmbeddings(db: Db, model: string, rows: { id: string; userId: string; content: string; vector: number[] }[]): Promise<void> {
  for (const r of rows) {
    await db.execute(sql`
      INSERT INTO memory_embeddings (memory_id, user_id, model, vector)
      SELECT m.id, m.user_id, ${model}, ${`{${r.vector.map((x) => (Number.isFinite(x) ? x : 0)).join(',')}}`}::real[]
      FROM memories m WHERE m.id = ${r.id} AND m.user_id = ${r.userId} AND m.content = ${r.content}
      ON CONFLICT (memory_id) DO UPDATE SET model = excluded.model, vector = excluded.vector, created_at = now()`);
  }
}

/** A cheap fingerprint of a user's embeddings of `model`: it changes whenever one is added or removed. */
export async function embeddingStamp(db: Db, userId: string, model: string): Promise<string> {
  const result = await db.execute(sql`
    SELECT count(*)::int AS n, coalesce(max(created_at)::text, '') AS at FROM memory_embeddings WHERE user_id = ${userId} AND model = ${model}`);
  const [row] = rowsOf(result);
  return `${row?.n ?? 0}/${row?.at ?? ''}`;
}

export async function userEmbeddings(db: Db, userId: string, model: string): Promise<{ id: string; vector: number[] }[]> {
  const result = await db.execute(sql`SELECT memory_id AS id, vector FROM memory_embeddings WHERE user_id = ${userId} AND model = ${model}`);
  return rowsOf(result).map((r) => ({ id: String(r.id), vector: parseRealArray(r.vector) }));
}

/** node-postgres and PGlite return real[] as an array; a text literal is parsed as a fallback. */
function parseRealArray(v: unknown): number[] {
  if (Array.isArray(v)) return v.map(Number);
  return String(v).replace(/^\{|\}$/g, '').split(',').filter(Boolean).map(Number);
}

/** Earlier values of one memory, newest first. */
export async function listRevisions(db: Db, userId: string, memoryId: string): Promise<{ content: string; validFrom: Date; replacedAt: Date }[]> {
  return db
    .select({ content: memoryRevisions.content, validFrom: memoryRevisions.validFrom, replacedAt: memoryRevisions.replacedAt })
    .from(memoryRevisions)
    .where(and(eq(memoryRevisions.userId, userId), eq(memoryRevisions.memoryId, memoryId)))
    .orderBy(desc(memoryRevisions.replacedAt));
}

export async function countMemories(db: Db, userId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(memories).where(eq(memories.userId, userId));
  return row?.n ?? 0;
}

export async function exportMemories(db: Db, userId: string): Promise<MemoryRow[]> {
  return db.select(columns).from(memories).where(eq(memories.userId, userId)).orderBy(memories.createdAt, memories.id);
}

/**
 * Ranking knobs. The defaults are what the LoCoMo benchmark (bench/memory.ts)
 * settled on; it passes other values to measure each step.
 */
export interface SearchTuning {
  /** BM25's k1; with term frequency taken as 1 it sets how much length normalisation can move a score. */
  k1: number;
  /** BM25 length normalisation; memories are short and a longer one usually says more, so it is mild. */
  b: number;
  /** Minimum trigram similarity for a vocabulary term to stand in for a query term (0 turns fuzzy matching off). */
  fuzzy: number;
  /** Shorter query terms only match exactly. */
  fuzzyMinLength: number;
  /** At most this many vocabulary terms per query term. */
  fuzzyPerTerm: number;
  /** A memory changed just now scores up to (1 + recency) times as much; the boost halves every halfLifeDays. */
  recency: number;
  halfLifeDays: number;
  /**
   * A memory also matches the query terms of the memory stored right before it (at this share of
   * their weight) and right after it (contextAfter), within neighbourMinutes: per term the better of
   * its own match and its context's counts, in the score only. A reply carries the words of what
   * it replies to ("what's your favourite game?" / "I'm playing Xenoblade").
   */
  contextBefore: number;
  contextAfter: number;
  /** Share of a match's score lent to the memory stored right after it, and right before it. */
  nextWeight: number;
  prevWeight: number;
  /** The same for the second memory after and before it. */
  next2Weight: number;
  prev2Weight: number;
  /** What a match that is itself a question (ends with "?") lends to the memory after it: usually its answer. */
  questionNextWeight: number;
  /** Memories further apart than this lend each other nothing. */
  neighbourMinutes: number;
  /** How many of the best matches lend score to their neighbours. */
  spreadFrom: number;
  /**
   * Share of the best match stored within sessionMinutes of a memory added to its score: among
   * memories that match about equally, those from the conversation that matches best come first.
   */
  sessionWeight: number;
  sessionMinutes: number;
  /**
   * A question that names a period ("in May 2023", "last week") multiplies the score of memories
   * stored in it (from timeBeforeDays before to timeAfterDays after: people tell of things
   * after they happen) by 1 + timeBoost; its date words are left out of the term match.
   */
  timeBoost: number;
  timeBeforeDays: number;
  timeAfterDays: number;
  /**
   * Related words (expansions) count in a memory's coverage by the square root of their weight,
   * but in its score by their weight times this: they help a question in other words reach the
   * memory, without outranking memories that hold the question's own words.
   */
  relatedScale: number;
  /**
   * Terms found in more than this share of the user's memories (and in more than
   * commonFloor of them) still score, but do not pull in candidates: that keeps the
   * work per search bounded when a query has a rarer word to go by.
   */
  commonShare: number;
  commonFloor: number;
  /**
   * Related words found in more than this share of the user's memories (and in more than commonFloor of them)
   * are left out: too common to tell memories apart, and the postings a search reads grow with them.
   */
  relatedMaxShare: number;
  /**
   * A question asking when ranks memories that hold a word of time or a number ("last week",
   * "in May", "3 years") this much higher: they are the ones that can answer it.
   */
  whenBoost: number;
  /**
   * A question asking for several things ("what books have I read?") takes its results from more
   * than one conversation: a result weighs (1 - severalSpread) for each better one already taken
   * within sessionMinutes of it.
   */
  severalSpread: number;
}

export const defaultSearchTuning: SearchTuning = {
  k1: 1.2,
  b: 0.3,
  fuzzy: 0.4,
  fuzzyMinLength: 4,
  fuzzyPerTerm: 5,
  recency: 0.1,
  halfLifeDays: 30,
  contextBefore: 0.4,
  contextAfter: 0.24,
  nextWeight: 0.2,
  prevWeight: 0.3,
  next2Weight: 0.3,
  prev2Weight: 0.2,
  questionNextWeight: 0.9,
  neighbourMinutes: 10,
  spreadFrom: 20,
  sessionWeight: 0.3,
  sessionMinutes: 60,
  timeBoost: 1,
  timeBeforeDays: 1,
  timeAfterDays: 7,
  relatedScale: 0.25,
  commonShare: 0.2,
  commonFloor: 50,
  relatedMaxShare: 0.05,
  whenBoost: 0.5,
  severalSpread: 0.2,
};

export interface MemorySearchHit extends MemoryRow {
  score: number;
  /**
   * Share (0..1) of the query's IDF weight that this memory itself contains (a fuzzy
   * or related match counts by the square root of its weight); 0 for a memory ranked only
   * as the neighbour of a match.
   */
  coverage: number;
}

/** A word related to a query word (a synonym, a broader or narrower term), weighted 0..1 below the word itself. */
export interface QueryExpansion {
  /** The query word it stands in for (any form; it is stemmed like the query). */
  word: string;
  /** The related word, one word (stemmed the same way). */
  related: string;
  weight: number;
}

export interface SearchInput {
  userId: string;
  query: string;
  limit: number;
  /** The clock the question is asked at (recency, "last week"); the real time when absent. */
  now?: Date;
  /** Related words for the query's words (see memory-relatedness.ts). */
  expansions?: QueryExpansion[];
  /**
   * Query words that do not count against a memory's coverage when no memory holds them
   * as such ("eat" in "can I eat shrimp?"); they and their related words still score where they match.
   */
  optionalWords?: string[];
}

const MAX_QUERY_TERMS = 32;
// Related words (256 at most) and the narrower terms of the noun a question asks for.
const MAX_EXPANSIONS = 8_192;
const DAY_MS = 86_400_000;

/** One element of a PostgreSQL array literal. */
const pgArrayItem = (s: string) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

/**
 * Best first: BM25 (term frequency taken as 1) with OR semantics and per-user IDF over English stems, query
 * terms widened to similar terms of the user's vocabulary (trigram similarity:
 * typos, names, word forms the stemmer keeps apart) and to related words (expansions, weighted below the
 * word itself), memories stored in a period the question names ranked higher, a share of a match's score
 * lent to the memories stored just before and after it (the conversation it came
 * from) and to the memories of the best-matching conversation, and a mild recency boost.
 *
 * One round trip reads the user's version and stems the query; the ranking runs over the
 * user's index (memory-index.ts), loaded first when this instance holds no current one; a
 * second round trip reads the rows returned.
 */
export async function searchMemories(db: Db, cache: MemoryIndexCache, input: SearchInput, tuning: Partial<SearchTuning> = {}): Promise<MemorySearchHit[]> {
  const t = { ...defaultSearchTuning, ...tuning };
  const { userId } = input;
  const now = input.now ?? new Date();
  const period = t.timeBoost > 0 ? queryPeriod(input.query, now) : null;
  // A question that is only a date ("yesterday?") keeps its words.
  const query = period && /[a-z0-9]{3}/i.test(period.rest) ? period.rest : input.query;
  const expansions = (input.expansions ?? []).filter((e) => e.weight > 0).slice(0, MAX_EXPANSIONS);
  // The related words are single words: the stemmer alone does (the full parser per word cost more
  // than the rest of the search), and a word's stem is kept once known.
  const stemFor = new Map<string, string | null>();
  const unknown: string[] = [];
  for (const w of new Set(expansions.flatMap((e) => [e.word.toLowerCase(), e.related.toLowerCase()]))) {
    const known = cache.stems.get(w);
    if (known === undefined) unknown.push(w);
    else stemFor.set(w, known);
  }
  const optional = (input.optionalWords ?? []).slice(0, MAX_QUERY_TERMS);
  const [head] = rowsOf(
    await db.execute(sql`
      SELECT (SELECT version::text FROM memory_stats WHERE user_id = ${userId}) AS version,
        ARRAY(SELECT lexeme FROM unnest(to_tsvector('english', ${query})) LIMIT ${MAX_QUERY_TERMS}) AS terms,
        ARRAY(SELECT coalesce((ts_lexize('english_stem', u.w))[1], '') FROM unnest(${`{${unknown.map(pgArrayItem).join(',')}}`}::text[]) WITH ORDINALITY AS u(w, i) ORDER BY u.i) AS stems,
        ARRAY(SELECT DISTINCT t.lexeme FROM unnest(${`{${optional.map(pgArrayItem).join(',')}}`}::text[]) AS o(word), unnest(to_tsvector('english', o.word)) AS t) AS optional`),
  );
  const stems = parseTextArray(head!.stems);
  unknown.forEach((w, i) => {
    stemFor.set(w, stems[i] || null);
    cache.rememberStem(w, stems[i] || null);
  });
  if (head!.version == null) return [];
  const index = await cache.obtain(userId, Number(head!.version), async () => (await loadIndex(db, userId)) ?? new UserMemoryIndex(Number(head!.version)));
  const terms = parseTextArray(head!.terms);
  const stemOf = (w: string) => stemFor.get(w.toLowerCase()) ?? null;
  const related = new Map<string, { qterm: string; term: string; weight: number }>();
  for (const e of expansions) {
    const qterm = stemOf(e.word);
    const term = stemOf(e.related);
    if (!qterm || !term) continue;
    const key = `${qterm}\u0000${term}`;
    const weight = Math.min(1, e.weight);
    if ((related.get(key)?.weight ?? -1) < weight) related.set(key, { qterm, term, weight });
  }
  const us = (d: Date) => d.getTime() * 1000;
  const ranked = rankMemories(
    index,
    {
      terms,
      related: [...related.values()],
      optional: new Set(parseTextArray(head!.optional)),
      period: period ? { from: us(period.from) - t.timeBeforeDays * DAY_MS * 1000, to: us(period.to) + t.timeAfterDays * DAY_MS * 1000 } : null,
      asksWhen: asksWhen(input.query),
      asksForSeveral: asksForSeveral(input.query),
      now: us(now),
      limit: input.limit,
    },
    t,
  );
  const rows = new Map((await findMemories(db, userId, ranked.map((r) => r.memory.id))).map((r) => [r.id, r]));
  return ranked.flatMap((r) => {
    const row = rows.get(r.memory.id);
    return row ? [{ ...row, score: r.score, coverage: r.coverage }] : [];
  });
}
