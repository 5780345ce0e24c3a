import * as z from 'zod';
import { IsoDateTime } from './common.ts';

// What @mail puts into `Message.metadata.mail`, so clients can show mail as
// structured data. Everything here is the mail's own (untrusted) text: render it
// as plain text, never as HTML or markdown.

export const MailAddress = z.object({ name: z.string(), address: z.string() }).meta({ id: 'MailAddress' });

export const MailListItem = z
  .object({
    /** The number to use in "read 2", "reply to 2: …". */
    index: z.number().int().min(1),
    from: MailAddress,
    subject: z.string(),
    receivedAt: IsoDateTime,
    unread: z.boolean(),
    preview: z.string(),
    hasAttachments: z.boolean(),
  })
  .meta({ id: 'MailListItem' });
export type MailListItem = z.infer<typeof MailListItem>;

export const MailListMetadata = z.object({
  kind: z.literal('list'),
  label: z.string(),
  total: z.number().int().min(0),
  items: z.array(MailListItem),
});

export const MailDraftMetadata = z.object({
  kind: z.literal('draft'),
  mode: z.enum(['new', 'reply', 'forward']),
  from: z.string(),
  to: z.array(MailAddress),
  cc: z.array(MailAddress),
  subject: z.string(),
  body: z.string(),
});

export const MailSentMetadata = z.object({ kind: z.literal('sent'), messageId: z.string(), to: z.array(z.string()) });

export const MailMetadata = z.discriminatedUnion('kind', [MailListMetadata, MailDraftMetadata, MailSentMetadata]).meta({ id: 'MailMetadata' });
export type MailMetadata = z.infer<typeof MailMetadata>;
