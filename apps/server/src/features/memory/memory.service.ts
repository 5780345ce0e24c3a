// Use cases of the memory store, shared by the REST routes and the @mem tools.
// Every call names the user; the repository scopes each statement by it.
import type { Memory } from '@lifeos/contract';
import type { AppContext } from '../../context.ts';
import { notFound } from '../../http/errors.ts';
import { logEvent } from '../../lib/events.ts';
import { canonicalFact, factSubject, questionSubject } from './memory-facts.ts';
import { fuseRankings } from './memory-embeddings.ts';
import { isMainlyVerb, relatedWords } from './memory-relatedness.ts';
import * as repo from './memory.repo.ts';

export type { MemoryRow, MemorySearchHit } from './memory.repo.ts';

export function toMemory(row: repo.MemoryRow): Memory {
  return {
    id: row.id,
    content: row.content,
    sourceMessageId: row.sourceMessageId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const sameText = (a: string, b: string) => a.trim().toLowerCase().replace(/\s+/g, ' ').replace(/[.!]+$/, '') === b.trim().toLowerCase().replace(/\s+/g, ' ').replace(/[.!]+$/, '');

/** Best match first with a query, else newest first. */
export async function listMemories(ctx: AppContext, userId: string, options: { q?: string; limit: number }): Promise<repo.MemoryRow[]> {
  if (options.q) return searchMemories(ctx, userId, options.q, options.limit);
  return repo.listMemories(ctx.db, userId, options.limit);
}

/** The one search of the REST API and @mem: the words of the query, and words related to them (WordNet), weighted below them. */
export async function searchMemories(
  ctx: AppContext,
  userId: string,
  query: string,
  limit = 10,
  options: { optionalWords?: string[] } = {},
): Promise<repo.MemorySearchHit[]> {
  const embedder = ctx.memoryEmbedder;
  const input = { userId, query, expansions: await relatedWords(query), ...options };
  if (!embedder) return repo.searchMemories(ctx.db, ctx.memoryIndex, { ...input, limit });
  // With a model: the lexical and the semantic ranking, fused by reciprocal rank.
  const [lexical, semantic] = await Promise.all([
    repo.searchMemories(ctx.db, ctx.memoryIndex, { ...input, limit: Math.max(limit, 50) }),
    embedder.rank(userId, query),
  ]);
  if (!semantic?.length) return lexical.slice(0, limit);
  const fused = fuseRankings(
    lexical.map((h) => h.id),
    semantic.map((s) => s.id),
  ).slice(0, limit);
  const known = new Map(lexical.map((h) => [h.id, h]));
  const rows = new Map((await repo.findMemories(ctx.db, userId, fused.filter((f) => !known.has(f.id)).map((f) => f.id))).map((r) => [r.id, r]));
  return fused.flatMap((f) => {
    const row = known.get(f.id) ?? rows.get(f.id);
    // NOTE: a memory found by meaning alone has no word coverage: @mem's built-in answers still go by words.
    return row ? [{ ...row, score: f.score, coverage: known.get(f.id)?.coverage ?? 0 }] : [];
  });
}

/** The words of a question that mostly shape it (verbs such as "eat", "drive", "go"): see SearchInput.optionalWords. */
export async function questionVerbs(question: string): Promise<string[]> {
  const words = [...new Set(question.toLowerCase().match(/[a-z]{2,}/g) ?? [])];
  const flags = await Promise.all(words.map((w) => isMainlyVerb(w)));
  // Whatever its use elsewhere, the word after "do I", "did you", "can we" is the question's verb ("which bank do I USE?").
  const afterAuxiliary = [...question.toLowerCase().matchAll(/\b(?:do|does|did|can|could|will|would|should)\s+(?:i|you|we|he|she|they)\s+([a-z]{2,})/g)].map((m) => m[1]!);
  return [...new Set([...words.filter((_, i) => flags[i]), ...afterAuxiliary])];
}

/** What a memory said before its updates, newest first. */
export async function memoryHistory(ctx: AppContext, userId: string, id: string) {
  await getMemory(ctx, userId, id);
  return repo.listRevisions(ctx.db, userId, id);
}

export const countMemories = (ctx: AppContext, userId: string) => repo.countMemories(ctx.db, userId);

export async function getMemory(ctx: AppContext, userId: string, id: string): Promise<repo.MemoryRow> {
  const row = await repo.findMemory(ctx.db, userId, id);
  if (!row) throw notFound('Memory');
  return row;
}

export async function createMemory(ctx: AppContext, userId: string, content: string, sourceMessageId: string | null = null): Promise<repo.MemoryRow> {
  const row = await repo.insertMemory(ctx.db, { userId, content: content.trim(), sourceMessageId }, ctx.memoryIndex);
  ctx.memoryEmbedder?.wake();
  logEvent(ctx, 'memory.created', { userId, memoryId: row.id, fromChat: sourceMessageId !== null });
  return row;
}

/** Replaces the content; `sourceMessageId` (when given) moves the provenance to the message that corrected it. */
export async function editMemory(
  ctx: AppContext,
  userId: string,
  id: string,
  content: string,
  sourceMessageId?: string | null,
): Promise<repo.MemoryRow> {
  const row = await repo.updateMemory(ctx.db, { userId, id, content: content.trim(), ...(sourceMessageId !== undefined ? { sourceMessageId } : {}) }, ctx.memoryIndex);
  if (!row) throw notFound('Memory');
  ctx.memoryEmbedder?.wake();
  logEvent(ctx, 'memory.updated', { userId, memoryId: id });
  return row;
}

export async function deleteMemory(ctx: AppContext, userId: string, id: string): Promise<void> {
  if (!(await repo.deleteMemory(ctx.db, userId, id, ctx.memoryIndex))) throw notFound('Memory');
  logEvent(ctx, 'memory.deleted', { userId, memoryId: id });
}

export async function deleteAllMemories(ctx: AppContext, userId: string): Promise<number> {
  const n = await repo.deleteAllMemories(ctx.db, userId, ctx.memoryIndex);
  logEvent(ctx, 'memory.deleted', { userId, all: true, count: n });
  return n;
}

export type RememberOutcome =
  | { kind: 'stored'; memory: repo.MemoryRow }
  | { kind: 'replaced'; memory: repo.MemoryRow; previous: repo.MemoryRow }
  | { kind: 'known'; memory: repo.MemoryRow };

/** The memories that speak about the same subject as `fact` (see factSubject), best match first. */
export async function findSameSubject(ctx: AppContext, userId: string, fact: string): Promise<repo.MemorySearchHit[]> {
  const subject = factSubject(fact);
  if (!subject) return [];
  const hits = await repo.searchMemories(ctx.db, ctx.memoryIndex, { userId, query: subject, limit: 20 }, { nextWeight: 0, prevWeight: 0, sessionWeight: 0 });
  return hits.filter((h) => factSubject(h.content) === subject);
}

/** The memories holding a single-valued relation a question asks about ("which city am I based in?"), best first. */
export async function findForQuestion(ctx: AppContext, userId: string, question: string): Promise<repo.MemorySearchHit[]> {
  const asked = questionSubject(question);
  if (!asked) return [];
  const hits = await repo.searchMemories(ctx.db, ctx.memoryIndex, { userId, query: asked.words, limit: 20 }, { nextWeight: 0, prevWeight: 0, sessionWeight: 0 });
  return hits.filter((h) => factSubject(h.content) === asked.subject).map((h) => ({ ...h, coverage: 1 }));
}

/**
 * Stores a fact. A fact already known is not stored twice; a fact about the same
 * subject as an older one replaces it (knowledge update), and the outcome says what it was.
 */
export async function rememberFact(ctx: AppContext, userId: string, fact: string, sourceMessageId: string | null): Promise<RememberOutcome> {
  // "my locker number changed, it's 212 now" is kept as "my locker number is 212".
  const content = canonicalFact(fact).fact;
  const [same] = await findSameSubject(ctx, userId, content);
  if (same) {
    if (sameText(same.content, content)) return { kind: 'known', memory: same };
    const memory = await editMemory(ctx, userId, same.id, content, sourceMessageId);
    return { kind: 'replaced', memory, previous: same };
  }
  const near = await repo.searchMemories(ctx.db, ctx.memoryIndex, { userId, query: content, limit: 5 }, { nextWeight: 0, prevWeight: 0, sessionWeight: 0 });
  const duplicate = near.find((h) => sameText(h.content, content));
  if (duplicate) return { kind: 'known', memory: duplicate };
  // A statement of change ("… now", "new …", "… changed") whose subject words one memory
  // holds nearly all of, and clearly more than any other, replaces that memory.
  const subject = factSubject(content);
  if (canonicalFact(fact).change && subject) {
    const [top, second] = (await repo.searchMemories(ctx.db, ctx.memoryIndex, { userId, query: subject, limit: 2 }, { nextWeight: 0, prevWeight: 0, sessionWeight: 0 })).filter(
      (h) => h.coverage > 0,
    );
    if (top && top.coverage >= 0.75 && (!second || second.score < 0.8 * top.score)) {
      const memory = await editMemory(ctx, userId, top.id, content, sourceMessageId);
      return { kind: 'replaced', memory, previous: top };
    }
  }
  return { kind: 'stored', memory: await createMemory(ctx, userId, content, sourceMessageId) };
}

/** A deleted account's search index leaves this instance's memory at once (other instances let it age out). */
export const forgetMemoryIndex = (ctx: AppContext, userId: string): void => ctx.memoryIndex.drop(userId);

export const exportMemories = async (ctx: AppContext, userId: string) => (await repo.exportMemories(ctx.db, userId)).map(toMemory);
