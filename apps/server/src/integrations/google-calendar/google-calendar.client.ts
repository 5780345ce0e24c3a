import { calendar, type calendar_v3 } from '@googleapis/calendar';
import { DateTime } from 'luxon';
import type { Interval } from '../../features/calendar/zoned-time.ts';

export type GoogleCalendarOptions = {
  /** A fresh OAuth access token with a calendar scope (the Google connection refreshes it). */
  getAccessToken: () => Promise<string>;
  /** API root; Google's by default. Tests point it at a local server. */
  rootUrl?: string;
  /** How Google is reached (the server passes its host-policy fetch); global fetch by default. */
  fetch?: typeof globalThis.fetch | undefined;
  /** The user's zone: all-day dates and new events are written in it. */
  timeZone: string;
};

export type GoogleCalendarInfo = { id: string; name: string; primary: boolean; canWrite: boolean; timeZone: string | null };

export type GoogleEvent = {
  id: string;
  calendarId: string;
  title: string;
  start: Date;
  end: Date;
  allDay: boolean;
  location: string | null;
  notes: string | null;
  /** Set on an occurrence of a series: the series' id. */
  recurringEventId: string | null;
  etag: string | null;
  /** Minutes before the start of the event's own popup reminders (the calendar's defaults are not read). */
  reminders: number[];
};

export type GoogleEventInput = {
  title?: string;
  start?: Date;
  end?: Date;
  allDay?: boolean;
  location?: string | null;
  notes?: string | null;
  /** RRULE value for a new series. */
  rrule?: string | null;
};

export class GoogleCalendarError extends Error {
  readonly reason: 'auth' | 'not_found' | 'conflict' | 'rate_limited' | 'server';
  readonly status: number | null;
  constructor(reason: GoogleCalendarError['reason'], status: number | null, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GoogleCalendarError';
    this.reason = reason;
    this.status = status;
  }
}

function failure(err: unknown, what: string): GoogleCalendarError {
  const e = err as { status?: number; response?: { status?: number; data?: { error?: { message?: string } } }; message?: string };
  const status = e.status ?? e.response?.status ?? null;
  const detail = e.response?.data?.error?.message ?? e.message ?? String(err);
  if (status === 401 || status === 403) return new GoogleCalendarError('auth', status, `Google Calendar refused access (${what}): ${detail}`, { cause: err });
  if (status === 404 || status === 410) return new GoogleCalendarError('not_found', status, `Not found in Google Calendar (${what})`, { cause: err });
  if (status === 409 || status === 412) return new GoogleCalendarError('conflict', status, `Changed in Google Calendar meanwhile (${what})`, { cause: err });
  if (status === 429) return new GoogleCalendarError('rate_limited', status, 'Google Calendar asks to slow down', { cause: err });
  return new GoogleCalendarError('server', status, `Google Calendar ${what} failed: ${detail}`, { cause: err });
}

function readTime(t: calendar_v3.Schema$EventDateTime | undefined, zone: string): { at: Date; allDay: boolean } | null {
  if (t?.dateTime) return { at: new Date(t.dateTime), allDay: false };
  if (t?.date) return { at: DateTime.fromISO(t.date, { zone: t.timeZone ?? zone }).toJSDate(), allDay: true };
  return null;
}

function writeTime(at: Date, allDay: boolean, zone: string): calendar_v3.Schema$EventDateTime {
  if (allDay) return { date: DateTime.fromJSDate(at, { zone }).toISODate()!, dateTime: null };
  return { dateTime: at.toISOString(), timeZone: zone, date: null };
}

/** A thin client over the Google Calendar v3 API (events and calendar list). */
export function googleCalendarClient(opts: GoogleCalendarOptions) {
  const api = calendar({ version: 'v3', ...(opts.rootUrl ? { rootUrl: opts.rootUrl } : {}), ...(opts.fetch ? { fetchImplementation: opts.fetch } : {}) });
  const auth = async () => ({ headers: { Authorization: `Bearer ${await opts.getAccessToken()}` } });

  function toEvent(e: calendar_v3.Schema$Event, calendarId: string): GoogleEvent | null {
    const start = readTime(e.start, opts.timeZone);
    const end = readTime(e.end, opts.timeZone);
    if (!e.id || !start || e.status === 'cancelled') return null;
    return {
      id: e.id,
      calendarId,
      title: e.summary ?? '(no title)',
      start: start.at,
      end: end?.at ?? start.at,
      allDay: start.allDay,
      location: e.location ?? null,
      notes: e.description ?? null,
      recurringEventId: e.recurringEventId ?? null,
      etag: e.etag ?? null,
      reminders: [...new Set((e.reminders?.overrides ?? []).map((o) => o.minutes).filter((m): m is number => typeof m === 'number' && m >= 0 && m <= 40_320))].slice(0, 5),
    };
  }

  function body(input: GoogleEventInput): calendar_v3.Schema$Event {
    const b: calendar_v3.Schema$Event = {};
    if (input.title !== undefined) b.summary = input.title;
    if (input.location !== undefined) b.location = input.location;
    if (input.notes !== undefined) b.description = input.notes;
    const allDay = input.allDay ?? false;
    if (input.start) b.start = writeTime(input.start, allDay, opts.timeZone);
    if (input.end) b.end = writeTime(input.end, allDay, opts.timeZone);
    if (input.rrule) b.recurrence = [`RRULE:${input.rrule.replace(/^RRULE:/i, '')}`];
    return b;
  }

  return {
    async listCalendars(): Promise<GoogleCalendarInfo[]> {
      const out: GoogleCalendarInfo[] = [];
      let pageToken: string | undefined;
      try {
        do {
          const res = await api.calendarList.list({ pageToken, maxResults: 250 }, await auth());
          for (const c of res.data.items ?? []) {
            if (!c.id) continue;
            out.push({
              id: c.id,
              name: c.summaryOverride ?? c.summary ?? c.id,
              primary: c.primary === true,
              canWrite: c.accessRole === 'owner' || c.accessRole === 'writer',
              timeZone: c.timeZone ?? null,
            });
          }
          pageToken = res.data.nextPageToken ?? undefined;
        } while (pageToken);
      } catch (err) {
        throw failure(err, 'listing calendars');
      }
      return out;
    },

    /** Occurrences overlapping `range` (Google expands series), sorted by start. */
    async listEvents(calendarId: string, range: Interval): Promise<GoogleEvent[]> {
      const out: GoogleEvent[] = [];
      let pageToken: string | undefined;
      try {
        do {
          const res = await api.events.list(
            {
              calendarId,
              timeMin: range.start.toISOString(),
              timeMax: range.end.toISOString(),
              singleEvents: true,
              orderBy: 'startTime',
              maxResults: 250,
              pageToken,
            },
            await auth(),
          );
          for (const e of res.data.items ?? []) {
            const event = toEvent(e, calendarId);
            if (event) out.push(event);
          }
          pageToken = res.data.nextPageToken ?? undefined;
        } while (pageToken);
      } catch (err) {
        throw failure(err, 'listing events');
      }
      return out.sort((a, b) => a.start.getTime() - b.start.getTime());
    },

    async createEvent(calendarId: string, input: GoogleEventInput & { title: string; start: Date; end: Date }): Promise<GoogleEvent> {
      try {
        const res = await api.events.insert({ calendarId, requestBody: body(input) }, await auth());
        const event = toEvent(res.data, calendarId);
        if (!event) throw new GoogleCalendarError('server', null, 'Google Calendar returned no event');
        return event;
      } catch (err) {
        throw err instanceof GoogleCalendarError ? err : failure(err, 'creating an event');
      }
    },

    async updateEvent(calendarId: string, eventId: string, patch: GoogleEventInput): Promise<GoogleEvent> {
      try {
        const res = await api.events.patch({ calendarId, eventId, requestBody: body(patch) }, await auth());
        const event = toEvent(res.data, calendarId);
        if (!event) throw new GoogleCalendarError('server', null, 'Google Calendar returned no event');
        return event;
      } catch (err) {
        throw err instanceof GoogleCalendarError ? err : failure(err, 'updating an event');
      }
    },

    async deleteEvent(calendarId: string, eventId: string): Promise<void> {
      try {
        await api.events.delete({ calendarId, eventId }, await auth());
      } catch (err) {
        throw failure(err, 'deleting an event');
      }
    },
  };
}

export type GoogleCalendarClient = ReturnType<typeof googleCalendarClient>;
