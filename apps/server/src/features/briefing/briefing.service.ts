// The daily briefing: at the time the user chose (their wall clock) one message
// from @cal with the day's events, the reminders still due today and, with a
// mailbox, unread mail from people. Nothing to say: no message. Once per local
// day, whatever the number of instances: the day is claimed by a row
// (user, local date) before anything is sent.
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import type { AppContext } from '../../context.ts';
import { logEvent } from '../../lib/events.ts';
import { listOccurrences } from '../calendar/calendar.service.ts';
import { dayInterval, wallDateOf, wallToInstant } from '../calendar/zoned-time.ts';
import { findMailConnection, openMailbox } from '../connections/mailboxes.ts';
import { postAssistantMessage } from '../messages/messages.service.ts';
import { remindersDueBetween } from '../reminders/reminders.service.ts';
import * as repo from './briefing.repo.ts';
import { isFromPerson } from './real-sender.ts';
import type { MailSummary } from '../../integrations/mail/mail.types.ts';
import { formatClock, withTimeFormat } from '../../lib/time/format.ts';

/** A briefing not sent within this long after its time (the server was down) waits for the next day. */
const SEND_WINDOW_MS = 3 * 3_600_000;
const MAX_MAILS = 5;

const clock = (d: Date, zone: string) => formatClock(d, zone);
const span = (start: Date, end: Date, allDay: boolean, zone: string) => (allDay ? 'all day' : `${clock(start, zone)}–${clock(end, zone)}`);

const isoDay = (d: { year: number; month: number; day: number }) => `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

/**
 * When today's briefing is due for a user, or null when it is not time (yet, or any more).
 * A time the clocks skip (spring forward) comes at the first minute after the gap; a time the
 * clocks pass twice (fall back) counts once, by the day's claim.
 */
export function dueBriefing(now: Date, timeZone: string, time: string): { day: string; at: Date } | null {
  const date = wallDateOf(now, timeZone);
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  const at = wallToInstant(date, { hour, minute }, timeZone);
  if (now < at || now.getTime() - at.getTime() > SEND_WINDOW_MS) return null;
  return { day: isoDay(date), at };
}

export function briefingMessageId(userId: string, day: string): string {
  const h = createHash('sha256').update(`briefing:${userId}:${day}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The briefing's text, or null when there is nothing to say. */
export async function composeBriefing(ctx: AppContext, user: { id: string; timezone: string }, now: Date): Promise<string | null> {
  const day = dayInterval(wallDateOf(now, user.timezone), user.timezone);
  const events = await listOccurrences(ctx, user, day);
  const reminders = await remindersDueBetween(ctx, user.id, now, day.end);
  const { mails, count } = await unreadFromPeople(ctx, user.id, now);
  if (events.length === 0 && reminders.length === 0 && mails.length === 0) return null;
  const lines = [`Good morning! Here is your ${DateTime.fromJSDate(now, { zone: user.timezone }).toFormat('cccc, d LLLL')}.`];
  if (events.length) {
    lines.push('', events.length === 1 ? 'On your calendar:' : `On your calendar (${events.length}):`);
    for (const o of events) lines.push(`- ${span(o.start, o.end, o.event.allDay, user.timezone)} ${o.event.title}`);
  }
  if (reminders.length) {
    lines.push('', 'Reminders today:');
    for (const r of reminders) lines.push(`- ${clock(r.dueAt, user.timezone)} ${r.text}`);
  }
  if (mails.length) {
    const shown = count > mails.length ? `${count}, the newest ${mails.length}` : String(count);
    lines.push('', count === 1 ? 'Unread mail from a person:' : `Unread mail from people (${shown}):`);
    for (const m of mails) lines.push(`- ${received(new Date(m.receivedAt), now, user.timezone)} ${m.from.name || m.from.address}: ${m.subject || '(no subject)'}`);
  }
  return lines.join('\n');
}

/** When a mail came, on the user's clock: "05:05" today, "yesterday 18:10", else the weekday. */
function received(at: Date, now: Date, zone: string): string {
  const days = DateTime.fromJSDate(now, { zone }).startOf('day').diff(DateTime.fromJSDate(at, { zone }).startOf('day'), 'days').days;
  if (days < 1) return clock(at, zone);
  if (days < 2) return `yesterday ${clock(at, zone)}`;
  return `${DateTime.fromJSDate(at, { zone }).toFormat('cccc')} ${clock(at, zone)}`;
}

/** Unread mail of the last two days from people (newest first, at most MAX_MAILS) and how many there are. */
async function unreadFromPeople(ctx: AppContext, userId: string, now: Date): Promise<{ mails: MailSummary[]; count: number }> {
  const none = { mails: [], count: 0 };
  const connection = await findMailConnection(ctx, userId);
  if (!connection || connection.status !== 'ok') return none;
  try {
    const mailbox = await openMailbox(ctx, userId, connection);
    try {
      const since = new Date(now.getTime() - 2 * 86_400_000).toISOString();
      const list = await mailbox.list({ unread: true, since }, 30);
      const fromPeople = list.messages.filter((m) => isFromPerson(m.from) && Date.parse(m.receivedAt) <= now.getTime());
      return { mails: fromPeople.slice(0, MAX_MAILS), count: fromPeople.length };
    } finally {
      await mailbox.close().catch(() => undefined);
    }
  } catch (err) {
    // The briefing goes out without mail rather than not at all.
    ctx.log.warn({ err: err instanceof Error ? err.message : err, userId }, 'briefing could not read the mailbox');
    return none;
  }
}

/** Sends every briefing that is due now; one pass of the once-a-minute job. */
export async function sendDueBriefings(ctx: AppContext): Promise<{ sent: number; skipped: number }> {
  const now = ctx.now();
  let sent = 0;
  let skipped = 0;
  for (const user of await repo.listBriefingUsers(ctx.db)) {
    const due = dueBriefing(now, user.timezone, user.time);
    if (!due || !(await repo.claimDay(ctx.db, user.id, due.day))) continue;
    try {
      const content = await withTimeFormat(user.timeFormat, () => composeBriefing(ctx, user, now));
      if (!content) {
        skipped++;
        continue;
      }
      const id = briefingMessageId(user.id, due.day);
      await postAssistantMessage(
        ctx,
        user.id,
        { id, content, agentName: '@cal', metadata: { briefing: { day: due.day } } },
        { title: 'Your day', body: content.split('\n').slice(1).join('\n').trim().slice(0, 300) },
      );
      await repo.recordMessage(ctx.db, user.id, due.day, id);
      logEvent(ctx, 'briefing.sent', { userId: user.id, day: due.day });
      sent++;
    } catch (err) {
      ctx.log.error({ err, userId: user.id }, 'briefing failed');
      await repo.releaseDay(ctx.db, user.id, due.day).catch(() => undefined);
    }
  }
  return { sent, skipped };
}
