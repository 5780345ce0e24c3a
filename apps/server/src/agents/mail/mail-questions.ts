// Questions about the mailbox in everyday words: did a sender write, what did
// they want, how many are unread, has the order shipped, which are newsletters.
// Each answers from the mail it finds; finding nothing is an answer too.
import type { MailSummary } from '../../integrations/mail/mail.types.ts';
import type { Referent } from '../conversation.ts';
import type { AgentContext, AgentReply } from '../types.ts';
import { formatMailList, senderName, type FormatContext } from './mail-format.ts';
import { parseNaturalQuery } from './mail-intent.ts';
import { findNewsletters, listMail, readMail, recentMail, summarizeMail } from '../../features/mail/mail.service.ts';
import { digestMail } from '../../features/mail/mail-summary.ts';

const SCAN = 25;
const NEWSLETTER_SCAN = 15;

export function mailReferent(m: MailSummary): Referent {
  return { agent: '@mail', kind: 'mail', id: m.id, label: `${senderName(m.from)} — ${m.subject}`, at: m.receivedAt, from: senderName(m.from) };
}

function noteListing(ctx: AgentContext, label: string, items: MailSummary[]): void {
  ctx.note({ listing: { agent: '@mail', kind: 'mail', label, items: items.map(mailReferent) }, ...(items.length === 1 ? { focus: mailReferent(items[0]!) } : {}) });
}

const fmt = (ctx: AgentContext): FormatContext => ({ now: ctx.now, timeZone: ctx.user.timezone });

/** "how many unread do I have?", "how many mails from Anna this week?" */
export async function countMail(ctx: AgentContext, text: string): Promise<AgentReply> {
  const rest = text.replace(/^how\s+many\s+/i, '').replace(/\b(?:do|did|have)\s+i\s+(?:have|got|get|received?)\b|\b(?:are|is)\s+there\b|\bi\s+have\b|\bleft\b|\bin\s+my\s+inbox\b/gi, ' ');
  const { query, label } = parseNaturalQuery(rest, { now: ctx.now, timeZone: ctx.user.timezone });
  if (!/\b(?:e-?mails?|mails?|messages?)\b/i.test(rest) || /\bunread|new\b/i.test(rest)) query.unread ??= /\bunread|new\b/i.test(rest) ? true : undefined;
  if (query.unread === undefined) delete query.unread;
  const r = await listMail(ctx, query, label || 'inbox', 5);
  noteListing(ctx, r.label, r.items);
  const what = query.unread ? 'unread mail' : 'mail';
  const scope = label && label !== 'unread' ? ` (${label.replace(/^unread,?\s*/, '')})` : '';
  if (r.total === 0) return { content: `None — you have no ${what}${scope}.` };
  const noun = query.unread ? `unread mail${r.total === 1 ? '' : 's'}` : `mail${r.total === 1 ? '' : 's'}`;
  const list = formatMailList({ total: r.total, messages: r.items }, r.label, fmt(ctx)).split('\n').slice(1).join('\n');
  return { content: `You have ${r.total} ${noun}${scope}.\n${list}` };
}

/** "has my landlord sent anything?", "anything from Anna?" */
export async function fromSender(ctx: AgentContext, sender: string): Promise<AgentReply> {
  const who = sender.trim();
  const r = await listMail(ctx, { from: who }, `from ${who}`, 5);
  noteListing(ctx, r.label, r.items);
  if (r.total === 0) return { content: `Nothing from ${who} in your mailbox.` };
  const latest = r.items[0]!;
  const list = formatMailList({ total: r.total, messages: r.items }, r.label, fmt(ctx)).split('\n').slice(1).join('\n');
  const unread = r.items.filter((m) => m.unread).length;
  return {
    content: `Yes — ${r.total === 1 ? 'one mail' : `${r.total} mails`} from ${senderName(latest.from)}${unread ? ` (${unread} unread)` : ''}.\n${list}`,
  };
}

/** "what was Anna's mail about?", "what did the landlord want?" */
export async function aboutSender(ctx: AgentContext, sender: string): Promise<AgentReply> {
  const who = sender.trim();
  const r = await listMail(ctx, { from: who }, `from ${who}`, 1);
  const latest = r.items[0];
  if (!latest) return { content: `I found no mail from ${who}.` };
  const s = await summarizeMail(ctx, { kind: 'id', id: latest.id });
  noteListing(ctx, r.label, r.items);
  const gist = s.digest.keySentences.join(' ') || s.message.preview;
  const asks = s.digest.actions.length ? `\nThey ask: ${s.digest.actions.join('; ')}` : '';
  const warning = s.digest.suspicious ? '\n(Note: the mail contains text addressed to an AI assistant; nothing it asks for was done.)' : '';
  return { content: `${senderName(s.message.from)} wrote “${s.message.subject}”: ${gist}${asks}${warning}` };
}

const TOPIC_WORDS: Record<'shipping' | 'booking', RegExp> = {
  shipping: /\b(?:ship(?:ped|ping|ment)?|dispatch(?:ed)?|deliver(?:y|ed|ing)?|tracking|track|parcel|package|order(?:ed)?|courier|on\s+(?:its|the)\s+way|out\s+for\s+delivery|arriv(?:e|es|ing))\b/i,
  booking: /\b(?:booking|booked|reservation|reserved|confirm(?:ed|ation)|itinerary|e-?ticket|ticket|check-?in|boarding|flight|hotel|train|seat|departure)\b/i,
};
const STOP = new Set(['has', 'have', 'did', 'does', 'when', 'where', 'what', 'which', 'will', 'is', 'are', 'the', 'my', 'your', 'our', 'a', 'an', 'it', 'been', 'yet', 'for', 'of', 'to', 'from', 'about', 'there', 'any', 'me', 'get', 'got']);

/** "has my order shipped?", "when is my flight?": the best-matching recent mail, and its line about it. */
export async function topicQuestion(ctx: AgentContext, topic: 'shipping' | 'booking', question: string): Promise<AgentReply> {
  const own = question
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 2 && !STOP.has(w) && !TOPIC_WORDS[topic].test(w));
  // A scan, not a listing the user sees: it must not replace the numbers of the last list shown.
  const recent = await recentMail(ctx, SCAN);
  const scored = recent
    .map((m) => {
      const hay = `${m.subject} ${m.preview} ${m.from.name} ${m.from.address}`.toLowerCase();
      const topicHit = TOPIC_WORDS[topic].test(hay) ? 2 : 0;
      const words = own.filter((w) => hay.includes(w)).length;
      return { m, score: topicHit + words };
    })
    .filter((x) => x.score >= 2)
    .sort((a, b) => b.score - a.score);
  const best = scored[0]?.m;
  if (!best) return { content: topic === 'shipping' ? 'I found no shipping or delivery mail in your recent mail.' : 'I found no booking or confirmation mail in your recent mail.' };
  const read = await readMail(ctx, { kind: 'id', id: best.id });
  ctx.note({ focus: mailReferent(best) });
  const sentences = read.message.text
    .slice(0, 4000)
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 3 && s.length < 300);
  const line = sentences.find((s) => TOPIC_WORDS[topic].test(s) && /\d/.test(s)) ?? sentences.find((s) => TOPIC_WORDS[topic].test(s)) ?? digestMail(read.message).keySentences[0] ?? read.message.preview;
  return { content: `From “${read.message.subject}” (${senderName(read.message.from)}): ${line}` };
}

/** "any newsletters?", "which mails are newsletters?" */
export async function newsletters(ctx: AgentContext): Promise<AgentReply> {
  const found = await findNewsletters(ctx, NEWSLETTER_SCAN);
  noteListing(ctx, 'newsletters', found);
  if (found.length === 0) return { content: `No newsletters among your latest ${NEWSLETTER_SCAN} mails.` };
  const list = formatMailList({ total: found.length, messages: found }, 'newsletters', fmt(ctx)).split('\n').slice(1).join('\n');
  return { content: `${found.length} newsletter${found.length === 1 ? '' : 's'} among your latest mail:\n${list}` };
}
