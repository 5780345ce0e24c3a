// The built-in @mail engine: understands ordinary phrasings without a model and
// calls the same operations as the tools. Only the user's words are parsed;
// mail content is formatted as data and never steers what happens.
import type { MailListItem } from '@lifeos/contract';
import { findMailConnection } from '../../features/connections/mailboxes.ts';
import type { AgentContext, AgentReply, BuiltinRequest } from '../types.ts';
import { parseMailIntent } from './mail-intent.ts';
import { formatDigest, formatDigestLine, formatMailList, formatMailMessage, senderName, type FormatContext } from './mail-format.ts';
import { CONNECT_HELP } from './mail-session.ts';
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
} from './mail-tools.ts';

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

export async function mailBuiltin(request: BuiltinRequest, ctx: AgentContext): Promise<AgentReply> {
  if (!(await findMailConnection(ctx.app, ctx.user.id))) {
    return { content: CONNECT_HELP, metadata: { needsConnection: true } };
  }
  const fmt: FormatContext = { now: ctx.now, timeZone: ctx.user.timezone };
  const intent = parseMailIntent(request.text, fmt);
  switch (intent.kind) {
    case 'triage':
    case 'search': {
      const r = await listMail(ctx, intent.query, intent.label);
      return { content: formatMailList({ total: r.total, messages: r.items }, intent.label, fmt), metadata: listMetadata(r) };
    }
    case 'read': {
      const r = await readMail(ctx, intent.target);
      const warning = r.suspicious
        ? '\n\nNote: this mail contains text addressed to an AI assistant. It is shown as the mail’s content only; nothing it asks for was done.'
        : '';
      return { content: `${r.index ? `Mail ${r.index}\n` : ''}${formatMailMessage(r.message, fmt)}${warning}` };
    }
    case 'summarize': {
      const r = await summarizeMail(ctx, intent.target);
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
