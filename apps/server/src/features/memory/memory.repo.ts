// The only place that queries memories. Every statement is scoped by user_id.
// Writes keep the per-user term statistics (memory_terms, memory_stats) and the
// inverted index (memory_postings) in step
// with the rows, in the same transaction, so searches can weigh terms by IDF.
import { and, count, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { memories, memoryEmbeddings, memoryRevisions } from '../../db/schema/index.ts';
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
 * Takes the user's statistics row lock first: writes of one user are serialised,
 * so the term upserts below can never deadlock with each other.
 */
async function lockStats(tx: Tx, userId: string): Promise<void> {
  await tx.execute(sql`
    INSERT INTO memory_stats (user_id, doc_count, token_count) VALUES (${userId}, 0, 0)
    ON CONFLICT (user_id) DO UPDATE SET doc_count = memory_stats.doc_count`);
}

async function countTerms(tx: Tx, userId: string, memoryId: string, sign: 1 | -1): Promise<void> {
  if (sign === 1) {
    await tx.execute(sql`
      INSERT INTO memory_terms (user_id, term, doc_count)
      SELECT ${userId}::uuid, t.lexeme, 1
      FROM memories m, unnest(m.search_vector) AS t(lexeme, positions, weights)
      WHERE m.id = ${memoryId} AND m.user_id = ${userId}
      ORDER BY t.lexeme
      ON CONFLICT (user_id, term) DO UPDATE SET doc_count = memory_terms.doc_count + 1`);
    await tx.execute(sql`
      INSERT INTO memory_postings (user_id, term, memory_id, length, question, created_at, updated_at)
      SELECT m.user_id, t.lexeme, m.id, length(m.search_vector), m.content ~ '[?][[:space:]]*$', m.created_at, m.updated_at
      FROM memories m, unnest(m.search_vector) AS t(lexeme, positions, weights)
      WHERE m.id = ${memoryId} AND m.user_id = ${userId}`);
  } else {
    await tx.execute(sql`DELETE FROM memory_postings WHERE user_id = ${userId} AND memory_id = ${memoryId}`);
    await tx.execute(sql`
      UPDATE memory_terms mt SET doc_count = mt.doc_count - 1
      FROM memories m, unnest(m.search_vector) AS t(lexeme, positions, weights)
      WHERE m.id = ${memoryId} AND m.user_id = ${userId} AND mt.user_id = ${userId} AND mt.term = t.lexeme`);
    await tx.execute(sql`DELETE FROM memory_terms WHERE user_id = ${userId} AND doc_count <= 0`);
  }
  await tx.execute(sql`
    UPDATE memory_stats s SET doc_count = s.doc_count + ${sign}, token_count = s.token_count + ${sign} * length(m.search_vector)
    FROM memories m WHERE m.id = ${memoryId} AND m.user_id = ${userId} AND s.user_id = ${userId}`);
}

export async function insertMemory(
  db: Db,
  input: { userId: string; content: string; sourceMessageId?: string | null; createdAt?: Date },
): Promise<MemoryRow> {
  return db.transaction(async (tx) => {
    await lockStats(tx, input.userId);
    const at = input.createdAt ?? sql`now()`;
    const [row] = await tx
      .insert(memories)
      .values({ userId: input.userId, content: input.content, sourceMessageId: input.sourceMessageId ?? null, createdAt: at, updatedAt: at })
      .returning(columns);
    await countTerms(tx, input.userId, row!.id, 1);
    return row!;
  });
}

/** Replaces the content (and, when given, the provenance); undefined when the user has no such memory. */
export async function updateMemory(
  db: Db,
  input: { userId: string; id: string; content: string; sourceMessageId?: string | null },
): Promise<MemoryRow | undefined> {
  return db.transaction(async (tx) => {
    await lockStats(tx, input.userId);
    const before = await findMemory(tx, input.userId, input.id);
    if (!before) return undefined;
    if (before.content !== input.content) {
      await tx.insert(memoryRevisions).values({ memoryId: before.id, userId: input.userId, content: before.content, validFrom: before.updatedAt });
      // The text changed: its embedding is made again in the background.
      await tx.delete(memoryEmbeddings).where(and(eq(memoryEmbeddings.userId, input.userId), eq(memoryEmbeddings.memoryId, before.id)));
    }
    await countTerms(tx, input.userId, input.id, -1);
    const [row] = await tx
      .update(memories)
      .set({
        content: input.content,
        updatedAt: sql`now()`,
        ...(input.sourceMessageId !== undefined ? { sourceMessageId: input.sourceMessageId } : {}),
      })
      .where(and(eq(memories.userId, input.userId), eq(memories.id, input.id)))
      .returning(columns);
    await countTerms(tx, input.userId, input.id, 1);
    return row;
  });
}

/** Deletes the row for real; false when the user has no such memory. */
export async function deleteMemory(db: Db, userId: string, id: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    await lockStats(tx, userId);
    if (!(await findMemory(tx, userId, id))) return false;
    await countTerms(tx, userId, id, -1);
    await tx.delete(memories).where(and(eq(memories.userId, userId), eq(memories.id, id)));
    return true;
  });
}

/** Deletes every memory of the user (and their statistics); returns how many. */
export async function deleteAllMemories(db: Db, userId: string): Promise<number> {
  return db.transaction(async (tx) => {
    await lockStats(tx, userId);
    const gone = await tx.delete(memories).where(eq(memories.userId, userId)).returning({ id: memories.id });
    await tx.execute(sql`DELETE FROM memory_postings WHERE user_id = ${userId}`);
    await tx.execute(sql`DELETE FROM memory_terms WHERE user_id = ${userId}`);
    await tx.execute(sql`UPDATE memory_stats SET doc_count = 0, token_count = 0 WHERE user_id = ${userId}`);
    return gone.length;
  });
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
}

export const defaultSearchTuning: SearchTuning = {
  k1: 1.2,
  b: 0.3,
  fuzzy: 0.4,
  fuzzyMinLength: 4,
  fuzzyPerTerm: 5,
  recency: 0.1,
  halfLifeDays: 30,
  nextWeight: 0.7,
  prevWeight: 0.5,
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
const MAX_EXPANSIONS = 256;
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
 */
export async function searchMemories(db: Db, input: SearchInput, tuning: Partial<SearchTuning> = {}): Promise<MemorySearchHit[]> {
  const t = { ...defaultSearchTuning, ...tuning };
  const { userId } = input;
  const now = input.now ?? new Date();
  const period = t.timeBoost > 0 ? queryPeriod(input.query, now) : null;
  // A question that is only a date ("yesterday?") keeps its words.
  const query = period && /[a-z0-9]{3}/i.test(period.rest) ? period.rest : input.query;
  const periodFrom = period ? new Date(period.from.getTime() - t.timeBeforeDays * DAY_MS).toISOString() : null;
  const periodTo = period ? new Date(period.to.getTime() + t.timeAfterDays * DAY_MS).toISOString() : null;
  const expansions = (input.expansions ?? []).filter((e) => e.weight > 0).slice(0, MAX_EXPANSIONS);
  const expWords = `{${expansions.map((e) => pgArrayItem(e.word)).join(',')}}`;
  const expRelated = `{${expansions.map((e) => pgArrayItem(e.related)).join(',')}}`;
  const expWeights = `{${expansions.map((e) => Math.min(1, e.weight).toFixed(4)).join(',')}}`;
  const optional = `{${(input.optionalWords ?? []).slice(0, MAX_QUERY_TERMS).map(pgArrayItem).join(',')}}`;
  const result = await db.execute(sql`
    WITH stats AS (
      SELECT doc_count::float8 AS n, greatest(token_count::float8 / nullif(doc_count, 0), 1) AS avgdl
      FROM memory_stats WHERE user_id = ${userId} AND doc_count > 0
    ),
    q AS (
      SELECT lexeme AS qterm, left(lexeme, 1) COLLATE "C" AS initial, chr(ascii(lexeme) + 1) COLLATE "C" AS after_initial
      FROM unnest(to_tsvector('english', ${query})) LIMIT ${MAX_QUERY_TERMS}
    ),
    -- Related words: each stands in for the query term its word stems to, with its weight.
    rel AS (
      SELECT qw.lexeme AS qterm, rw.lexeme AS term, max(x.weight) AS weight
      FROM unnest(${expWords}::text[], ${expRelated}::text[], ${expWeights}::float8[]) AS x(word, related, weight)
      -- The stemmer alone (the words are single words): the full parser per word cost more than the rest of the search.
      CROSS JOIN LATERAL (SELECT (ts_lexize('english_stem', lower(x.word)))[1] AS lexeme) qw
      CROSS JOIN LATERAL (SELECT (ts_lexize('english_stem', lower(x.related)))[1] AS lexeme) rw
      WHERE qw.lexeme IN (SELECT qterm FROM q) AND rw.lexeme IS NOT NULL AND rw.lexeme NOT IN (SELECT qterm FROM q)
      GROUP BY 1, 2
    ),
    exp AS (
      SELECT q.qterm, mt.term, mt.doc_count, 1.0::float8 AS sim, 1.0::float8 AS cov, false AS related
      FROM q JOIN memory_terms mt ON mt.user_id = ${userId} AND mt.term = q.qterm
      UNION
      SELECT q.qterm, f.term, f.doc_count, f.sim, f.sim, false
      FROM q CROSS JOIN LATERAL (
        SELECT mt.term, mt.doc_count, similarity(mt.term, q.qterm)::float8 AS sim
        FROM memory_terms mt
        WHERE ${t.fuzzy}::float8 > 0 AND length(q.qterm) >= ${t.fuzzyMinLength}::int
          -- Like most spelling correctors, trust the first letter: the comparisons then
          -- cover one slice of the vocabulary, read by a range of the primary key.
          AND mt.user_id = ${userId} AND mt.term >= q.initial AND mt.term < q.after_initial
          AND mt.term <> q.qterm AND similarity(mt.term, q.qterm) >= ${t.fuzzy}::float8
        ORDER BY 3 DESC LIMIT ${t.fuzzyPerTerm}::int
      ) f
      UNION
      SELECT rel.qterm, mt.term, mt.doc_count, rel.weight * ${t.relatedScale}::float8, rel.weight, true
      FROM rel JOIN memory_terms mt ON mt.user_id = ${userId} AND mt.term = rel.term
        AND mt.doc_count <= (SELECT greatest(s.n * ${t.relatedMaxShare}::float8, ${t.commonFloor}::float8) FROM stats s)
    ),
    w AS (
      SELECT e.qterm, e.term, max(e.sim) AS sim, max(e.cov) AS cov, ln(1 + (s.n - e.doc_count + 0.5) / (e.doc_count + 0.5)) AS idf,
        e.doc_count <= greatest(s.n * ${t.commonShare}::float8, ${t.commonFloor}::float8)
          -- Related words pull in candidates only for a word the user's memories do not hold:
          -- where they do, they only score (the work stays that of the question's own words).
          AND (NOT bool_and(e.related) OR NOT EXISTS (SELECT 1 FROM exp x WHERE x.qterm = e.qterm AND x.term = e.qterm)) AS selective
      FROM exp e CROSS JOIN stats s
      GROUP BY e.qterm, e.term, e.doc_count, s.n
    ),
    opt AS (SELECT DISTINCT t.lexeme FROM unnest(${optional}::text[]) AS o(word), unnest(to_tsvector('english', o.word)) AS t),
    -- The query's weight: each term weighs as itself, else as its best stand-in, else as a
    -- term in no memory (unless it is optional).
    total AS (
      SELECT sum(coalesce((SELECT w.idf FROM w WHERE w.qterm = q.qterm AND w.term = q.qterm),
        (SELECT max(w.idf) FROM w WHERE w.qterm = q.qterm), ln(1 + (s.n + 0.5) / 0.5))) AS weight
      FROM q CROSS JOIN stats s
      WHERE q.qterm NOT IN (SELECT lexeme FROM opt) OR EXISTS (SELECT 1 FROM w WHERE w.qterm = q.qterm AND w.term = q.qterm)
    ),
    -- The postings of every term: the memories that hold it, with what the ranking needs of them.
    hits AS MATERIALIZED (
      SELECT p.memory_id AS id, p.created_at, p.updated_at, p.question, p.length, w.qterm, w.sim, w.cov, w.idf, w.selective
      FROM w JOIN memory_postings p ON p.user_id = ${userId} AND p.term = w.term
    ),
    -- Candidates: the memories holding a selective term (or any term when none is).
    cand AS (
      SELECT DISTINCT id FROM hits WHERE selective OR NOT EXISTS (SELECT 1 FROM w WHERE selective)
    ),
    -- Memories are short and a term seldom occurs twice in one, so BM25's term
    -- frequency is taken as 1: a posting is a match.
    per_term AS (
      SELECT h.id, h.created_at, h.updated_at, h.question, h.qterm,
        max(h.sim * h.idf * (${t.k1}::float8 + 1)
          / (1 + ${t.k1}::float8 * (1 - ${t.b}::float8 + ${t.b}::float8 * h.length / s.avgdl))) AS score,
        max(sqrt(h.cov) * h.idf) AS matched
      FROM hits h JOIN cand c ON c.id = h.id CROSS JOIN stats s
      GROUP BY h.id, h.created_at, h.updated_at, h.question, h.qterm
    ),
    ranked AS (
      SELECT id, created_at, updated_at, question, matched,
        score * CASE WHEN created_at >= ${periodFrom}::timestamptz AND created_at < ${periodTo}::timestamptz
          THEN 1 + ${t.timeBoost}::float8 ELSE 1 END AS score
      FROM (SELECT id, created_at, updated_at, question, sum(score) AS score, sum(matched) AS matched
        FROM per_term GROUP BY id, created_at, updated_at, question) p
    ),
    own AS (SELECT * FROM ranked ORDER BY score DESC LIMIT ${t.spreadFrom}::int),
    -- Memories stored in the same moment of a conversation share its context: the
    -- answer often follows the message that names the topic.
    lent AS (
      SELECT nx.id, nx.created_at, nx.updated_at, o.score * CASE WHEN nx.k = 1 AND o.question THEN ${t.questionNextWeight}::float8
        WHEN nx.k = 1 THEN ${t.nextWeight}::float8 ELSE ${t.next2Weight}::float8 END AS score
      FROM own o CROSS JOIN LATERAL (
        SELECT x.id, x.created_at, x.updated_at, row_number() OVER (ORDER BY x.created_at) AS k FROM memories x
        WHERE ${t.nextWeight}::float8 > 0 AND x.user_id = ${userId} AND x.created_at > o.created_at
          AND x.created_at <= o.created_at + make_interval(mins => ${t.neighbourMinutes}::int)
        ORDER BY x.created_at LIMIT 2) nx
      UNION ALL
      SELECT pv.id, pv.created_at, pv.updated_at, o.score * CASE WHEN pv.k = 1 THEN ${t.prevWeight}::float8 ELSE ${t.prev2Weight}::float8 END
      FROM own o CROSS JOIN LATERAL (
        SELECT x.id, x.created_at, x.updated_at, row_number() OVER (ORDER BY x.created_at DESC) AS k FROM memories x
        WHERE ${t.prevWeight}::float8 > 0 AND x.user_id = ${userId} AND x.created_at < o.created_at
          AND x.created_at >= o.created_at - make_interval(mins => ${t.neighbourMinutes}::int)
        ORDER BY x.created_at DESC LIMIT 2) pv
    ),
    scored AS (
      SELECT coalesce(r.id, l.id) AS id, coalesce(r.created_at, l.created_at) AS created_at, coalesce(r.updated_at, l.updated_at) AS updated_at,
        coalesce(r.score, 0) + coalesce(l.score, 0) AS score, coalesce(r.matched, 0) AS matched
      FROM ranked r FULL JOIN (SELECT id, created_at, updated_at, max(score) AS score FROM lent GROUP BY id, created_at, updated_at) l ON l.id = r.id
    ),
    -- Ranked on what the candidates already carry; only the few returned are read whole.
    top AS (
      SELECT sc.id, sc.created_at, sc.matched,
        (sc.score + ${t.sessionWeight}::float8 * coalesce((SELECT max(o.score) FROM own o
            WHERE o.created_at BETWEEN sc.created_at - make_interval(mins => ${t.sessionMinutes}::int)
              AND sc.created_at + make_interval(mins => ${t.sessionMinutes}::int)), 0))
          * (1 + ${t.recency}::float8 * power(0.5,
          greatest(extract(epoch FROM (${now.toISOString()}::timestamptz - sc.updated_at))::float8, 0) / 86400.0 / ${t.halfLifeDays}::float8)) AS score
      FROM scored sc
      ORDER BY 4 DESC, sc.created_at DESC, sc.id
      LIMIT ${input.limit}
    )
    SELECT m.id, m.user_id AS "userId", m.content, m.source_message_id AS "sourceMessageId",
      m.created_at AS "createdAt", m.updated_at AS "updatedAt", top.score,
      least(top.matched / nullif((SELECT weight FROM total), 0), 1) AS coverage
    FROM top JOIN memories m ON m.id = top.id AND m.user_id = ${userId}
    ORDER BY top.score DESC, m.created_at DESC, m.id
    LIMIT ${input.limit}`);
  return rowsOf(result).map((r) => ({
    id: String(r.id),
    userId: String(r.userId),
    content: String(r.content),
    sourceMessageId: r.sourceMessageId == null ? null : String(r.sourceMessageId),
    createdAt: new Date(r.createdAt as string | Date),
    updatedAt: new Date(r.updatedAt as string | Date),
    score: Number(r.score),
    coverage: Number(r.coverage ?? 0),
  }));
}

/**
 * Refreshes the planner statistics of the memory tables, as autovacuum does on
 * PostgreSQL (the benchmark calls it after its bulk load). The search plans do not
 * depend on it: embedded PGlite, which has no autovacuum, searches as fast without.
 */
export async function analyzeMemoryTables(db: Db): Promise<void> {
  await db.execute(sql`ANALYZE memories, memory_terms, memory_stats`);
}
