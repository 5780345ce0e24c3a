// Requests that need two agents in one turn: the day overview (calendar, and
// important unread mail when a mailbox is connected), an event taken from a
// mail into the calendar (proposed, confirmed by the user), and a fact taken
// from a mail into memory. Only dates and short facts are read from mail; its
// text never decides what happens.
import * as memory from '../../features/memory/memory.service.ts';
import { findMailConnection } from '../../features/connections/mailboxes.ts';
import { houseChrono } from '../../lib/time/chrono.ts';
import { dayInterval, fromFloating, toFloating, wallDateOf } from '../../lib/time/zoned-time.ts';
import { CREATE_LOCAL_ACTION, listEvents } from '../cal/cal-tools.ts';
import { agendaReply, bold, formatSpan } from '../cal/reply-format.ts';
import { formatMailList, senderName } from '../mail/mail-format.ts';
import { listMail, readMail } from '../../features/mail/mail.service.ts';
import type { AgentContext, AgentReply } from '../types.ts';
import { remindersDueBetween } from '../../features/reminders/reminders.service.ts';
import { formatTime } from '../cal/reply-format.ts';

const IMPORTANT_UNREAD = 3;
const MAIL_SCAN_CHARS = 4000;

/** "What's my day look like?": today's agenda, then the newest unread mail (not bulk mail). */
export async function dayOverview(ctx: AgentContext): Promise<AgentReply> {
  const tz = ctx.user.timezone;
  const cal = ctx.forAgent('@cal');
  const today = dayInterval(wallDateOf(ctx.now, tz), tz);
  const occurrences = await listEvents(cal, today);
  const items = occurrences.map((o) => ({ title: o.event.title, start: o.start, end: o.end, allDay: o.event.allDay, location: o.event.location }));
  const parts = [agendaReply(items, 'today', tz, ctx.now)];
  cal.note({
    listing: {
      agent: '@cal',
      kind: 'event',
      label: 'today',
      items: occurrences.map((o) => ({ agent: '@cal', kind: 'event', id: o.event.id, label: o.event.title, at: o.start.toISOString(), end: o.end.toISOString() })),
    },
    last: { agent: '@cal', intent: 'agenda', day: today.start.toISOString(), label: 'today' },
  });
  // Reminders still due today (from now to midnight), whether or not they belong to an event.
  const reminders = await remindersDueBetween(ctx.app, ctx.user.id, ctx.now, today.end);
  if (reminders.length) {
    parts.push(`Reminders today (${reminders.length}):\n${reminders.map((r) => `- ${formatTime(r.dueAt, tz)} ${r.text}`).join('\n')}`);
  }
  if (await findMailConnection(ctx.app, ctx.user.id)) {
    const mail = ctx.forAgent('@mail');
    const unread = await listMail(mail, { unread: true }, 'unread', IMPORTANT_UNREAD);
    parts.push(
      unread.total === 0
        ? 'No unread mail.'
        : `Unread mail (${unread.total}):\n${formatMailList({ total: unread.total, messages: unread.items }, 'unread', { now: ctx.now, timeZone: tz }).split('\n').slice(1).join('\n')}`,
    );
  }
  return { content: parts.join('\n\n') };
}

/** "add the flight from my confirmation mail to my calendar": what to look for, and in which mail. */
function describeMailEvent(text: string): { what: string; mailWords: string[] } {
  const m = /\b(?:add|put|copy|save|create|schedule|enter)\s+(?:the\s+|my\s+|that\s+|this\s+)?(.+?)\s+(?:from|in)\s+(?:my|the|that|this|her|his|their|([\p{L}'-]+)'s)\s+((?:[\p{L}-]+\s+){0,3})(?:e-?mail|mail|message|inbox)\b/iu.exec(text);
  const what = (m?.[1] ?? 'event').replace(/^(?:date|time)\s+of\s+(?:the\s+)?/i, '').trim();
  const mailWords = [m?.[2], ...(m?.[3] ?? '').split(/\s+/)].filter((w): w is string => !!w && !/^(?:latest|last|new|recent|booking)$/i.test(w));
  return { what, mailWords };
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The first date with a clock time in the mail (chrono reads the text as the user's wall clock). */
function firstDateTime(text: string, ctx: AgentContext): { start: Date; end: Date | null } | null {
  const tz = ctx.user.timezone;
  const results = houseChrono.parse(text.slice(0, MAIL_SCAN_CHARS), { instant: toFloating(ctx.now, tz), timezone: 0 }, { forwardDate: true });
  for (const [i, r] of results.entries()) {
    if (!r.start.isCertain('day')) continue;
    if (r.start.isCertain('hour')) return { start: fromFloating(r.start.date(), tz), end: r.end?.isCertain('hour') ? fromFloating(r.end.date(), tz) : null };
    // "Thursday 3 December between 10:00 and 14:00": the day, then the clock times just after it.
    const next = results[i + 1];
    if (next && next.start.isCertain('hour') && !next.start.isCertain('day') && next.index - (r.index + r.text.length) <= 40) {
      const at = (c: typeof next.start) => fromFloating(new Date(Date.UTC(r.start.get('year')!, r.start.get('month')! - 1, r.start.get('day')!, c.get('hour')!, c.get('minute') ?? 0)), tz);
      const after = results[i + 2];
      const end = next.end?.isCertain('hour') ? at(next.end) : after && after.start.isCertain('hour') && !after.start.isCertain('day') && after.index - (next.index + next.text.length) <= 8 ? at(after.start) : null;
      return { start: at(next.start), end };
    }
  }
  return null;
}

const GENERIC_SUBJECT = /^(?:your\s+)?(?:reservation|booking|order|package|parcel|ticket|appointment)?\s*(?:is\s+|has\s+(?:been\s+)?)?(?:confirmed|confirmation|on\s+its\s+way|shipped|booked|reminder)?[!.]*$/i;

export async function mailToCalendar(text: string, ctx: AgentContext, mailId: string | null = null): Promise<AgentReply> {
  if (!(await findMailConnection(ctx.app, ctx.user.id))) return { content: 'I would need your mailbox for that, and no mailbox is connected yet (Settings → Connections).' };
  const { what, mailWords } = describeMailEvent(text);
  const mail = ctx.forAgent('@mail');
  let id = mailId;
  if (!id) {
    const whatWords = what.split(/\s+/).filter((w) => w.length > 2).slice(0, 2);
    let found = await listMail(mail, { text: whatWords }, `"${what}"`, 5);
    if (found.items.length === 0 && mailWords.length) found = await listMail(mail, { text: mailWords.slice(0, 2) }, `"${mailWords.join(' ')}"`, 5);
    id = found.items[0]?.id ?? null;
  }
  if (!id) return { content: `I couldn't find a mail about ${bold(what)}. Which mail do you mean?` };
  const read = await readMail(mail, { kind: 'id', id });
  const when = firstDateTime(`${read.message.subject}\n${read.message.text}`, ctx);
  const subject = read.message.subject.replace(/^(?:re|fwd?|aw|wg):\s*/i, '').replace(/^(?:your\s+)?(?:booking\s+)?confirmation(?:\s+for)?[:\s-]*/i, '').trim();
  const generic = GENERIC_SUBJECT.test(subject) || subject.length > 80;
  const named = /^(?:it|that|this|event|the\s+(?:date|event|appointment))$/i.test(what) ? senderName(read.message.from) : capitalize(what);
  const title = generic ? named : subject;
  if (!when) {
    return { content: `I found “${read.message.subject}” from ${senderName(read.message.from)}, but no date and time in it. When should I put ${bold(title)}?` };
  }
  const end = when.end && when.end > when.start ? when.end : new Date(when.start.getTime() + 60 * 60_000);
  const summary = `Add ${bold(title)} — ${formatSpan(when.start, end, false, ctx.user.timezone, ctx.now)} (from the mail “${read.message.subject}” of ${senderName(read.message.from)})`;
  const cal = ctx.forAgent('@cal');
  await cal.proposeAction({
    kind: CREATE_LOCAL_ACTION,
    summary,
    payload: { title, start: when.start.toISOString(), end: end.toISOString(), allDay: false, location: null },
  });
  return { content: `${summary}?\nConfirm to add it to your calendar.` };
}

/** "remember Anna's new address from her mail": the sentence or block of the mail that says it. */
function factFromMail(topic: string, body: string): string | null {
  const key = topic.toLowerCase().split(/\s+/).filter((w) => w.length > 3 && !/^(?:new|latest|their|from)$/.test(w)).at(-1);
  const lines = body.slice(0, MAIL_SCAN_CHARS).split(/\r?\n/).map((l) => l.trim());
  const at = key ? lines.findIndex((l) => l.toLowerCase().includes(key)) : -1;
  if (at < 0) return null;
  const own = lines[at]!.split(/[:]\s*/).slice(1).join(': ').trim();
  if (own.length > 3) return own.slice(0, 200);
  // The value is on the lines after the one that names it ("My new address is:\nHauptstraße 5\n10115 Berlin").
  const block: string[] = [];
  for (const l of lines.slice(at + 1, at + 5)) {
    if (!l) {
      if (block.length) break;
      continue;
    }
    block.push(l);
  }
  return block.length ? block.join(', ').slice(0, 200) : lines[at]!.slice(0, 200);
}

export async function mailToMemory(text: string, ctx: AgentContext): Promise<AgentReply> {
  if (!(await findMailConnection(ctx.app, ctx.user.id))) return { content: 'I would need your mailbox for that, and no mailbox is connected yet (Settings → Connections).' };
  const m = /^(?:remember|note(?:\s+down)?|save|store|keep)\s+(?:that\s+)?(?:the\s+)?(.+?)\s+from\s+(?:my|the|that|this|her|his|their|([\p{L}'-]+)'s)\s+(?:[\p{L}-]+\s+){0,3}(?:e-?mail|mail|message)\b/iu.exec(text);
  const topic = (m?.[1] ?? '').trim();
  const owner = /^([\p{L}-]+)'s\s+/u.exec(topic)?.[1] ?? m?.[2] ?? null;
  const focus = ctx.conversation.focus?.kind === 'mail' ? ctx.conversation.focus : null;
  const mail = ctx.forAgent('@mail');
  const read = owner
    ? await readMail(mail, { kind: 'match', from: owner })
    : focus
      ? await readMail(mail, { kind: 'id', id: focus.id })
      : null;
  if (!read) return { content: 'Whose mail do you mean? For example: “remember Anna’s new address from her mail”.' };
  const value = factFromMail(topic, read.message.text);
  if (!value) return { content: `I read “${read.message.subject}” from ${senderName(read.message.from)} but found nothing about ${topic || 'that'} in it.` };
  const person = owner ?? senderName(read.message.from);
  const subject = topic.replace(/^[\p{L}-]+'s\s+/u, '').replace(/^(?:her|his|their)\s+/i, '');
  const fact = `${person}'s ${subject} is ${value}`;
  ctx.forAgent('@mem');
  const outcome = await memory.rememberFact(ctx.app, ctx.user.id, fact, ctx.sourceMessageId);
  const verb = outcome.kind === 'replaced' ? 'Updated' : outcome.kind === 'known' ? 'I already knew' : 'Remembered';
  return { content: `${verb}: “${fact}” (from “${read.message.subject}”).`, metadata: { memoryId: outcome.memory.id } };
}
