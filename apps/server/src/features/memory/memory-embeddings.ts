// Embeddings of memories from the configured model (LLM_EMBEDDING_MODEL on the
// OpenAI-compatible server of LLM_BASE_URL), for a semantic score fused with the
// lexical one. Memories are embedded in the background by one bounded loop per
// instance: a write only wakes it, and a search never waits for it (a memory
// without its vector yet is found by its words alone). At start the loop catches
// up on whatever has no vector of the current model, so a model change re-embeds
// everything in the background.
//
// Vectors are plain real[] rows; a user's vectors are read into memory once and
// read again only when their fingerprint (count, newest) changes.
import type { Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import type { Logger } from '../../lib/logger.ts';
import * as repo from './memory.repo.ts';

const BATCH = 32;
const REQUEST_TIMEOUT_MS = 30_000;
/** A search gives the model this long to embed the question, then ranks by words alone. */
const QUERY_TIMEOUT_MS = 2_000;
const RETRY_MS = 30_000;
const MAX_CACHED_USERS = 200;
const MAX_CACHED_QUERIES = 500;
/** How many of the semantic ranking take part in the fusion. */
const SEMANTIC_DEPTH = 50;
/** Reciprocal-rank fusion constant (Cormack et al. 2009). */
const RRF_K = 60;

export interface MemoryEmbedder {
  readonly model: string;
  /** Something was written: embed what has no vector yet (in the background). */
  wake(): void;
  /** Resolves when nothing is left to embed (tests, shutdown). */
  idle(): Promise<void>;
  /** The user's memories by cosine similarity to `query`, best first; null when the model did not answer in time. */
  rank(userId: string, query: string): Promise<{ id: string; similarity: number }[] | null>;
  stop(): void;
}

interface Cached {
  stamp: string;
  ids: string[];
  dims: number;
  /** Unit vectors, one after the other. */
  matrix: Float32Array;
}

export function createMemoryEmbedder(deps: { db: Db; config: Config; log: Logger; shutdown: AbortSignal }): MemoryEmbedder | undefined {
  const { db, config, log } = deps;
  const llm = config.llm;
  const model = config.llmEmbeddingModel;
  if (!llm || !model) return undefined;
  const url = `${llm.baseUrl.replace(/\/+$/, '')}/embeddings`;
  const stop = new AbortController();
  const signal = AbortSignal.any([deps.shutdown, stop.signal]);

  async function embed(input: string[], timeoutMs: number): Promise<number[][]> {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(llm!.apiKey ? { authorization: `Bearer ${llm!.apiKey}` } : {}) },
      body: JSON.stringify({ model, input }),
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
    });
    if (!res.ok) throw new Error(`embeddings: HTTP ${res.status}`);
    const body = (await res.json()) as { data?: { embedding?: unknown; index?: number }[] };
    const data = [...(body.data ?? [])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    if (data.length !== input.length || !data.every((d) => Array.isArray(d.embedding) && d.embedding.length > 0)) {
      throw new Error('embeddings: unexpected response');
    }
    return data.map((d) => (d.embedding as unknown[]).map(Number));
  }

  let running: Promise<void> | null = null;
  let again = false;
  let retry: NodeJS.Timeout | undefined;

  async function drain(): Promise<void> {
    do {
      again = false;
      for (;;) {
        if (signal.aborted) return;
        const rows = await repo.memoriesToEmbed(db, model!, BATCH);
        if (rows.length === 0) break;
        const vectors = await embed(
          rows.map((r) => r.content),
          REQUEST_TIMEOUT_MS,
        );
        await repo.saveEmbeddings(
          db,
          model!,
          rows.map((r, i) => ({ ...r, vector: vectors[i]! })),
        );
        if (rows.length < BATCH) break;
      }
    } while (again);
  }

  function wake(): void {
    if (signal.aborted) return;
    if (running) {
      again = true;
      return;
    }
    running = drain()
      .catch((err: unknown) => {
        if (signal.aborted) return;
        log.warn({ err: err instanceof Error ? err.message : String(err), model }, 'memory embedding failed; retrying later');
        clearTimeout(retry);
        retry = setTimeout(wake, RETRY_MS);
        retry.unref();
      })
      .finally(() => {
        running = null;
      });
  }

  const users = new Map<string, Cached>();
  const queries = new Map<string, Float32Array>();

  async function vectorsOf(userId: string): Promise<Cached> {
    const stamp = await repo.embeddingStamp(db, userId, model!);
    const hit = users.get(userId);
    if (hit && hit.stamp === stamp) {
      users.delete(userId);
      users.set(userId, hit);
      return hit;
    }
    const rows = await repo.userEmbeddings(db, userId, model!);
    const dims = rows[0]?.vector.length ?? 0;
    const usable = rows.filter((r) => r.vector.length === dims);
    const matrix = new Float32Array(usable.length * dims);
    usable.forEach((r, i) => matrix.set(unit(r.vector), i * dims));
    const cached = { stamp, ids: usable.map((r) => r.id), dims, matrix };
    users.set(userId, cached);
    if (users.size > MAX_CACHED_USERS) users.delete(users.keys().next().value!);
    return cached;
  }

  async function queryVector(query: string): Promise<Float32Array | null> {
    const key = query.trim().toLowerCase();
    const hit = queries.get(key);
    if (hit) return hit;
    try {
      const [v] = await embed([query], QUERY_TIMEOUT_MS);
      const q = unit(v!);
      queries.set(key, q);
      if (queries.size > MAX_CACHED_QUERIES) queries.delete(queries.keys().next().value!);
      return q;
    } catch (err) {
      log.warn({ err: err instanceof Error ? err.message : String(err), model }, 'query embedding failed; ranking by words alone');
      return null;
    }
  }

  wake();
  return {
    model,
    wake,
    async idle() {
      while (running) await running;
    },
    async rank(userId, query) {
      const [q, cached] = await Promise.all([queryVector(query), vectorsOf(userId)]);
      if (!q || cached.ids.length === 0 || q.length !== cached.dims) return q ? [] : null;
      const { dims, matrix, ids } = cached;
      const scored: { id: string; similarity: number }[] = [];
      for (let i = 0; i < ids.length; i++) {
        let s = 0;
        for (let d = 0, o = i * dims; d < dims; d++) s += q[d]! * matrix[o + d]!;
        scored.push({ id: ids[i]!, similarity: s });
      }
      return scored.sort((a, b) => b.similarity - a.similarity).slice(0, SEMANTIC_DEPTH);
    },
    stop() {
      clearTimeout(retry);
      stop.abort();
    },
  };
}

function unit(v: number[]): Float32Array {
  const out = Float32Array.from(v);
  let n = 0;
  for (const x of out) n += x * x;
  n = Math.sqrt(n) || 1;
  for (let i = 0; i < out.length; i++) out[i]! /= n;
  return out;
}

/**
 * Reciprocal-rank fusion of the lexical and the semantic ranking: each list gives a memory
 * 1 / (60 + rank). The lexical list's own order breaks ties.
 */
export function fuseRankings(lexical: string[], semantic: string[]): { id: string; score: number }[] {
  const scores = new Map<string, number>();
  lexical.forEach((id, i) => scores.set(id, (scores.get(id) ?? 0) + 1 / (RRF_K + i + 1)));
  semantic.forEach((id, i) => scores.set(id, (scores.get(id) ?? 0) + 1 / (RRF_K + i + 1)));
  const order = new Map(lexical.map((id, i) => [id, i]));
  return [...scores]
    .map(([id, score]) => ({ id, score }))
    .sort((a, b) => b.score - a.score || (order.get(a.id) ?? Infinity) - (order.get(b.id) ?? Infinity));
}
