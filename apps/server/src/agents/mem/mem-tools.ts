// The @mem tools. Both engines use them: the LLM engine by name, the built-in
// engine by calling the same operations. Forgetting only proposes; the memory
// is deleted when the user confirms.
import * as z from 'zod';
import type { Memory, PendingAction } from '@lifeos/contract';
import { MAX_MEMORY_LENGTH } from '@lifeos/contract';
import * as memory from '../../features/memory/memory.service.ts';
import type { MemorySearchHit, MemoryRow, RememberOutcome } from '../../features/memory/memory.service.ts';
import { HttpError } from '../../http/errors.ts';
import { AgentError, defineTool, type AgentContext } from '../types.ts';
import { quote, RECALL_MIN_COVERAGE, RECALL_MIN_COVERAGE_BEST, recallQuery } from './mem-answer.ts';

export const FORGET_ACTION = 'mem.forget';
export const DEFAULT_LIST = 10;
export const MAX_LIST = 100;
const MAX_CHOICES = 5;

/** What @mem remembers between turns: the memory it last stored or showed, and the last numbered list. */
export interface MemState extends Record<string, unknown> {
  lastMemoryId?: string;
  /** `asked`: @mem asked which one; a bare number then answers it. After a plain listing only "forget 2" does. */
  choices?: { ids: string[]; action: 'forget' | 'edit'; fact?: string; asked: boolean };
}

export const readState = async (ctx: AgentContext): Promise<MemState> => (await ctx.state.get<MemState>()) ?? {};
export const writeState = async (ctx: AgentContext, patch: Partial<MemState>) => ctx.state.set({ ...(await readState(ctx)), ...patch });

function notYours(err: unknown): never {
  if (err instanceof HttpError && err.status === 404) throw new AgentError('there is no such memory (it may have been deleted)');
  throw err;
}

// ---- the operations ----

/** Stores a fact from the user's message (provenance: that message); a newer fact on the same subject replaces the older. */
export async function remember(ctx: AgentContext, fact: string): Promise<RememberOutcome> {
  const outcome = await memory.rememberFact(ctx.app, ctx.user.id, fact, ctx.sourceMessageId);
  await writeState(ctx, { lastMemoryId: outcome.memory.id, choices: undefined });
  return outcome;
}

export interface RecallResult {
  query: string;
  /** Memories that hold enough of the question to answer it, best first. */
  answers: MemorySearchHit[];
  /** The best partial match when none answers it. */
  closest: MemorySearchHit | null;
  total: number;
}

/** Answers a question from memory: only memories that hold enough of it count as answers. */
export async function recall(ctx: AgentContext, question: string, limit = 5): Promise<RecallResult> {
  const query = recallQuery(question);
  const hits = await memory.searchMemories(ctx.app, ctx.user.id, query, Math.max(limit, 5), { optionalWords: await memory.questionVerbs(query) });
  // "which city am I based in?" asks for the one memory of where the user lives, whatever its words.
  const framed = await memory.findForQuestion(ctx.app, ctx.user.id, question);
  const own = [...framed, ...hits.filter((h) => h.coverage > 0 && !framed.some((f) => f.id === h.id))];
  const [best, second] = own;
  const clearBest = best && best.coverage >= RECALL_MIN_COVERAGE_BEST && (!second || second.score < 0.8 * best.score);
  const answers = own.filter((h, i) => h.coverage >= RECALL_MIN_COVERAGE || (i === 0 && clearBest)).slice(0, limit);
  if (answers[0]) await writeState(ctx, { lastMemoryId: answers[0].id });
  return { query, answers, closest: answers.length ? null : (own[0] ?? null), total: await memory.countMemories(ctx.app, ctx.user.id) };
}

export async function listNewest(ctx: AgentContext, limit = DEFAULT_LIST): Promise<{ total: number; items: MemoryRow[] }> {
  const items = await memory.listMemories(ctx.app, ctx.user.id, { limit: Math.min(Math.max(limit, 1), MAX_LIST) });
  return { total: await memory.countMemories(ctx.app, ctx.user.id), items };
}

/** Rewrites one of the user's memories; the provenance moves to the message that corrected it. */
export async function update(ctx: AgentContext, id: string, content: string): Promise<{ memory: MemoryRow; previous: MemoryRow }> {
  const previous = await memory.getMemory(ctx.app, ctx.user.id, id).catch(notYours);
  const updated = await memory.editMemory(ctx.app, ctx.user.id, id, content, ctx.sourceMessageId).catch(notYours);
  await writeState(ctx, { lastMemoryId: id, choices: undefined });
  return { memory: updated, previous };
}

/** The memories a forget or edit request could mean: the best match and those nearly as good. */
export async function candidates(ctx: AgentContext, text: string): Promise<MemorySearchHit[]> {
  const hits = (await memory.searchMemories(ctx.app, ctx.user.id, recallQuery(text), 10)).filter((h) => h.coverage >= RECALL_MIN_COVERAGE);
  const best = hits[0]?.coverage ?? 0;
  return hits.filter((h) => h.coverage >= best - 0.25).slice(0, MAX_CHOICES);
}

export function forgetSummary(rows: Pick<MemoryRow, 'content'>[]): string {
  if (rows.length === 1) return `Forget: ${quote(rows[0]!.content)}`;
  return [`Forget ${rows.length} memories:`, ...rows.map((r) => `- ${quote(r.content)}`)].join('\n');
}

/** Proposes deleting these memories; nothing is deleted until the user confirms. */
export async function proposeForget(ctx: AgentContext, ids: string[]): Promise<{ pendingAction: PendingAction; memories: MemoryRow[] }> {
  const rows = await Promise.all(ids.map((id) => memory.getMemory(ctx.app, ctx.user.id, id).catch(notYours)));
  const pendingAction = await ctx.proposeAction({ kind: FORGET_ACTION, summary: forgetSummary(rows), payload: { ids } });
  await writeState(ctx, { choices: undefined });
  return { pendingAction, memories: rows };
}

/** Proposes deleting every memory of the user. */
export async function proposeForgetEverything(ctx: AgentContext): Promise<{ pendingAction: PendingAction; total: number } | null> {
  const total = await memory.countMemories(ctx.app, ctx.user.id);
  if (total === 0) return null;
  const pendingAction = await ctx.proposeAction({
    kind: FORGET_ACTION,
    summary: `Forget everything: all ${total} ${total === 1 ? 'memory' : 'memories'}`,
    payload: { all: true },
  });
  return { pendingAction, total };
}

// ---- the tools the model sees ----

const asMemory = (m: MemoryRow) => ({ ...memory.toMemory(m) }) satisfies Memory;
const asHit = (h: MemorySearchHit) => ({ ...asMemory(h), coverage: Number(h.coverage.toFixed(2)) });

export const memTools = [
  defineTool({
    name: 'remember',
    description:
      'Store one fact or preference the user told you, in their words without command words ("my dentist is Dr. Weiss"). A fact about the same subject as an older one replaces it; the result says what changed.',
    input: z.object({ fact: z.string().min(1).max(MAX_MEMORY_LENGTH) }),
    async execute(input, ctx) {
      const outcome = await remember(ctx, input.fact);
      return {
        outcome: outcome.kind,
        memory: asMemory(outcome.memory),
        ...(outcome.kind === 'replaced' ? { previousContent: outcome.previous.content } : {}),
      };
    },
  }),
  defineTool({
    name: 'recall',
    description: `Answer a question from memory. "answers" hold enough of the question (coverage >= ${RECALL_MIN_COVERAGE}) to answer it; when it is empty, say you do not know.`,
    input: z.object({ question: z.string().min(1).max(1000), limit: z.number().int().min(1).max(20).default(5) }),
    async execute(input, ctx) {
      const r = await recall(ctx, input.question, input.limit);
      return { answers: r.answers.map(asHit), closest: r.closest ? asHit(r.closest) : null, totalMemories: r.total };
    },
  }),
  defineTool({
    name: 'search_memories',
    description: 'Search the memories, best match first (every word optional, rare words weigh more, typos tolerated). For browsing; use recall to answer a question.',
    input: z.object({ query: z.string().min(1).max(1000), limit: z.number().int().min(1).max(MAX_LIST).default(10) }),
    async execute(input, ctx) {
      return { memories: (await memory.searchMemories(ctx.app, ctx.user.id, input.query, input.limit)).map(asHit) };
    },
  }),
  defineTool({
    name: 'list_memories',
    description: 'The newest memories with the total count. Use for "what do you know about me?".',
    input: z.object({ limit: z.number().int().min(1).max(MAX_LIST).default(DEFAULT_LIST) }),
    async execute(input, ctx) {
      const r = await listNewest(ctx, input.limit);
      return { total: r.total, memories: r.items.map(asMemory) };
    },
  }),
  defineTool({
    name: 'update_memory',
    description: 'Replace the content of one memory (by id, from recall/search/list) with the corrected fact.',
    input: z.object({ id: z.uuid(), content: z.string().min(1).max(MAX_MEMORY_LENGTH) }),
    async execute(input, ctx) {
      const r = await update(ctx, input.id, input.content);
      return { memory: asMemory(r.memory), previousContent: r.previous.content };
    },
  }),
  defineTool({
    name: 'forget',
    description:
      'Propose deleting memories: by ids, or by a description ("my dentist"). With a description that matches several memories nothing is proposed; the candidates come back so you can ask which. The user confirms before anything is deleted.',
    input: z
      .object({ ids: z.array(z.uuid()).min(1).max(MAX_CHOICES).optional(), description: z.string().min(1).max(1000).optional() })
      .refine((v) => v.ids || v.description, { message: 'Give ids or a description' }),
    async execute(input, ctx) {
      let ids = input.ids;
      if (!ids) {
        const found = await candidates(ctx, input.description!);
        if (found.length !== 1) return { proposed: false, candidates: found.map(asHit) };
        ids = [found[0]!.id];
      }
      const r = await proposeForget(ctx, ids);
      return { proposed: true, pendingAction: r.pendingAction, memories: r.memories.map(asMemory) };
    },
  }),
];
