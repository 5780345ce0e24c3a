// Reminder use cases, shared by the REST routes, the calendar (event reminders)
// and @cal. Every function takes the user first and touches only that user's rows.
import type { Reminder, ReminderStatus } from '@lifeos/contract';
import type { AppContext } from '../../context.ts';
import { invalidInputError, notFoundError } from '../../lib/errors.ts';
import { expandOccurrences, parseRRule } from '../calendar/recurrence.ts';
import * as repo from './reminders.repo.ts';

export type ReminderRow = repo.ReminderRow;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Repeating events and reminders look this far ahead for their next occurrence. */
const HORIZON_DAYS = 400;

export function toReminder(row: ReminderRow): Reminder {
  return {
    id: row.id,
    text: row.text,
    dueAt: row.dueAt.toISOString(),
    eventId: row.eventId,
    status: row.status as ReminderStatus,
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    recurrence: row.rrule,
  };
}

const invalid = invalidInputError;
/** A 404 over HTTP, these words in the chat. */
const reminderNotFound = () => notFoundError('that reminder is not there any more', 'Reminder not found');

function assertFuture(ctx: AppContext, dueAt: Date): void {
  if (dueAt.getTime() <= ctx.now().getTime()) throw invalid('dueAt', 'Must be in the future');
}

export async function listReminders(ctx: AppContext, userId: string, status?: 'scheduled' | 'delivered'): Promise<ReminderRow[]> {
  return repo.listReminders(ctx.db, userId, status ? [status] : ['scheduled', 'delivered']);
}

export type NewReminderInput = {
  text: string;
  dueAt: Date;
  /** Repeating: an RRULE and the zone whose wall clock it follows. */
  recurrence?: { rrule: string; timeZone: string };
  /** Relative to an event: moved with it. */
  event?: { id: string; minutesBefore: number };
};

export async function createReminder(ctx: AppContext, userId: string, input: NewReminderInput): Promise<ReminderRow> {
  assertFuture(ctx, input.dueAt);
  if (input.recurrence) {
    try {
      parseRRule(input.recurrence.rrule);
    } catch (err) {
      throw invalid('recurrence', (err as Error).message);
    }
  }
  return repo.insertReminder(ctx.db, userId, {
    text: input.text.trim().slice(0, 1000),
    dueAt: input.dueAt,
    rrule: input.recurrence?.rrule ?? null,
    timeZone: input.recurrence?.timeZone ?? null,
    eventId: input.event?.id ?? null,
    minutesBefore: input.event?.minutesBefore ?? null,
    origin: 'user',
  });
}

export async function getReminder(ctx: AppContext, userId: string, id: string): Promise<ReminderRow> {
  const row = await repo.findReminder(ctx.db, userId, id);
  if (!row) throw reminderNotFound();
  return row;
}

/** Changes the text or time; a new time on a delivered reminder schedules it again. */
export async function updateReminder(ctx: AppContext, userId: string, id: string, changes: { text?: string; dueAt?: Date }): Promise<ReminderRow> {
  await getReminder(ctx, userId, id);
  if (changes.dueAt) assertFuture(ctx, changes.dueAt);
  const updated = await repo.updateReminder(ctx.db, userId, id, {
    ...(changes.text !== undefined ? { text: changes.text.trim().slice(0, 1000) } : {}),
    ...(changes.dueAt ? { dueAt: changes.dueAt, status: 'scheduled', deliveredAt: null, claimedUntil: null } : {}),
  });
  if (!updated) throw reminderNotFound();
  return updated;
}

export async function cancelReminder(ctx: AppContext, userId: string, id: string): Promise<ReminderRow> {
  await getReminder(ctx, userId, id);
  const updated = await repo.updateReminder(ctx.db, userId, id, { status: 'cancelled', claimedUntil: null });
  if (!updated) throw reminderNotFound();
  return updated;
}

/** What event-reminder syncing needs to know about an event. */
export type EventForReminders = {
  id: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  allDay: boolean;
  rrule: string | null;
  timeZone: string;
  exdates: string[];
  reminderMinutes: number[];
};

/** The first start of the event after `notBefore` (the event's own start when it does not repeat). */
function nextStart(event: EventForReminders, notBefore: Date): Date | null {
  if (!event.rrule) return event.startsAt > notBefore ? event.startsAt : null;
  const [first] = expandOccurrences(
    [{ start: event.startsAt, end: event.startsAt, allDay: false, rrule: event.rrule, timeZone: event.timeZone, exdates: event.exdates.map((d) => new Date(d)) }],
    { start: new Date(notBefore.getTime() + 1), end: new Date(notBefore.getTime() + HORIZON_DAYS * DAY_MS) },
  );
  return first?.start ?? null;
}

/**
 * Keeps the reminders of events in step with them: each of an event's `reminderMinutes`
 * is one scheduled reminder before its next start; the user's own reminders set
 * relative to the event move with it.
 */
export async function syncEventReminders(ctx: AppContext, userId: string, events: EventForReminders[]): Promise<void> {
  const now = ctx.now();
  for (const event of events) {
    const wanted: Array<{ minutesBefore: number; dueAt: Date; text: string }> = [];
    for (const minutes of new Set(event.reminderMinutes)) {
      const start = nextStart(event, new Date(now.getTime() + minutes * MINUTE_MS));
      if (start) wanted.push({ minutesBefore: minutes, dueAt: new Date(start.getTime() - minutes * MINUTE_MS), text: event.title });
    }
    await repo.replaceEventReminders(ctx.db, userId, event.id, wanted);
    for (const linked of await repo.listLinkedUserReminders(ctx.db, userId, event.id)) {
      if (linked.minutesBefore === null) continue;
      const start = nextStart(event, new Date(now.getTime() + linked.minutesBefore * MINUTE_MS));
      const dueAt = start ? new Date(start.getTime() - linked.minutesBefore * MINUTE_MS) : null;
      if (dueAt && dueAt.getTime() !== linked.dueAt.getTime()) await repo.updateReminder(ctx.db, userId, linked.id, { dueAt, claimedUntil: null });
    }
  }
}

export async function remindersDueBetween(ctx: AppContext, userId: string, from: Date, to: Date): Promise<ReminderRow[]> {
  return repo.listScheduledBetween(ctx.db, userId, from, to);
}

export async function exportReminders(ctx: AppContext, userId: string): Promise<Record<string, unknown>> {
  return { reminders: (await repo.exportReminders(ctx.db, userId)).map(toReminder) };
}
