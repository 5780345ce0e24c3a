// Calendar use cases, shared by the REST routes and the @cal tools. Every function
// takes the user first and touches only that user's rows.
import { createHash, randomBytes } from 'node:crypto';
import type { CalendarEvent, CalendarEventSource } from '@lifeos/contract';
import type { AppContext } from '../../context.ts';
import { conflictError, invalidInputError, notFoundError } from '../../lib/errors.ts';
import { buildICalFeed } from './ical-feed.ts';
import { expandWithinBudget, RECURRENCE_LIMITS, validateRecurrence, type Occurrence } from './recurrence.ts';
import { addDays, dayInterval, startOfDay, wallDateOf, type Interval } from './zoned-time.ts';
import * as repo from './calendar.repo.ts';
import { deleteExternalEvent, syncExternalCalendars, updateExternalEvent, type CalendarUser } from './external-calendars.ts';
import { findUser } from '../auth/auth.service.ts';
import { syncEventReminders } from '../reminders/reminders.service.ts';

export type { CalendarUser } from './external-calendars.ts';
export type EventOccurrence = Occurrence<repo.CalendarEventRow>;

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const MAX_RANGE_DAYS = 400;

export type EventInput = {
  title: string;
  start: Date;
  end?: Date | null;
  allDay?: boolean;
  location?: string | null;
  notes?: string | null;
  recurrence?: string | null;
  /** Minutes before the start to remind the user. */
  reminders?: number[];
};

export type EventChanges = Partial<Omit<EventInput, 'end'>> & { end?: Date | null };

const invalid = invalidInputError;
/** The event is not the user's (or no longer exists): a 404 over HTTP, these words in the chat. */
const eventNotFound = () => notFoundError('that event is not on your calendar any more', 'Event not found');

export function toCalendarEvent(row: repo.CalendarEventRow, occurrence?: { start: Date; end: Date }): CalendarEvent {
  return {
    id: row.id,
    title: row.title,
    start: (occurrence?.start ?? row.startsAt).toISOString(),
    end: (occurrence?.end ?? row.endsAt).toISOString(),
    allDay: row.allDay,
    location: row.location,
    notes: row.notes,
    source: row.source as CalendarEventSource,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    recurrence: row.rrule,
    timeZone: row.timeZone,
    calendarName: row.calendarName,
    reminders: row.reminderMinutes,
  };
}

/** What expansion needs from a row. */
export function asRecurring(row: repo.CalendarEventRow) {
  return {
    row,
    start: row.startsAt,
    end: row.endsAt,
    allDay: row.allDay,
    rrule: row.rrule,
    timeZone: row.timeZone,
    exdates: row.exdates.map((d) => new Date(d)),
  };
}

/**
 * Occurrences of the user's events (local and connected calendars) overlapping `range`,
 * sorted; `truncated` when the listing hit a limit of RECURRENCE_LIMITS (too many
 * occurrences, or too much repeat-rule work for one request) and left some out.
 */
export async function listOccurrencesPage(ctx: AppContext, user: CalendarUser, range: Interval): Promise<{ occurrences: EventOccurrence[]; truncated: boolean }> {
  await syncExternalCalendars(ctx, user);
  const rows = await repo.listEventsInRange(ctx.db, user.id, range.start, range.end);
  const { occurrences, truncated } = expandWithinBudget(rows.map(asRecurring), range);
  return { occurrences: occurrences.map((o) => ({ event: o.event.row, start: o.start, end: o.end })), truncated };
}

/** Occurrences of the user's events overlapping `range`, sorted (within the limits of listOccurrencesPage). */
export async function listOccurrences(ctx: AppContext, user: CalendarUser, range: Interval): Promise<EventOccurrence[]> {
  return (await listOccurrencesPage(ctx, user, range)).occurrences;
}

export function defaultRange(ctx: AppContext, user: CalendarUser, from?: Date, to?: Date): Interval {
  const start = from ?? startOfDay(wallDateOf(ctx.now(), user.timezone), user.timezone);
  const end = to ?? new Date(start.getTime() + 7 * DAY_MS);
  if (end <= start) throw invalid('to', 'Must be after from');
  if (end.getTime() - start.getTime() > MAX_RANGE_DAYS * DAY_MS) throw invalid('to', `The range may span at most ${MAX_RANGE_DAYS} days`);
  return { start, end };
}

/** The rule as stored, or a 400 naming `recurrence` when it breaks a limit of RECURRENCE_LIMITS. */
export function checkRule(ctx: AppContext, rule: string | null | undefined, start: Date, timeZone: string): string | null {
  if (!rule) return null;
  try {
    return validateRecurrence(rule, start, timeZone, ctx.now());
  } catch (err) {
    if (err instanceof RangeError) throw invalid('recurrence', err.message);
    throw err;
  }
}

async function checkSeriesLimit(ctx: AppContext, userId: string): Promise<void> {
  if ((await repo.countLocalSeries(ctx.db, userId)) >= RECURRENCE_LIMITS.maxSeriesPerUser) {
    throw invalid('recurrence', `At most ${RECURRENCE_LIMITS.maxSeriesPerUser} repeating events per calendar; remove one first`);
  }
}

/** Start and end as stored: an all-day event runs from local midnight to a later local midnight. */
function normalizeTimes(start: Date, end: Date | null | undefined, allDay: boolean, timeZone: string): { start: Date; end: Date } {
  if (allDay) {
    const first = wallDateOf(start, timeZone);
    const s = startOfDay(first, timeZone);
    if (!end) return { start: s, end: startOfDay(addDays(first, 1), timeZone) };
    if (end < start) throw invalid('end', 'Must not be before start');
    const lastDay = wallDateOf(new Date(end.getTime() - 1), timeZone);
    const e = dayInterval(lastDay, timeZone).end;
    return { start: s, end: e > s ? e : startOfDay(addDays(first, 1), timeZone) };
  }
  const e = end ?? new Date(start.getTime() + HOUR_MS);
  if (e < start) throw invalid('end', 'Must not be before start');
  return { start, end: e };
}

export async function createEvent(ctx: AppContext, user: CalendarUser, input: EventInput): Promise<repo.CalendarEventRow> {
  const allDay = input.allDay ?? false;
  const times = normalizeTimes(input.start, input.end, allDay, user.timezone);
  const rrule = checkRule(ctx, input.recurrence, times.start, user.timezone);
  if (rrule) await checkSeriesLimit(ctx, user.id);
  // The REST schema caps lengths; a title read from a long chat message is cut to fit.
  const row = await repo.insertEvent(ctx.db, user.id, {
    title: input.title.trim().slice(0, 500),
    startsAt: times.start,
    endsAt: times.end,
    allDay,
    location: input.location?.trim().slice(0, 500) || null,
    notes: input.notes ?? null,
    rrule,
    timeZone: user.timezone,
    source: 'local',
    reminderMinutes: uniqueMinutes(input.reminders),
  });
  await syncEventReminders(ctx, user.id, [row]);
  return row;
}

const uniqueMinutes = (minutes: number[] | undefined) => [...new Set(minutes ?? [])].sort((a, b) => a - b);

/** Schedules an event's reminders again (after one was delivered, or the event changed outside these functions). */
export async function resyncEventReminders(ctx: AppContext, userId: string, eventId: string): Promise<void> {
  const row = await repo.findEvent(ctx.db, userId, eventId);
  if (row) await syncEventReminders(ctx, userId, [row]);
}

/** After a connected calendar was read again: the reminders of its events (their VALARMs) follow the copies. */
export async function syncConnectedEventReminders(ctx: AppContext, userId: string, connectionId: string): Promise<void> {
  const rows = await repo.listConnectionEvents(ctx.db, userId, connectionId);
  await syncEventReminders(ctx, userId, rows);
}

export async function getEvent(ctx: AppContext, user: CalendarUser, id: string): Promise<repo.CalendarEventRow> {
  const row = await repo.findEvent(ctx.db, user.id, id);
  if (!row) throw eventNotFound();
  return row;
}

/** Applies changes; an event from a connected calendar is changed there first. */
export async function updateEvent(ctx: AppContext, user: CalendarUser, id: string, changes: EventChanges): Promise<repo.CalendarEventRow> {
  const row = await getEvent(ctx, user, id);
  const allDay = changes.allDay ?? row.allDay;
  const start = changes.start ?? row.startsAt;
  // A new start without a new end keeps the event's length.
  const end = changes.end !== undefined ? changes.end : changes.start ? new Date(start.getTime() + (row.endsAt.getTime() - row.startsAt.getTime())) : row.endsAt;
  const times = normalizeTimes(start, end, allDay, row.timeZone);
  if (row.source !== 'local') {
    if (changes.recurrence !== undefined) throw invalid('recurrence', 'The repeat rule of an event from a connected calendar is changed in that calendar');
    let external = await updateExternalEvent(ctx, user, row, {
      ...(changes.title !== undefined ? { title: changes.title.trim() } : {}),
      ...(changes.location !== undefined ? { location: changes.location } : {}),
      ...(changes.notes !== undefined ? { notes: changes.notes } : {}),
      start: times.start,
      end: times.end,
      allDay,
    });
    if (changes.reminders !== undefined) external = (await repo.updateEvent(ctx.db, user.id, id, { reminderMinutes: uniqueMinutes(changes.reminders) })) ?? external;
    await syncEventReminders(ctx, user.id, [external]);
    return external;
  }
  // A new rule, or a series that moves, is checked again from its (new) start.
  const rrule = changes.recurrence !== undefined ? changes.recurrence : row.rrule;
  const checked = rrule && (changes.recurrence !== undefined || changes.start) ? checkRule(ctx, rrule, times.start, row.timeZone) : rrule;
  if (checked && !row.rrule) await checkSeriesLimit(ctx, user.id);
  const updated = await repo.updateEvent(ctx.db, user.id, id, {
    ...(changes.title !== undefined ? { title: changes.title.trim() } : {}),
    ...(changes.location !== undefined ? { location: changes.location?.trim() || null } : {}),
    ...(changes.notes !== undefined ? { notes: changes.notes } : {}),
    ...(changes.recurrence !== undefined ? { rrule: checked ?? null } : {}),
    ...(changes.reminders !== undefined ? { reminderMinutes: uniqueMinutes(changes.reminders) } : {}),
    startsAt: times.start,
    endsAt: times.end,
    allDay,
  });
  if (!updated) throw eventNotFound();
  await syncEventReminders(ctx, user.id, [updated]);
  return updated;
}

export async function deleteEvent(ctx: AppContext, user: CalendarUser, id: string): Promise<repo.CalendarEventRow> {
  const row = await getEvent(ctx, user, id);
  if (row.source !== 'local') await deleteExternalEvent(ctx, user, row);
  else if (!(await repo.deleteEvent(ctx.db, user.id, id))) throw eventNotFound();
  return row;
}

/** Removes one occurrence from a local series (the rest stays). */
export async function removeOccurrence(ctx: AppContext, user: CalendarUser, id: string, occurrenceStart: Date): Promise<repo.CalendarEventRow> {
  const row = await getEvent(ctx, user, id);
  if (!row.rrule) return deleteEvent(ctx, user, id);
  if (row.source !== 'local') throw conflictError('Single occurrences of a connected calendar series are changed in that calendar');
  const exdates = [...new Set([...row.exdates, occurrenceStart.toISOString()])];
  const updated = await repo.updateEvent(ctx.db, user.id, id, { exdates });
  if (!updated) throw eventNotFound();
  await syncEventReminders(ctx, user.id, [updated]);
  return updated;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A new secret feed URL; the previous one stops working. */
export async function newFeedUrl(ctx: AppContext, userId: string, origin: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await repo.replaceFeedToken(ctx.db, userId, hashToken(token));
  return `${origin.replace(/\/$/, '')}/api/calendar/feed/${token}.ics`;
}

/** The iCalendar text of the feed a token opens, or undefined for an unknown or revoked token. */
export async function feedForToken(ctx: AppContext, token: string): Promise<string | undefined> {
  const userId = await repo.findUserIdByFeedToken(ctx.db, hashToken(token));
  if (!userId) return undefined;
  const user = await findUser(ctx, userId);
  if (!user) return undefined;
  // Only the user's own events: the phone already shows its connected calendars itself.
  const rows = await repo.listAllEvents(ctx.db, userId, ['local']);
  const host = new URL(ctx.config.appUrl ?? 'https://lifeos.invalid').hostname;
  return buildICalFeed(
    rows.map((r) => ({
      id: r.id,
      title: r.title,
      start: r.startsAt,
      end: r.endsAt,
      allDay: r.allDay,
      location: r.location,
      notes: r.notes,
      rrule: r.rrule,
      timeZone: r.timeZone,
      exdates: r.exdates.map((d) => new Date(d)),
      reminders: r.reminderMinutes,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    })),
    { name: 'LifeOS', timeZone: user.timezone, uidDomain: host },
  );
}

/** The export section: every event of the user, as the API shows them (no external credentials). */
export async function exportCalendar(ctx: AppContext, userId: string): Promise<Record<string, unknown>> {
  const rows = await repo.exportEvents(ctx.db, userId);
  return {
    calendarEvents: rows.map((r) => ({ ...toCalendarEvent(r), exdates: r.exdates })),
    calendarFeed: { active: (await repo.feedTokenCreatedAt(ctx.db, userId)) !== undefined },
  };
}
