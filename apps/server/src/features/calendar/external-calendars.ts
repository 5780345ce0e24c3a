// Connected calendars (CalDAV, and Google Calendar through google-calendar-sync.ts; connecting is in features/connections): copies of their
// events kept fresh in calendar_events (so the agenda, search and free/busy see them),
// and changes written through to the server.
import type { AppContext } from '../../context.ts';
import { conflictError, invalidInputError, unavailableError } from '../../lib/errors.ts';
import { logEvent } from '../../lib/events.ts';
import {
  CalDavError,
  connectCalDav,
  type CalDavClient,
  type NewRemoteEvent,
  type RemoteEvent,
} from '../../integrations/caldav/caldav.client.ts';
import type { EventPatch } from '../../integrations/caldav/icalendar-parse.ts';
import * as connections from '../connections/connections.service.ts';
import * as repo from './calendar.repo.ts';
import { RECURRENCE_LIMITS, RecurrenceBudget, safeRecurrence, validateRecurrence } from './recurrence.ts';
import { syncConnectedEventReminders } from './calendar.service.ts';
import {
  createGoogleEvent,
  deleteGoogleEvent,
  GOOGLE,
  googleCalendarConnections,
  listGoogleCalendars,
  syncGoogleConnection,
  updateGoogleEvent,
} from './google-calendar-sync.ts';

export const CALDAV = 'caldav';
/** How far back and ahead external events are copied. */
const SYNC_PAST_DAYS = 35;
const SYNC_FUTURE_DAYS = 400;
/** External calendars are read again at most this often per connection. */
const SYNC_INTERVAL_MS = 60_000;
const DAY_MS = 86_400_000;

export type CalDavSettings = { url: string; username: string; calendars: Array<{ url: string; name: string }> };
export type CalDavSecret = { password: string };
export type CalendarUser = { id: string; timezone: string };

async function openClient(ctx: AppContext, user: CalendarUser, row: connections.ConnectionRow): Promise<CalDavClient> {
  const secret = await connections.connectionSecret<CalDavSecret>(ctx, user.id, row.id);
  if (!secret) throw new CalDavError('auth', 'The calendar account has no stored password; connect it again');
  const settings = row.settings as CalDavSettings;
  return connectCalDav({ url: settings.url, username: settings.username, password: secret.password }, { timeZone: user.timezone, hosts: { allowPrivate: ctx.config.allowPrivateHosts } });
}

function externalId(e: RemoteEvent): string {
  return e.recurrenceId ? `${e.uid}#${e.recurrenceId.toISOString()}` : e.uid;
}

/**
 * Copies of a calendar's events as rows; a changed occurrence of a series becomes its own row.
 * A repeat rule this calendar cannot expand safely (see RECURRENCE_LIMITS) is dropped: the
 * event is kept as its first occurrence, so no rule from outside is ever iterated unbounded.
 */
function toRows(events: RemoteEvent[], calendarName: string, rules = new RecurrenceBudget(RECURRENCE_LIMITS.syncWork)): Array<repo.NewCalendarEvent & { externalId: string }> {
  const live = events.filter((e) => !e.cancelled && e.uid);
  const overridden = new Map<string, string[]>();
  for (const e of events) {
    if (!e.recurrenceId) continue;
    overridden.set(e.uid, [...(overridden.get(e.uid) ?? []), e.recurrenceId.toISOString()]);
  }
  return live.map((e) => ({
    title: e.title.slice(0, 500),
    startsAt: e.start,
    endsAt: e.end < e.start ? e.start : e.end,
    allDay: e.allDay,
    location: e.location?.slice(0, 500) ?? null,
    notes: e.notes,
    rrule: e.recurrenceId ? null : safeRecurrence(e.rrule, e.start, e.timeZone, rules),
    exdates: e.recurrenceId ? [] : [...e.exdates.map((d) => d.toISOString()), ...(overridden.get(e.uid) ?? [])],
    timeZone: e.timeZone,
    source: CALDAV,
    externalId: externalId(e),
    externalUrl: e.url,
    externalEtag: e.etag,
    externalCalendar: e.calendarUrl,
    calendarName,
    reminderMinutes: e.alarms ?? [],
  }));
}

function syncRange(now: Date): { start: Date; end: Date } {
  return { start: new Date(now.getTime() - SYNC_PAST_DAYS * DAY_MS), end: new Date(now.getTime() + SYNC_FUTURE_DAYS * DAY_MS) };
}

/** Copies a connected calendar's events now (Google or CalDAV; a just-opened CalDAV client is reused). */
export async function syncConnection(ctx: AppContext, user: CalendarUser, row: connections.ConnectionRow, client?: CalDavClient): Promise<void> {
  const now = ctx.now();
  ctx.calendarSyncTimes.set(row.id, now.getTime());
  const range = syncRange(now);
  if (row.provider === GOOGLE) return syncGoogleConnection(ctx, user, row, range);
  try {
    const dav = client ?? (await openClient(ctx, user, row));
    const calendars = await dav.listCalendars();
    const rows: Array<repo.NewCalendarEvent & { externalId: string }> = [];
    // One budget for checking every rule of the sync, so a calendar full of costly rules stays cheap.
    const rules = new RecurrenceBudget(RECURRENCE_LIMITS.syncWork);
    for (const cal of calendars) rows.push(...toRows(await dav.listEvents(cal.url, range), cal.displayName, rules));
    // The same UID may be listed by two calendars; the first copy wins.
    const unique = [...new Map(rows.map((r) => [r.externalId, r])).values()];
    await repo.replaceExternalEvents(ctx.db, user.id, row.id, unique);
    await syncConnectedEventReminders(ctx, user.id, row.id);
    if (row.status === 'error') await connections.setConnectionStatus(ctx, user.id, row.id, 'ok', null);
    logEvent(ctx, 'calendar.synced', { userId: user.id, connectionId: row.id, events: unique.length });
  } catch (err) {
    if (!(err instanceof CalDavError)) throw err;
    // NOTE: the copies from the last good sync stay, so the agenda still shows them.
    await connections.setConnectionStatus(ctx, user.id, row.id, 'error', err.message);
    logEvent(ctx, 'calendar.sync_failed', { userId: user.id, connectionId: row.id, reason: err.reason });
  }
}

/** Refreshes the copies of every connected calendar of the user that was not read in the last minute. */
export async function syncExternalCalendars(ctx: AppContext, user: CalendarUser, options: { force?: boolean } = {}): Promise<void> {
  const rows = [...(await connections.userConnections(ctx, user.id, CALDAV)), ...(await googleCalendarConnections(ctx, user.id))];
  if (rows.length === 0) return;
  const seen = ctx.calendarSyncTimes;
  const now = ctx.now().getTime();
  await Promise.all(
    rows
      // abs(): a clock that was set back must not stop refreshing until it catches up.
      .filter((row) => options.force || !seen.has(row.id) || Math.abs(now - seen.get(row.id)!) >= SYNC_INTERVAL_MS)
      .map((row) => syncConnection(ctx, user, row)),
  );
}


async function connectionOf(ctx: AppContext, user: CalendarUser, event: repo.CalendarEventRow): Promise<connections.ConnectionRow> {
  const row = event.connectionId ? await connections.userConnection(ctx, user.id, event.connectionId) : undefined;
  if (!row) throw conflictError('The calendar this event belongs to is no longer connected');
  return row;
}

function failure(err: unknown): never {
  if (err instanceof CalDavError) {
    if (err.reason === 'not_found') throw conflictError('The event is no longer in the connected calendar');
    if (err.reason === 'conflict') throw conflictError('The event was changed in the connected calendar meanwhile; try again');
    throw unavailableError(`The connected calendar did not accept the change: ${err.message}`);
  }
  throw err;
}

/** Writes a change through to the external calendar, then refreshes the local copy from its answer. */
export async function updateExternalEvent(ctx: AppContext, user: CalendarUser, event: repo.CalendarEventRow, patch: EventPatch): Promise<repo.CalendarEventRow> {
  if (event.source === GOOGLE) return updateGoogleEvent(ctx, user, event, patch);
  const row = await connectionOf(ctx, user, event);
  try {
    const client = await openClient(ctx, user, row);
    const uid = event.externalId!.split('#')[0]!;
    const remote = await client.updateEvent({ url: event.externalUrl!, uid, calendarUrl: event.externalCalendar! }, patch);
    const [copy] = toRows([remote], event.calendarName ?? '');
    const updated = await repo.updateEvent(ctx.db, user.id, event.id, { ...copy, exdates: event.exdates });
    return updated ?? event;
  } catch (err) {
    return failure(err);
  }
}

export async function deleteExternalEvent(ctx: AppContext, user: CalendarUser, event: repo.CalendarEventRow): Promise<void> {
  if (event.source === GOOGLE) return deleteGoogleEvent(ctx, user, event);
  const row = await connectionOf(ctx, user, event);
  try {
    const client = await openClient(ctx, user, row);
    await client.deleteEvent({ url: event.externalUrl!, etag: null });
  } catch (err) {
    if (!(err instanceof CalDavError && err.reason === 'not_found')) failure(err);
  }
  await repo.deleteEvent(ctx.db, user.id, event.id);
}

/** Creates an event in one of the user's connected calendars and keeps a copy. */
export async function createExternalEvent(
  ctx: AppContext,
  user: CalendarUser,
  target: { connectionId: string; calendarUrl: string },
  input: NewRemoteEvent,
): Promise<repo.CalendarEventRow> {
  if (input.rrule) {
    try {
      input = { ...input, rrule: validateRecurrence(input.rrule, input.start, input.timeZone, ctx.now()) };
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      throw invalidInputError('recurrence', err.message);
    }
  }
  const row = await connections.userConnection(ctx, user.id, target.connectionId);
  if (row?.provider === GOOGLE) return createGoogleEvent(ctx, user, row, input);
  if (!row || row.provider !== CALDAV) throw conflictError('That calendar is no longer connected');
  const name = (row.settings as CalDavSettings).calendars?.find((c) => c.url === target.calendarUrl)?.name ?? 'Calendar';
  try {
    const client = await openClient(ctx, user, row);
    const remote = await client.createEvent(target.calendarUrl, input);
    const [copy] = toRows([remote], name);
    return await repo.insertEvent(ctx.db, user.id, { ...copy!, connectionId: row.id });
  } catch (err) {
    return failure(err);
  }
}

/** The user's connected calendars (CalDAV, and the primary Google calendar), for choosing where a new event goes. */
export async function listConnectedCalendars(ctx: AppContext, userId: string): Promise<Array<{ connectionId: string; url: string; name: string }>> {
  const rows = await connections.userConnections(ctx, userId, CALDAV);
  const caldav = rows.flatMap((r) => ((r.settings as CalDavSettings).calendars ?? []).map((c) => ({ connectionId: r.id, url: c.url, name: c.name })));
  return [...caldav, ...(await listGoogleCalendars(ctx, userId))];
}
