import * as z from 'zod';
import { IsoDateTime, nonBlank, Uuid } from './common.ts';

export const AgentName = z.enum(['@mail', '@cal', '@mem']).meta({ id: 'AgentName' });
export type AgentName = z.infer<typeof AgentName>;

export const PendingAction = z
  .object({ id: Uuid, kind: z.string(), summary: z.string(), expiresAt: IsoDateTime })
  .meta({ id: 'PendingAction' });
export type PendingAction = z.infer<typeof PendingAction>;

export const Message = z
  .object({
    id: Uuid,
    role: z.enum(['user', 'assistant']),
    content: z.string(),
    agentName: AgentName.nullable(),
    metadata: z.record(z.string(), z.unknown()).nullable(),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
  })
  .meta({ id: 'Message' });
export type Message = z.infer<typeof Message>;

export const MAX_MESSAGE_LENGTH = 10_000;

export const PostMessageBody = z.object({
  content: nonBlank(MAX_MESSAGE_LENGTH),
  clientId: Uuid.optional(),
});
export type PostMessageBody = z.infer<typeof PostMessageBody>;

export const MessagePair = z.object({ message: Message, reply: Message }).meta({ id: 'MessagePair' });
export type MessagePair = z.infer<typeof MessagePair>;

export const ListMessagesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  before: z.string().min(1).max(200).optional(),
  agent: z
    .string()
    .transform((a) => (a.startsWith('@') ? a : `@${a}`))
    .pipe(AgentName)
    .optional(),
  /** Search: only the messages matching these words (newest first); an empty `q` is a 400. */
  q: z.string().trim().min(1, 'Type something to search for').max(500).optional(),
});
export type ListMessagesQuery = z.infer<typeof ListMessagesQuery>;

export const MessagePage = z.object({ messages: z.array(Message), nextCursor: z.string().nullable() });
export type MessagePage = z.infer<typeof MessagePage>;

/** `data` of the SSE event `message.delta`: a chunk of a reply still being written. */
export const MessageDelta = z.object({ messageId: Uuid, agentName: AgentName.nullable(), delta: z.string() });
export type MessageDelta = z.infer<typeof MessageDelta>;

/** `data` of the SSE event `message.deleted`: that message is gone from every device. */
export const MessageDeleted = z.object({ id: Uuid });
export type MessageDeleted = z.infer<typeof MessageDeleted>;

/** Finds the agent a message is addressed to: the first whole-word @mail, @cal or @mem. */
export function routeMention(content: string): AgentName | null {
  const match = /(?<![\w.@+-])@(mail|cal|mem)(?![\w@-]|\.\w)/i.exec(content);
  return match ? (`@${match[1]!.toLowerCase()}` as AgentName) : null;
}
