// Runs a confirmed `mail.send`: the draft exactly as the user saw it, through
// the mailbox it was drafted for. A forward fetches its original again here.
import * as z from 'zod';
import { AgentError, type AgentContext, type AgentReply } from '../types.ts';
import { sendDraft } from '../../features/mail/mail.service.ts';

const Address = z.object({ name: z.string(), address: z.string() });
const SendPayload = z.object({
  connectionId: z.uuid(),
  mode: z.enum(['new', 'reply', 'forward']),
  draft: z.object({
    to: z.array(Address).min(1),
    cc: z.array(Address),
    subject: z.string(),
    text: z.string(),
    inReplyTo: z.string().nullable().optional(),
    references: z.array(z.string()).optional(),
    threadId: z.string().nullable().optional(),
  }),
  forwardOf: z.object({ id: z.string(), filename: z.string() }).optional(),
});

export async function sendMailAction(payload: Record<string, unknown>, ctx: AgentContext): Promise<AgentReply> {
  const parsed = SendPayload.safeParse(payload);
  if (!parsed.success) throw new AgentError('this draft is damaged and was not sent; please write it again');
  const { connectionId, mode, draft, forwardOf } = parsed.data;
  const sent = await sendDraft(ctx, { connectionId, mode, draft, forwardOf });
  const to = [...draft.to, ...draft.cc].map((a) => a.address);
  const what = mode === 'reply' ? 'Reply sent' : mode === 'forward' ? 'Forwarded' : 'Sent';
  const rejected = sent.rejected.length > 0 ? `\nThe server refused: ${sent.rejected.join(', ')}.` : '';
  return {
    content: `${what} to ${to.join(', ')} — "${draft.subject}".\nMessage-ID: ${sent.messageId}${rejected}`,
    metadata: { mail: { kind: 'sent', messageId: sent.messageId, to } },
  };
}
