// The built-in @mem engine: understands ordinary phrasings without a model and
// calls the same operations as the tools.
import type { MemReplyMetadata } from '@lifeos/contract';
import * as memory from '../../features/memory/memory.service.ts';
import type { MemoryRow } from '../../features/memory/memory.service.ts';
import type { AgentContext, AgentReply, BuiltinRequest } from '../types.ts';
import { formatDay, provenance, quote, sentence, toSecondPerson } from './mem-answer.ts';
import { parseMemIntent, type ForgetTarget, type MemIntent } from './mem-intent.ts';
import {
  candidates,
  DEFAULT_LIST,
  listNewest,
  MAX_LIST,
  proposeForget,
  proposeForgetEverything,
  readState,
  recall,
  remember,
  update,
  writeState,
} from './mem-tools.ts';

export const MEM_HELP = [
  'I keep what you tell me and find it again later. For example:',
  '- "my dentist is Dr. Weiss", "remember that I\'m allergic to penicillin", "note: the wifi password is on the router"',
  '- "what\'s my dentist\'s name?", "what am I allergic to?"',
  '- "what do you know about me?"',
  '- "actually my dentist is Dr. Roth" to correct, "forget my dentist" to delete (you confirm first)',
].join('\n');

const EXAMPLE = '"@mem my dentist is Dr. Weiss"';

function reply(content: string, kind: MemReplyMetadata['kind'], rows: MemoryRow[] = [], extra: Partial<MemReplyMetadata> = {}): AgentReply {
  const meta: MemReplyMetadata = { kind, memories: rows.map(memory.toMemory), ...extra };
  return { content, metadata: { memory: meta } };
}

const numbered = (rows: MemoryRow[]) => rows.map((r, i) => `${i + 1}. ${r.content}`);

async function onRemember(ctx: AgentContext, fact: string): Promise<AgentReply> {
  if (!fact) return reply(`What should I remember? For example: ${EXAMPLE}.`, 'help');
  const outcome = await remember(ctx, fact);
  if (outcome.kind === 'replaced') {
    return reply(`Updated: ${quote(outcome.memory.content)} (before: ${quote(outcome.previous.content)}).`, 'updated', [outcome.memory], {
      previousContent: outcome.previous.content,
    });
  }
  if (outcome.kind === 'known') {
    return reply(`I already knew that: ${quote(outcome.memory.content)} (since ${formatDay(outcome.memory.createdAt, ctx.user.timezone, ctx.now)}).`, 'known', [outcome.memory]);
  }
  return reply(`Got it — I'll remember: ${quote(outcome.memory.content)}.`, 'stored', [outcome.memory]);
}

function updated(previous: MemoryRow, next: MemoryRow): AgentReply {
  return reply(`Updated: ${quote(next.content)} (before: ${quote(previous.content)}).`, 'updated', [next], { previousContent: previous.content });
}

async function onEdit(ctx: AgentContext, intent: Extract<MemIntent, { kind: 'edit' }>): Promise<AgentReply> {
  if (intent.valueOnly) {
    // "no, it's Dr. Roth": the new value for the memory just stored or shown.
    const { lastMemoryId } = await readState(ctx);
    const last = lastMemoryId ? await memory.getMemory(ctx.app, ctx.user.id, lastMemoryId).catch(() => undefined) : undefined;
    const copula = last ? /^(.+?\s(?:is|are|was|were)\s)(.+)$/i.exec(last.content) : null;
    if (!last || !copula) return reply(`Which memory should I change? Say it whole, e.g. "@mem actually my dentist is Dr. Roth".`, 'help');
    const r = await update(ctx, last.id, `${copula[1]}${intent.fact}`);
    return updated(r.previous, r.memory);
  }
  const [same] = await memory.findSameSubject(ctx.app, ctx.user.id, intent.fact);
  if (same) {
    const r = await update(ctx, same.id, intent.fact);
    return updated(r.previous, r.memory);
  }
  // A correction names what it corrects only loosely ("actually I take my coffee with milk"):
  // the closest memory is the one meant, unless another is about as close.
  const hits = (await memory.searchMemories(ctx.app, ctx.user.id, intent.fact, 5)).filter((h) => h.coverage > 0);
  const [top, second] = hits;
  if (top && (!second || second.score < 0.8 * top.score)) {
    const r = await update(ctx, top.id, intent.fact);
    return updated(r.previous, r.memory);
  }
  if (top) {
    const choices = hits.filter((h) => h.score >= 0.8 * top.score);
    await writeState(ctx, { choices: { ids: choices.map((c) => c.id), action: 'edit', fact: intent.fact, asked: true } });
    return reply(
      [`Which one should I change to ${quote(intent.fact)}?`, ...numbered(choices), 'Say "@mem 1" (or the number you mean).'].join('\n'),
      'choose',
      choices,
    );
  }
  const outcome = await remember(ctx, intent.fact);
  return reply(`I had nothing on that yet, so I saved it: ${quote(outcome.memory.content)}.`, 'stored', [outcome.memory]);
}

async function onRecall(ctx: AgentContext, question: string): Promise<AgentReply> {
  const r = await recall(ctx, question);
  const [best, ...rest] = r.answers;
  if (best) {
    const lines = [sentence(toSecondPerson(best.content)), provenance(best, ctx.user.timezone, ctx.now)];
    const also = rest.filter((h) => h.score >= 0.5 * best.score).slice(0, 2);
    if (also.length) lines.push(`Also: ${also.map((h) => quote(h.content)).join('; ')}.`);
    return reply(lines.join('\n'), 'recalled', [best, ...also]);
  }
  if (r.total === 0) {
    return reply(`I don't know yet — you haven't told me anything so far. Tell me things like ${EXAMPLE} and I'll remember them.`, 'not_found');
  }
  const lines = [`I don't know — nothing you've told me answers that.`];
  if (r.closest) lines.push(`The closest I have is ${quote(r.closest.content)}, but it doesn't answer the question.`);
  return reply(lines.join('\n'), 'not_found', r.closest ? [r.closest] : []);
}

async function onList(ctx: AgentContext, all: boolean): Promise<AgentReply> {
  const { total, items } = await listNewest(ctx, all ? MAX_LIST : DEFAULT_LIST);
  if (total === 0) return reply(`I don't know anything about you yet. Tell me things like ${EXAMPLE} and I'll remember them.`, 'listed', [], { total });
  const head = total > items.length ? `I remember ${total} things about you; the ${items.length} newest:` : `I remember ${total === 1 ? 'one thing' : `${total} things`} about you (newest first):`;
  const lines = [head, ...items.map((m, i) => `${i + 1}. ${m.content} (${formatDay(m.createdAt, ctx.user.timezone, ctx.now)})`)];
  if (total > items.length) {
    lines.push(all ? `Open Memories in the app to see the other ${total - items.length}.` : `Say "@mem show all memories" to see all ${total}, or open Memories in the app.`);
  }
  lines.push('Say "@mem forget 2" to delete one of them.');
  await writeState(ctx, { choices: { ids: items.map((m) => m.id), action: 'forget', asked: false } });
  return reply(lines.join('\n'), 'listed', items, { total });
}

async function proposeReply(ctx: AgentContext, ids: string[]): Promise<AgentReply> {
  const { memories } = await proposeForget(ctx, ids);
  const what = memories.length === 1 ? quote(memories[0]!.content) : `these ${memories.length} memories:\n${memories.map((m) => `- ${quote(m.content)}`).join('\n')}\n`;
  return reply(`I'll forget ${what}${memories.length === 1 ? ' ' : ''}once you confirm.`, 'forget_proposed', memories);
}

/** The ids a pick ("2", "the last one", "1 and 3") names in the last numbered list. */
function pick(ids: string[], indexes: number[]): string[] | null {
  const picked = indexes.map((i) => (i === -1 ? ids.at(-1) : ids[i - 1]));
  return picked.every((id): id is string => id !== undefined) ? [...new Set(picked)] : null;
}

const NO_LIST = `I'm not sure which one you mean — tell me what to forget, e.g. "@mem forget my dentist".`;

async function onForget(ctx: AgentContext, target: ForgetTarget): Promise<AgentReply> {
  const state = await readState(ctx);
  switch (target.kind) {
    case 'missing':
      return reply(`What should I forget? For example: "@mem forget my dentist".`, 'help');
    case 'everything': {
      const r = await proposeForgetEverything(ctx);
      if (!r) return reply(`There is nothing to forget — I don't know anything about you yet.`, 'not_found');
      return reply(`I'll forget everything — all ${r.total} ${r.total === 1 ? 'memory' : 'memories'} — once you confirm. This cannot be undone.`, 'forget_proposed');
    }
    case 'last': {
      const last = state.lastMemoryId ? await memory.getMemory(ctx.app, ctx.user.id, state.lastMemoryId).catch(() => undefined) : undefined;
      return last ? proposeReply(ctx, [last.id]) : reply(NO_LIST, 'help');
    }
    case 'choice':
    case 'all-choices': {
      const ids = state.choices ? (target.kind === 'choice' ? pick(state.choices.ids, target.indexes) : state.choices.ids) : null;
      return ids ? proposeReply(ctx, ids) : reply(NO_LIST, 'help');
    }
    case 'text': {
      const found = await candidates(ctx, target.text);
      if (found.length === 0) return reply(`I have nothing about ${quote(target.text)}, so there is nothing to forget.`, 'not_found');
      if (found.length === 1) return proposeReply(ctx, [found[0]!.id]);
      await writeState(ctx, { choices: { ids: found.map((h) => h.id), action: 'forget', asked: true } });
      return reply(
        [
          `${found.length} memories match ${quote(target.text)} — which one should I forget?`,
          ...numbered(found),
          'Say "@mem forget 1", "forget 1 and 2" or "forget all of them".',
        ].join('\n'),
        'choose',
        found,
      );
    }
  }
}

async function onChoose(ctx: AgentContext, indexes: number[]): Promise<AgentReply> {
  const { choices } = await readState(ctx);
  const ids = choices?.asked ? pick(choices.ids, indexes) : null;
  if (!choices?.asked || !ids) {
    return reply(`I'm not sure what that number refers to. To delete one from the list, say "@mem forget 2".`, 'help');
  }
  if (choices.action === 'edit' && choices.fact) {
    const r = await update(ctx, ids[0]!, choices.fact);
    return updated(r.previous, r.memory);
  }
  return proposeReply(ctx, ids);
}

export async function memBuiltin(request: BuiltinRequest, ctx: AgentContext): Promise<AgentReply> {
  const intent = parseMemIntent(request.text);
  switch (intent.kind) {
    case 'help':
      return reply(MEM_HELP, 'help');
    case 'greeting':
      return reply(`Hi! ${MEM_HELP}`, 'help');
    case 'remember':
      return onRemember(ctx, intent.fact);
    case 'edit':
      return onEdit(ctx, intent);
    case 'recall':
      return onRecall(ctx, intent.question);
    case 'list':
      return onList(ctx, intent.all);
    case 'forget':
      return onForget(ctx, intent.target);
    case 'choose':
      return onChoose(ctx, intent.indexes);
  }
}
