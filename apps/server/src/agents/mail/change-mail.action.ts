// Runs a confirmed `mail.archive` or `mail.mark`: the one mail the user saw in
// the proposal, in the mailbox it was proposed for.
import * as z from 'zod';
import { AgentError, type AgentContext, type AgentReply } from '../types.ts';
import { senderName } from './mail-format.ts';
import { archiveById, markById } from '../../features/mail/mail.service.ts';

const Target = z.object({
  connectionId: z.uuid(),
  id: z.string().min(1),
  subject: z.string(),
  from: z.object({ name: z.string(), address: z.string() }),
});
const MarkPayload = Target.extend({ read: z.boolean() });

const parse = <T extends z.ZodType>(schema: T, payload: Record<string, unknown>): z.output<T> => {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw new AgentError('this request is damaged and nothing was changed; please ask again');
  return parsed.data;
};

export async function archiveMailAction(payload: Record<string, unknown>, ctx: AgentContext): Promise<AgentReply> {
  const { connectionId, id, subject, from } = parse(Target, payload);
  await archiveById(ctx, connectionId, id);
  return { content: `Archived "${subject}" from ${senderName(from)}. It is out of the inbox and kept in the archive.` };
}

export async function markMailAction(payload: Record<string, unknown>, ctx: AgentContext): Promise<AgentReply> {
  const { connectionId, id, read, subject, from } = parse(MarkPayload, payload);
  await markById(ctx, connectionId, id, read);
  return { content: `Marked "${subject}" from ${senderName(from)} as ${read ? 'read' : 'unread'}.` };
}
