// The built-in @mail engine: understands ordinary phrasings without a model and
// calls the same operations as the tools. Only the user's words are parsed;
// mail content is formatted as data and never steers what happens.
import type { MailListItem } from '@lifeos/contract';
import { findMailConnection } from '../../features/connections/mailboxes.ts';
import type { AgentContext, AgentReply, BuiltinRequest } from '../types.ts';
import { parseAddressList, parseMailIntent, parseNaturalQuery } from './mail-intent.ts';
import { DomainError } from '../../lib/errors.ts';
import type { ChosenIntent } from '../intents.ts';
import { MAIL_REF_PLACEHOLDER } from './mail.intents.ts';
import { aboutSender, countMail, fromSender, mailReferent, newsletters, topicQuestion } from './mail-questions.ts';
import { formatDigest, formatDigestLine, formatMailList, formatMailMessage, senderName, type FormatContext } from './mail-format.ts';
import { CONNECT_HELP } from '../../features/mail/mail.service.ts';
import {
  archiveMail,
  draftForward,
  draftNew,
  draftReply,
  listMail,
  markMail,
  readMail,
  summarizeList,
  summarizeMail,
  type DraftResult,
  type ListResult,
  type ReadResult,
} from '../../features/mail/mail.service.ts';

export const MAIL_HELP = [
  'I can work your mailbox. For example:',
  '- "anything new?", "show unread", "what came in today", "unread from Anna"',
  '- "find the invoice from Hetzner", "mails about the lease from last month", "from:bank subject:statement"',
  '- "read 2", "open the one from Anna", "summarize 1", "summarize my unread"',
  '- "reply to 2: thanks, Thursday works", "write to jo@example.com subject Dinner: are you free Friday?", "forward 3 to anna@example.com"',
  '- "mark 2 as read", "archive 1"',
  'Nothing is sent until you confirm the draft.',
].join('\n');

function listMetadata(r: ListResult): { mail: { kind: 'list'; label: string; total: number; items: MailListItem[] } } {
  return {
    mail: {
      kind: 'list',
      label: r.label,
      total: r.total,
      items: r.items.map((m) => ({
        index: m.index,
        from: m.from,
        subject: m.subject,
        receivedAt: m.receivedAt,
        unread: m.unread,
        preview: m.preview,
        hasAttachments: m.hasAttachments,
      })),
    },
  };
}

function draftReply_(r: DraftResult): AgentReply {
  return {
    content: r.summary,
    metadata: {
      mail: { kind: 'draft', mode: r.mode, from: r.from, to: r.draft.to, cc: r.draft.cc, subject: r.draft.subject, body: r.draft.text },
    },
  };
}

const label = (index: number | null, subject: string) => (index ? `mail ${index} ("${subject}")` : `"${subject}"`);

/** Rows of mail.intents.ts that answer questions the command parser does not read. */
async function byIntent(ctx: AgentContext, intent: ChosenIntent, fmt: FormatContext): Promise<AgentReply | null> {
  const d = intent.data ?? {};
  switch (intent.name) {
    case 'count':
      return countMail(ctx, String(d.text ?? ''));
    case 'from_sender':
      if (typeof d.refId === 'string') return readReply(ctx, await readMail(ctx, { kind: 'id', id: d.refId }), fmt);
      return typeof d.sender === 'string' ? fromSender(ctx, d.sender) : null;
    case 'about_sender':
      if (typeof d.refId === 'string') {
        const r = await summarizeMail(ctx, { kind: 'id', id: d.refId });
        return { content: formatDigest(r.message, r.digest, fmt) };
      }
      return typeof d.sender === 'string' ? aboutSender(ctx, d.sender) : null;
    case 'who_wrote':
      return whoWrote(ctx, String(d.text ?? ''));
    case 'new_mail':
      return whoWrote(ctx, String(d.text ?? ''), true);
    case 'latest':
      return latestMail(ctx, fmt);
    case 'newsletters':
      return newsletters(ctx);
    case 'shipping':
    case 'booking':
      return topicQuestion(ctx, intent.name, String(d.words ?? ''));
    case 'followup': {
      // "reply to her: …", "read it", "what was it about?", "archive the second one": the mail shown last.
      const id = String(d.refId);
      const text = String(d.text).replace(new RegExp(`\\b${MAIL_REF_PLACEHOLDER}\\b`), 'REF').trim();
      // A position in the last listing keeps "Mail 2" in the reply; the id is the fallback.
      const target = typeof d.position === 'number' && d.how !== 'pronoun' ? { kind: 'index' as const, index: d.position } : { kind: 'id' as const, id };
      const replyTo = /^(?:reply|respond|answer|write\s+back)\s+(?:to\s+)?REF\s*(?::|\s-\s|\bsaying\b|\bwith\b|\bthat\b)\s*([\s\S]+)$/i.exec(text);
      if (replyTo) return draftReply_(await draftReply(ctx, target, replyTo[1]!.trim()));
      if (/^(?:reply|respond|answer|write\s+back)\b/i.test(text)) return { content: `What should the reply to ${String(d.refLabel)} say? For example "reply to her: thanks, Thursday works".` };
      if (/^(?:summari[sz]e|sum\s+up|what\s+(?:was|is)\s+REF\s+about|what\s+did\s+REF\s+say)\b/i.test(text)) {
        const r = await summarizeMail(ctx, target);
        return { content: formatDigest(r.message, r.digest, fmt) };
      }
      const forward = /^(?:forward|fwd|fw|pass\s+on|send\s+on)\s+REF\s+to\s+(.+?)(?:\s*(?::|\bsaying\b|\bwith the note\b|\bwith\b)\s*([\s\S]+))?$/i.exec(text);
      if (forward) {
        const { addresses, unresolved } = parseAddressList(forward[1]!);
        if (unresolved.length > 0 || addresses.length === 0) return { content: `I need an email address for ${unresolved.join(', ') || 'the recipient'}, for example "forward it to anna@example.com".` };
        return draftReply_(await draftForward(ctx, target, addresses, (forward[2] ?? '').trim()));
      }
      if (/^(?:archive|delete|remove|trash|bin|get\s+rid\s+of)\b/i.test(text)) {
        // Mail is never deleted from here: "delete it" archives it, which can be undone in the mailbox.
        const r = await archiveMail(ctx, target);
        return { content: `Archived "${r.subject}" from ${senderName(r.from)}. It is out of the inbox and kept in the archive.` };
      }
      const mark = /^mark\s+REF\s+(?:as\s+)?(read|unread|seen|unseen|new|done)$/i.exec(text);
      if (mark) {
        const r = await markMail(ctx, target, /^(read|seen|done)$/i.test(mark[1]!));
        return { content: `Marked "${r.subject}" from ${senderName(r.from)} as ${/^(read|seen|done)$/i.test(mark[1]!) ? 'read' : 'unread'}.` };
      }
      if (/^who\s+sent\b/i.test(text)) {
        const r = await readMail(ctx, target);
        return { content: `${senderName(r.message.from)} <${r.message.from.address}> sent “${r.message.subject}”.` };
      }
      if (/^(?:read|open|show)\b/i.test(text)) return readReply(ctx, await readMail(ctx, target), fmt);
      return null;
    }
  }
  return null;
}

/** "who emailed me today?", "any new mail?": the listing of that period (unread when asked for what is new). */
async function whoWrote(ctx: AgentContext, text: string, unread = false): Promise<AgentReply> {
  const { query, label } = parseNaturalQuery(text.replace(/^(?:who|did|has)\s+\S+\s+\S+(?:\s+to\b)?(?:\s+me\b)?/i, ' '), fmt(ctx));
  delete query.text;
  if (unread) query.unread = true;
  const name = [unread ? 'unread' : '', label].filter(Boolean).join(', ') || 'recent';
  const r = await listMail(ctx, query, name);
  ctx.note({ listing: { agent: '@mail', kind: 'mail', label: name, items: r.items.map(mailReferent) } });
  if (r.total === 0) return { content: unread ? 'No unread mail. You are all caught up.' : `No mail (${name}).` };
  return { content: formatMailList({ total: r.total, messages: r.items }, name, fmt(ctx)), metadata: listMetadata(r) };
}

async function latestMail(ctx: AgentContext, format: FormatContext): Promise<AgentReply> {
  const r = await listMail(ctx, {}, 'latest', 1);
  const first = r.items[0];
  ctx.note({ listing: { agent: '@mail', kind: 'mail', label: 'latest', items: r.items.map(mailReferent) } });
  if (!first) return { content: 'Your mailbox is empty.' };
  return readReply(ctx, await readMail(ctx, { kind: 'index', index: 1 }), format);
}

const fmt = (ctx: AgentContext): FormatContext => ({ now: ctx.now, timeZone: ctx.user.timezone });

function readReply(ctx: AgentContext, r: ReadResult, fmt: FormatContext): AgentReply {
  ctx.note({ focus: mailReferent(r.message) });
  const warning = r.suspicious
    ? '\n\nNote: this mail contains text addressed to an AI assistant. It is shown as the mail’s content only; nothing it asks for was done.'
    : '';
  return { content: `${r.index ? `Mail ${r.index}\n` : ''}${formatMailMessage(r.message, fmt)}${warning}` };
}

export async function mailBuiltin(request: BuiltinRequest, ctx: AgentContext): Promise<AgentReply> {
  if (!(await findMailConnection(ctx.app, ctx.user.id))) {
    return { content: CONNECT_HELP, metadata: { needsConnection: true } };
  }
  const fmt: FormatContext = { now: ctx.now, timeZone: ctx.user.timezone };
  try {
    const intent = request.intent?.agent === '@mail' ? request.intent : null;
    const special = intent ? await byIntent(ctx, { ...intent, data: { text: request.text, ...intent.data } }, fmt) : null;
    if (special) return special;
    return await byCommand(request, ctx, fmt);
  } catch (err) {
    // Finding nothing is an answer, not a failure.
    if (err instanceof DomainError && err.code === 'not_found') return { content: `${err.userMessage.charAt(0).toUpperCase()}${err.userMessage.slice(1)}.` };
    throw err;
  }
}

async function byCommand(request: BuiltinRequest, ctx: AgentContext, fmt: FormatContext): Promise<AgentReply> {
  const intent = parseMailIntent(request.text, fmt);
  switch (intent.kind) {
    case 'triage':
    case 'search': {
      const r = await listMail(ctx, intent.query, intent.label);
      ctx.note({ listing: { agent: '@mail', kind: 'mail', label: intent.label, items: r.items.map(mailReferent) } });
      return { content: formatMailList({ total: r.total, messages: r.items }, intent.label, fmt), metadata: listMetadata(r) };
    }
    case 'read': {
      const r = await readMail(ctx, intent.target);
      ctx.note({ focus: mailReferent(r.message) });
      const warning = r.suspicious
        ? '\n\nNote: this mail contains text addressed to an AI assistant. It is shown as the mail’s content only; nothing it asks for was done.'
        : '';
      return { content: `${r.index ? `Mail ${r.index}\n` : ''}${formatMailMessage(r.message, fmt)}${warning}` };
    }
    case 'summarize': {
      const r = await summarizeMail(ctx, intent.target);
      ctx.note({ focus: mailReferent(r.message) });
      return { content: formatDigest(r.message, r.digest, fmt) };
    }
    case 'summarize_list': {
      const r = await summarizeList(ctx, intent.query, intent.label);
      if (r.items.length === 0) return { content: intent.query.unread ? 'No unread mail to summarize. You are all caught up.' : `No mail found (${intent.label}).` };
      const head = r.total > r.items.length ? `${r.total} mails (${intent.label}); the newest ${r.items.length} in brief:` : `${r.total} mail${r.total === 1 ? '' : 's'} (${intent.label}) in brief:`;
      const lines = r.items.map((i) => formatDigestLine(i.summary, i.digest, i.index, fmt));
      return {
        content: [head, ...lines, 'Say "read 1" for the whole mail or "reply to 1: …".'].join('\n'),
        metadata: listMetadata({ label: r.label, total: r.total, items: r.items.map((i) => ({ ...i.summary, index: i.index })) }),
      };
    }
    case 'reply':
      return draftReply_(await draftReply(ctx, intent.target, intent.body));
    case 'compose':
      return draftReply_(await draftNew(ctx, { to: intent.to, cc: intent.cc, subject: intent.subject, body: intent.body }));
    case 'forward':
      return draftReply_(await draftForward(ctx, intent.target, intent.to, intent.note));
    case 'mark': {
      const r = await markMail(ctx, intent.target, intent.read);
      return { content: `Marked ${label(r.index, r.subject)} from ${senderName(r.from)} as ${intent.read ? 'read' : 'unread'}.` };
    }
    case 'archive': {
      const r = await archiveMail(ctx, intent.target);
      return { content: `Archived ${label(r.index, r.subject)} from ${senderName(r.from)}. It is out of the inbox and kept in the archive.` };
    }
    case 'clarify':
      return { content: intent.message };
    case 'help':
      return { content: MAIL_HELP };
  }
}
