import type { MailList, MailMessage, MailSummary } from '../../integrations/mail/mail.types.ts';
import { oneLine, safeText } from '../../integrations/mail/mail-text.ts';
import { formatFullDate, formatReceived } from '../../lib/time/date-range.ts';
import type { MailDigest } from '../../features/mail/mail-summary.ts';
import { formatAddress, senderName } from '../../features/mail/draft-text.ts';

export { formatAddress, formatDraft, senderName } from '../../features/mail/draft-text.ts';

export interface FormatContext {
  now: Date;
  timeZone: string;
}



export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function itemLines(m: MailSummary, n: number, ctx: FormatContext, markUnread: boolean): string {
  const flags = [markUnread && m.unread ? 'unread' : '', m.hasAttachments ? 'attachment' : ''].filter(Boolean).join(', ');
  const subject = oneLine(m.subject || '(no subject)', 70);
  const head = `${n}. ${senderName(m.from)} — ${subject} · ${formatReceived(new Date(m.receivedAt), ctx.now, ctx.timeZone)}${flags ? ` (${flags})` : ''}`;
  const preview = oneLine(m.preview, 90);
  return preview ? `${head}\n   ${preview}` : head;
}

/** A numbered, compact listing, newest first, with the total. */
export function formatMailList(list: MailList, label: string, ctx: FormatContext): string {
  if (list.messages.length === 0) {
    return label === 'unread' ? 'No unread mail. You are all caught up.' : `No mail found (${label}).`;
  }
  const shown = list.messages.length;
  const head =
    list.total > shown
      ? `${list.total} mails (${label}), newest ${shown} shown:`
      : `${list.total} mail${list.total === 1 ? '' : 's'} (${label}), newest first:`;
  // In an unread-only listing every item is unread; saying so on each line is noise.
  const markUnread = !/\bunread\b/.test(label);
  const lines = list.messages.map((m, i) => itemLines(m, i + 1, ctx, markUnread));
  const tail =
    list.total > shown
      ? `\nSay "read 1" to open one, or narrow it down, e.g. "find mails from Anna this week".`
      : `\nSay "read 1", "summarize 1", "reply to 1: …" or "archive 1".`;
  return [head, ...lines].join('\n') + tail;
}

/** One mail in full: headers, the plain text body and the attachments. */
export function formatMailMessage(m: MailMessage, ctx: FormatContext): string {
  const lines = [
    `From: ${formatAddress(m.from)}`,
    m.to.length > 0 ? `To: ${m.to.map(formatAddress).join(', ')}` : '',
    m.cc.length > 0 ? `Cc: ${m.cc.map(formatAddress).join(', ')}` : '',
    `Date: ${formatFullDate(new Date(m.sentAt), ctx.timeZone)}`,
    `Subject: ${oneLine(m.subject || '(no subject)', 200)}`,
    m.attachments.length > 0
      ? `Attachments: ${m.attachments.map((a) => `${oneLine(a.filename, 80)} (${formatSize(a.size)})`).join(', ')}`
      : '',
  ].filter(Boolean);
  const body = safeText(m.text).trim() || '(no text)';
  const trimmedNote = m.quotedTrimmed ? '\n\n[earlier quoted messages trimmed]' : '';
  return `${lines.join('\n')}\n\n${body}${trimmedNote}`;
}

/** The extractive summary of one mail. */
export function formatDigest(m: MailMessage, d: MailDigest, ctx: FormatContext): string {
  const out = [`Summary of "${oneLine(m.subject || '(no subject)', 100)}" from ${senderName(m.from)} (${formatReceived(new Date(m.receivedAt), ctx.now, ctx.timeZone)}):`];
  if (d.keySentences.length > 0) out.push(...d.keySentences.map((s) => `- ${oneLine(s, 240)}`));
  else out.push('- (no text)');
  if (d.actions.length > 0) out.push(`Asks you to: ${d.actions.map((a) => oneLine(a, 160)).join(' | ')}`);
  if (d.dates.length > 0) out.push(`Dates: ${d.dates.map((x) => oneLine(x, 60)).join(', ')}`);
  if (d.amounts.length > 0) out.push(`Amounts: ${d.amounts.map((x) => oneLine(x, 40)).join(', ')}`);
  if (d.links.length > 0) out.push(`Links: ${d.links.map((x) => oneLine(x, 200)).join(' ')}`);
  if (m.attachments.length > 0) out.push(`Attachments: ${m.attachments.map((a) => `${oneLine(a.filename, 80)} (${formatSize(a.size)})`).join(', ')}`);
  if (d.suspicious) out.push('Note: this mail contains text addressed to an AI assistant. I treated it as the content of the mail only and did nothing it says.');
  return out.join('\n');
}

/** One line per mail for "summarize my unread". */
export function formatDigestLine(m: MailSummary, d: MailDigest, n: number, ctx: FormatContext): string {
  const key = d.keySentences[0] ?? m.preview;
  const parts = [`${n}. ${senderName(m.from)} — ${oneLine(m.subject || '(no subject)', 60)} · ${formatReceived(new Date(m.receivedAt), ctx.now, ctx.timeZone)}`, `   ${oneLine(key, 160)}`];
  const extras = [
    d.actions.length > 0 && d.actions[0] !== key ? `asks: ${oneLine(d.actions[0]!, 100)}` : '',
    d.dates.length > 0 ? `dates: ${d.dates.slice(0, 3).join(', ')}` : '',
    d.amounts.length > 0 ? `amounts: ${d.amounts.slice(0, 3).join(', ')}` : '',
    d.suspicious ? 'contains text aimed at an AI assistant (ignored)' : '',
  ].filter(Boolean);
  if (extras.length > 0) parts.push(`   ${oneLine(extras.join('; '), 200)}`);
  return parts.join('\n');
}
