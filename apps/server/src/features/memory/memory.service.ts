// Use cases of the memory store, shared by the REST routes and the @mem tools.
// Every call names the user; the repository scopes each statement by it.
import type { Memory } from '@lifeos/contract';
import type { AppContext } from '../../context.ts';
import { notFound } from '../../http/errors.ts';
import { logEvent } from '../../lib/events.ts';
import { factSubject } from './memory-facts.ts';
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
  if (options.q) return repo.searchMemories(ctx.db, { userId, query: options.q, limit: options.limit });
  return repo.listMemories(ctx.db, userId, options.limit);
}

export async function searchMemories(ctx: AppContext, userId: string, query: string, limit = 10): Promise<repo.MemorySearchHit[]> {
  return repo.searchMemories(ctx.db, { userId, query, limit });
}

export const countMemories = (ctx: AppContext, userId: string) => repo.countMemories(ctx.db, userId);

export async function getMemory(ctx: AppContext, userId: string, id: string): Promise<repo.MemoryRow> {
  const row = await repo.findMemory(ctx.db, userId, id);
  if (!row) throw notFound('Memory');
  return row;
}

export async function createMemory(ctx: AppContext, userId: string, content: string, sourceMessageId: string | null = null): Promise<repo.MemoryRow> {
  const row = await repo.insertMemory(ctx.db, { userId, content: content.trim(), sourceMessageId });
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
  const row = await repo.updateMemory(ctx.db, { userId, id, content: content.trim(), ...(sourceMessageId !== undefined ? { sourceMessageId } : {}) });
  if (!row) throw notFound('Memory');
  logEvent(ctx, 'memory.updated', { userId, memoryId: id });
  return row;
}

export async function deleteMemory(ctx: AppContext, userId: string, id: string): Promise<void> {
  if (!(await repo.deleteMemory(ctx.db, userId, id))) throw notFound('Memory');
  logEvent(ctx, 'memory.deleted', { userId, memoryId: id });
}

export async function deleteAllMemories(ctx: AppContext, userId: string): Promise<number> {
  const n = await repo.deleteAllMemories(ctx.db, userId);
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
  const hits = await repo.searchMemories(ctx.db, { userId, query: subject, limit: 20 }, { nextWeight: 0, prevWeight: 0 });
  return hits.filter((h) => factSubject(h.content) === subject);
}

/**
 * Stores a fact. A fact already known is not stored twice; a fact about the same
 * subject as an older one replaces it (knowledge update), and the outcome says what it was.
 */
export async function rememberFact(ctx: AppContext, userId: string, fact: string, sourceMessageId: string | null): Promise<RememberOutcome> {
  const content = fact.trim();
  const [same] = await findSameSubject(ctx, userId, content);
  if (same) {
    if (sameText(same.content, content)) return { kind: 'known', memory: same };
    const memory = await editMemory(ctx, userId, same.id, content, sourceMessageId);
    return { kind: 'replaced', memory, previous: same };
  }
  const near = await repo.searchMemories(ctx.db, { userId, query: content, limit: 5 }, { nextWeight: 0, prevWeight: 0 });
  const duplicate = near.find((h) => sameText(h.content, content));
  if (duplicate) return { kind: 'known', memory: duplicate };
  return { kind: 'stored', memory: await createMemory(ctx, userId, content, sourceMessageId) };
}

export const exportMemories = async (ctx: AppContext, userId: string) => (await repo.exportMemories(ctx.db, userId)).map(toMemory);
