import { randomUUID } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { MailAddress, MailDraft, MailMessage } from './mail.types.ts';

export interface ComposedMail {
  raw: Buffer;
  messageId: string;
  envelope: { from: string; to: string[] };
}

const formatAddress = (a: MailAddress) => ({ name: a.name, address: a.address });

/** The domain part of an address, for Message-IDs that look like the sender's own. */
function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  const domain = at >= 0 ? address.slice(at + 1) : '';
  return /^[A-Za-z0-9.-]+$/.test(domain) && domain.length > 0 ? domain : 'localhost';
}

/** Builds the RFC 5322 message for a draft, with our own Message-ID so the report can name it. */
export async function composeMail(from: MailAddress, draft: MailDraft): Promise<ComposedMail> {
  const messageId = `<${randomUUID()}@${domainOf(from.address)}>`;
  const references = draft.references?.filter((r) => r.length > 0) ?? [];
  const composer = new MailComposer({
    from: formatAddress(from),
    to: draft.to.map(formatAddress),
    cc: draft.cc.length > 0 ? draft.cc.map(formatAddress) : undefined,
    subject: draft.subject,
    text: draft.text,
    messageId,
    date: new Date(),
    inReplyTo: draft.inReplyTo ?? undefined,
    references: references.length > 0 ? references : undefined,
    attachments: draft.forwardedRaw
      ? [{ filename: draft.forwardedRaw.filename, content: draft.forwardedRaw.raw, contentType: 'message/rfc822', contentDisposition: 'attachment' }]
      : undefined,
  });
  const raw = await composer.compile().build();
  return {
    raw,
    messageId,
    envelope: { from: from.address, to: [...draft.to, ...draft.cc].map((a) => a.address) },
  };
}

/** "Re: " once, however many the original had (also "RE:", "Re[2]:"). */
export function replySubject(subject: string): string {
  const bare = subject.replace(/^\s*((re|aw|sv)(\[\d+\])?\s*:\s*)+/i, '').trim();
  return `Re: ${bare}`;
}

export function forwardSubject(subject: string): string {
  const bare = subject.replace(/^\s*((fwd?|wg)\s*:\s*)+/i, '').trim();
  return `Fwd: ${bare}`;
}

// Long threads: RFC 5322 asks to keep the first and the last ids when trimming References.
const MAX_REFERENCES = 20;

/** The threading headers of a reply to `original`. */
export function replyThreading(original: Pick<MailMessage, 'messageId' | 'references' | 'inReplyTo'>): {
  inReplyTo: string | null;
  references: string[];
} {
  const refs = [...original.references];
  if (refs.length === 0 && original.inReplyTo) refs.push(original.inReplyTo);
  if (original.messageId) refs.push(original.messageId);
  const unique = refs.filter((r, i) => refs.indexOf(r) === i);
  const trimmed = unique.length > MAX_REFERENCES ? [unique[0]!, ...unique.slice(-(MAX_REFERENCES - 1))] : unique;
  return { inReplyTo: original.messageId, references: trimmed };
}

/** Quotes the original below a reply, as mail clients do. */
export function quoteForReply(original: Pick<MailMessage, 'from' | 'sentAt' | 'text'>): string {
  const who = original.from.name ? `${original.from.name} <${original.from.address}>` : original.from.address;
  const when = new Date(original.sentAt).toUTCString();
  const quoted = original.text
    .split('\n')
    .map((l) => (l.length > 0 ? `> ${l}` : '>'))
    .join('\n');
  return `On ${when}, ${who} wrote:\n${quoted}`;
}

/** The inline part of a forward: a short header block and the original text. */
export function forwardBody(note: string, original: Pick<MailMessage, 'from' | 'sentAt' | 'subject' | 'to' | 'text'>): string {
  const fmt = (a: MailAddress) => (a.name ? `${a.name} <${a.address}>` : a.address);
  const header = [
    '---------- Forwarded message ---------',
    `From: ${fmt(original.from)}`,
    `Date: ${new Date(original.sentAt).toUTCString()}`,
    `Subject: ${original.subject}`,
    `To: ${original.to.map(fmt).join(', ')}`,
  ].join('\n');
  return `${note.trim().length > 0 ? `${note.trim()}\n\n` : ''}${header}\n\n${original.text}`;
}
