// Google Calendar through the user's Google connection: copies of the primary calendar's
// events kept fresh in calendar_events (source 'google'), and moves/cancellations written
// through to Google.
import type { AppContext } from '../../context.ts';
import { conflictError, unavailableError } from '../../lib/errors.ts';
import { logEvent } from '../../lib/events.ts';
import { OAuthGrantRevokedError, OAuthTokenError } from '../connections/google-oauth.ts';
import {
  GoogleCalendarError,
  googleCalendarClient,
  type GoogleCalendarClient,
  type GoogleEvent,
} from '../../integrations/google-calendar/google-calendar.client.ts';
import type { EventPatch } from '../../integrations/caldav/icalendar-parse.ts';
import * as connections from '../connections/connections.service.ts';
import { googleAccessToken } from '../connections/google-tokens.ts';
import * as repo from './calendar.repo.ts';
import { safeFetch } from '../../lib/host-policy.ts';
import { syncConnectedEventReminders } from './calendar.service.ts';

export const GOOGLE = 'google';
const PRIMARY = 'primary';
/** How the primary calendar is named in replies ("Move X in Google Calendar ..."). */
const CALENDAR_NAME = 'Google Calendar';
const CALENDAR_SCOPE = 'https://www.googleapis.com/auth/calendar';

type CalendarUser = { id: string; timezone: string };
type GoogleSettings = { email?: string; scope?: string };

/** Google is configured on this server (without it no token can be refreshed). */
export function googleConfigured(ctx: AppContext): boolean {
  const g = ctx.config.google;
  return Boolean(g.clientId && g.clientSecret && g.redirectUri);
}

/** Connections made before the calendar scope was asked for cannot read the calendar; they are skipped until reconnected. */
export function grantsCalendar(row: connections.ConnectionRow): boolean {
  const scope = (row.settings as GoogleSettings).scope;
  return !scope || scope.split(/\s+/).includes(CALENDAR_SCOPE);
}

export async function googleCalendarConnections(ctx: AppContext, userId: string): Promise<connections.ConnectionRow[]> {
  if (!googleConfigured(ctx)) return [];
  return (await connections.userConnections(ctx, userId, GOOGLE)).filter(grantsCalendar);
}

function clientFor(ctx: AppContext, user: CalendarUser, row: connections.ConnectionRow): GoogleCalendarClient {
  return googleCalendarClient({
    getAccessToken: () => googleAccessToken(ctx, user.id, row.id),
    rootUrl: ctx.config.google.calendarApiUrl,
    fetch: safeFetch({ allowPrivate: ctx.config.allowPrivateHosts }),
    timeZone: user.timezone,
  });
}

/** Google expands series (singleEvents), so every occurrence is a row of its own without a repeat rule. */
function toRow(e: GoogleEvent, calendarName: string, timeZone: string): repo.NewCalendarEvent & { externalId: string } {
  return {
    title: e.title.slice(0, 500),
    startsAt: e.start,
    endsAt: e.end < e.start ? e.start : e.end,
    allDay: e.allDay,
    location: e.location?.slice(0, 500) ?? null,
    notes: e.notes,
    rrule: null,
    exdates: [],
    timeZone,
    source: GOOGLE,
    externalId: e.id,
    externalUrl: null,
    externalEtag: e.etag,
    externalCalendar: e.calendarId,
    calendarName,
    reminderMinutes: e.reminders ?? [],
  };
}

const isGoogleFailure = (err: unknown) => err instanceof GoogleCalendarError || err instanceof OAuthGrantRevokedError || err instanceof OAuthTokenError;

/** Copies the primary calendar's events in `range`; on failure the copies of the last good sync stay. */
export async function syncGoogleConnection(ctx: AppContext, user: CalendarUser, row: connections.ConnectionRow, range: { start: Date; end: Date }): Promise<void> {
  try {
    const events = await clientFor(ctx, user, row).listEvents(PRIMARY, range);
    const rows = [...new Map(events.map((e) => [e.id, toRow(e, CALENDAR_NAME, user.timezone)])).values()];
    await repo.replaceExternalEvents(ctx.db, user.id, row.id, rows);
    await syncConnectedEventReminders(ctx, user.id, row.id);
    logEvent(ctx, 'calendar.synced', { userId: user.id, connectionId: row.id, events: rows.length });
  } catch (err) {
    if (!isGoogleFailure(err)) throw err;
    // NOTE: the connection's status is shared with Gmail, so a calendar failure is only logged;
    // a revoked grant is marked on the connection by the token manager.
    ctx.log.warn({ err }, 'Google Calendar sync failed');
    logEvent(ctx, 'calendar.sync_failed', { userId: user.id, connectionId: row.id, reason: err instanceof GoogleCalendarError ? err.reason : 'auth' });
  }
}

function failure(err: unknown): never {
  if (err instanceof GoogleCalendarError) {
    if (err.reason === 'not_found') throw conflictError('The event is no longer in Google Calendar');
    if (err.reason === 'conflict') throw conflictError('The event was changed in Google Calendar meanwhile; try again');
    throw unavailableError(`Google Calendar did not accept the change: ${err.message}`);
  }
  if (err instanceof OAuthGrantRevokedError || err instanceof OAuthTokenError) {
    throw unavailableError(`Google Calendar did not accept the change: ${err.message}`);
  }
  throw err;
}

async function connectionOf(ctx: AppContext, user: CalendarUser, event: repo.CalendarEventRow): Promise<connections.ConnectionRow> {
  const row = event.connectionId ? await connections.userConnection(ctx, user.id, event.connectionId) : undefined;
  if (!row || row.provider !== GOOGLE) throw conflictError('The Google account this event belongs to is no longer connected');
  return row;
}

/** Changes the event in Google first, then the local copy from Google's answer. */
export async function updateGoogleEvent(ctx: AppContext, user: CalendarUser, event: repo.CalendarEventRow, patch: EventPatch): Promise<repo.CalendarEventRow> {
  const row = await connectionOf(ctx, user, event);
  try {
    const remote = await clientFor(ctx, user, row).updateEvent(event.externalCalendar ?? PRIMARY, event.externalId!, {
      ...(patch.title !== undefined ? { title: patch.title } : {}),
      ...(patch.location !== undefined ? { location: patch.location } : {}),
      ...(patch.notes !== undefined ? { notes: patch.notes } : {}),
      ...(patch.start ? { start: patch.start } : {}),
      ...(patch.end ? { end: patch.end } : {}),
      ...(patch.allDay !== undefined ? { allDay: patch.allDay } : {}),
    });
    const updated = await repo.updateEvent(ctx.db, user.id, event.id, toRow(remote, event.calendarName ?? CALENDAR_NAME, event.timeZone));
    return updated ?? event;
  } catch (err) {
    return failure(err);
  }
}

/** Creates an event in the primary Google calendar and keeps a copy (Google's own expansion of a series replaces it at the next sync). */
export async function createGoogleEvent(
  ctx: AppContext,
  user: CalendarUser,
  row: connections.ConnectionRow,
  input: { title: string; start: Date; end: Date; allDay: boolean; location?: string | null; notes?: string | null; rrule?: string | null },
): Promise<repo.CalendarEventRow> {
  try {
    const remote = await clientFor(ctx, user, row).createEvent(PRIMARY, input);
    const copy = toRow(remote, CALENDAR_NAME, user.timezone);
    return await repo.insertEvent(ctx.db, user.id, { ...copy, rrule: input.rrule ?? null, connectionId: row.id });
  } catch (err) {
    return failure(err);
  }
}

/** The primary calendar of each Google connection that may read it, for choosing where a new event goes. */
export async function listGoogleCalendars(ctx: AppContext, userId: string): Promise<Array<{ connectionId: string; url: string; name: string }>> {
  return (await googleCalendarConnections(ctx, userId)).map((r) => ({ connectionId: r.id, url: PRIMARY, name: CALENDAR_NAME }));
}

export async function deleteGoogleEvent(ctx: AppContext, user: CalendarUser, event: repo.CalendarEventRow): Promise<void> {
  const row = await connectionOf(ctx, user, event);
  try {
    await clientFor(ctx, user, row).deleteEvent(event.externalCalendar ?? PRIMARY, event.externalId!);
  } catch (err) {
    if (!(err instanceof GoogleCalendarError && err.reason === 'not_found')) failure(err);
  }
  await repo.deleteEvent(ctx.db, user.id, event.id);
}
