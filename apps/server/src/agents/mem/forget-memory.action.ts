// Runs a confirmed `mem.forget`: deletes the memories it names (only the user's own).
import * as z from 'zod';
import { deleteAllMemories, deleteMemory, getMemory } from '../../features/memory/memory.service.ts';
import { AgentError, type AgentContext, type AgentReply } from '../types.ts';
import { quote } from './mem-answer.ts';
import { readState, writeState } from './mem-tools.ts';

const ForgetPayload = z.union([z.object({ ids: z.array(z.uuid()).min(1) }), z.object({ all: z.literal(true) })]);

export async function forgetMemoryAction(payload: Record<string, unknown>, ctx: AgentContext): Promise<AgentReply> {
  const parsed = ForgetPayload.safeParse(payload);
  if (!parsed.success) throw new AgentError('this request is damaged; nothing was deleted — please ask again');
  const userId = ctx.user.id;
  if ('all' in parsed.data) {
    const total = await deleteAllMemories(ctx.app, userId);
    await writeState(ctx, { lastMemoryId: undefined, choices: undefined });
    return { content: `Done — I forgot everything (${total} ${total === 1 ? 'memory' : 'memories'}).`, metadata: { memory: { kind: 'forgotten', memories: [] } } };
  }
  const forgotten: string[] = [];
  let gone = 0;
  for (const id of parsed.data.ids) {
    const row = await getMemory(ctx.app, userId, id).catch(() => undefined);
    if (!row) {
      gone++;
      continue;
    }
    await deleteMemory(ctx.app, userId, id).catch(() => gone++);
    forgotten.push(row.content);
  }
  const state = await readState(ctx);
  if (state.lastMemoryId && parsed.data.ids.includes(state.lastMemoryId)) await writeState(ctx, { lastMemoryId: undefined });
  const lines = forgotten.length === 1 ? [`Forgotten: ${quote(forgotten[0]!)}.`] : forgotten.length ? [`Forgotten ${forgotten.length} memories:`, ...forgotten.map((c) => `- ${quote(c)}`)] : [];
  if (gone) lines.push(forgotten.length ? `(${gone} had already been deleted.)` : 'That memory had already been deleted.');
  return { content: lines.join('\n'), metadata: { memory: { kind: 'forgotten', memories: [] } } };
}
