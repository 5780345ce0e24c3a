// Delivery of due reminders: an assistant message from @cal in the user's chat
// (streamed to every device) and a push notification to each subscription.
//
// Exactly once across instances: a scan claims due rows with FOR UPDATE SKIP
// LOCKED and a short lease; the message's id is derived from the reminder and
// its due time, so a delivery retried after a lease ran out finds the message
// stored and says nothing again.
import { createHash } from 'node:crypto';
import type { AppContext } from '../../context.ts';
import { logEvent } from '../../lib/events.ts';
import { firstStart } from '../calendar/recurrence.ts';
import { postAssistantMessage } from '../messages/messages.service.ts';
import * as repo from './reminders.repo.ts';

/** A reminder delivered this long after it was due was missed (no server was running): it says so. */
export const LATE_AFTER_MS = 60_000;
const LEASE_MS = 30_000;
const BATCH = 200;
/** Deliveries in flight at once per instance: each is a few short queries, so they overlap well on a pool. */
const CONCURRENCY = 8;

/** A stable UUID for the message of one delivery of a reminder. */
export function reminderMessageId(reminderId: string, dueAt: Date): string {
  const h = createHash('sha256').update(`reminder:${reminderId}:${dueAt.toISOString()}`).digest('hex');
  // Version 8 (custom) UUID, RFC 9562 variant bits.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function describeOffset(minutes: number): string {
  if (minutes === 0) return 'now';
  if (minutes % 1440 === 0) return minutes === 1440 ? 'in 1 day' : `in ${minutes / 1440} days`;
  if (minutes % 60 === 0) return minutes === 60 ? 'in 1 hour' : `in ${minutes / 60} hours`;
  if (minutes > 60) return `in ${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  return `in ${minutes} minute${minutes === 1 ? '' : 's'}`;
}

export function reminderText(row: Pick<repo.ReminderRow, 'text' | 'origin' | 'minutesBefore'>, late: boolean): string {
  const body = row.origin === 'event' && row.minutesBefore !== null ? `${row.text} starts ${describeOffset(row.minutesBefore)}.` : row.text;
  return late ? `Reminder (due while LifeOS was offline): ${body}` : `Reminder: ${body}`;
}

/** Delivers what is due now; returns how many were delivered by this call. */
export async function deliverDueReminders(ctx: AppContext): Promise<{ delivered: number; late: number }> {
  let delivered = 0;
  let late = 0;
  for (;;) {
    const now = ctx.now();
    const claimed = await repo.claimDue(ctx.db, now, new Date(now.getTime() + LEASE_MS), BATCH);
    let next = 0;
    const worker = async () => {
      while (next < claimed.length) {
        const row = claimed[next++]!;
        try {
          const result = await deliverOne(ctx, row);
          if (result === 'delivered' || result === 'late') delivered++;
          if (result === 'late') late++;
        } catch (err) {
          ctx.log.error({ err, reminderId: row.id }, 'reminder delivery failed');
          await repo.releaseClaim(ctx.db, row.id).catch(() => undefined);
        }
      }
    };
    // PGlite is one connection: overlapping would only queue.
    await Promise.all(Array.from({ length: ctx.database.driver === 'pglite' ? 1 : Math.min(CONCURRENCY, claimed.length) }, worker));
    if (claimed.length < BATCH) return { delivered, late };
  }
}

/** When the next scheduled reminder falls due (the scan sleeps until then when it is sooner than its interval). */
export const nextDueAt = (ctx: AppContext) => repo.nextDueAt(ctx.db, ctx.now());

async function deliverOne(ctx: AppContext, row: repo.ReminderRow): Promise<'delivered' | 'late' | 'duplicate'> {
  const now = ctx.now();
  const late = now.getTime() - row.dueAt.getTime() > LATE_AFTER_MS;
  const messageId = reminderMessageId(row.id, row.dueAt);
  const content = reminderText(row, late);
  // The pushes go out with the message (one transaction): a crash cannot store one without the other.
  const message = await postAssistantMessage(
    ctx,
    row.userId,
    { id: messageId, content, agentName: '@cal', metadata: { reminder: { id: row.id, eventId: row.eventId, ...(late ? { late: true } : {}) } } },
    { title: row.origin === 'event' ? row.text : 'Reminder', body: content },
  );
  const marked = await repo.markDelivered(ctx.db, row, messageId, now);
  if (!message) return 'duplicate';
  if (marked) await scheduleNext(ctx, row);
  logEvent(ctx, 'reminder.delivered', { userId: row.userId, reminderId: row.id, lagMs: now.getTime() - row.dueAt.getTime(), late });
  return late ? 'late' : 'delivered';
}

/** A repeating reminder's next occurrence becomes a new row; an event's reminders move on to its next occurrence. */
async function scheduleNext(ctx: AppContext, row: repo.ReminderRow): Promise<void> {
  if (row.rrule && row.timeZone) {
    const next = firstStart(row.rrule, row.dueAt, new Date(Math.max(row.dueAt.getTime(), ctx.now().getTime()) + 1000), row.timeZone);
    if (next) {
      await repo.insertReminder(ctx.db, row.userId, {
        text: row.text,
        dueAt: next,
        rrule: row.rrule,
        timeZone: row.timeZone,
        eventId: row.eventId,
        minutesBefore: row.minutesBefore,
        origin: row.origin,
      });
    }
  }
  if (row.eventId && !row.rrule) {
    const { resyncEventReminders } = await import('../calendar/calendar.service.ts');
    await resyncEventReminders(ctx, row.userId, row.eventId);
  }
}
