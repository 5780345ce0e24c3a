import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { MailAddress, MailAttachment, MailMessage } from './mail.types.ts';
import { bodyAsText, previewOf, trimQuotedHistory } from './mail-text.ts';

function addresses(obj: AddressObject | AddressObject[] | undefined): MailAddress[] {
  if (!obj) return [];
  const list = Array.isArray(obj) ? obj : [obj];
  const out: MailAddress[] = [];
  for (const o of list) {
    for (const v of o.value) {
      if (v.address) out.push({ name: v.name ?? '', address: v.address });
      // Group syntax: members are nested.
      for (const g of v.group ?? []) if (g.address) out.push({ name: g.name ?? '', address: g.address });
    }
  }
  return out;
}

function referencesOf(parsed: ParsedMail): string[] {
  const r = parsed.references;
  if (!r) return [];
  return (Array.isArray(r) ? r : r.split(/\s+/)).filter((x) => x.length > 0);
}

function attachmentsOf(parsed: ParsedMail): MailAttachment[] {
  return parsed.attachments
    .filter((a) => a.contentDisposition === 'attachment' || (a.filename && !a.related))
    .map((a) => ({ filename: a.filename ?? 'unnamed', size: a.size, contentType: a.contentType }));
}

/** A full message from its raw source; `id`, `receivedAt` and `unread` come from the mailbox. */
export async function parseRawMessage(
  raw: Buffer | string,
  meta: { id: string; receivedAt: Date; unread: boolean },
): Promise<MailMessage> {
  const parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true });
  const body = bodyAsText(parsed.text, parsed.html);
  const trimmed = trimQuotedHistory(body);
  const from = addresses(parsed.from)[0] ?? { name: '', address: '' };
  const attachments = attachmentsOf(parsed);
  return {
    id: meta.id,
    from,
    subject: parsed.subject ?? '',
    receivedAt: meta.receivedAt.toISOString(),
    sentAt: (parsed.date ?? meta.receivedAt).toISOString(),
    unread: meta.unread,
    preview: previewOf(trimmed.text),
    hasAttachments: attachments.length > 0,
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    replyTo: addresses(parsed.replyTo),
    messageId: parsed.messageId ?? null,
    inReplyTo: parsed.inReplyTo ?? null,
    references: referencesOf(parsed),
    text: trimmed.text,
    quotedTrimmed: trimmed.trimmed,
    attachments,
  };
}
