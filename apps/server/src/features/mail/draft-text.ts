// The words of a mail draft as the user confirms it, and of a sender: part of
// the proposal the mail service stores, so the agents show the same text.
import type { MailAddress, MailDraft } from '../../integrations/mail/mail.types.ts';
import { oneLine, safeText } from '../../integrations/mail/mail-text.ts';

/** A sender as a person reads it: the name, else the address. Untrusted, so one bounded line. */
export function senderName(a: MailAddress): string {
  return oneLine(a.name || a.address || '(unknown sender)', 40);
}

export function formatAddress(a: MailAddress): string {
  const name = oneLine(a.name, 60);
  return name ? `${name} <${oneLine(a.address, 254)}>` : oneLine(a.address, 254);
}

/** A draft shown in full before anything is sent. */
export function formatDraft(kind: 'reply' | 'new' | 'forward', draft: MailDraft, from: string): string {
  const title = kind === 'reply' ? 'Reply' : kind === 'forward' ? 'Forward' : 'New mail';
  const lines = [
    `${title} — draft, not sent yet:`,
    `From: ${from}`,
    `To: ${draft.to.map(formatAddress).join(', ')}`,
    `Cc: ${draft.cc.length > 0 ? draft.cc.map(formatAddress).join(', ') : '(none)'}`,
    `Subject: ${oneLine(draft.subject, 200)}`,
  ];
  if (draft.inReplyTo) lines.push(`In-Reply-To: ${oneLine(draft.inReplyTo, 200)}`);
  if (draft.forwardedRaw) lines.push(`Attached: ${oneLine(draft.forwardedRaw.filename, 100)} (the original mail)`);
  return `${lines.join('\n')}\n\n${safeText(draft.text)}\n\nConfirm to send it, or cancel.`;
}
