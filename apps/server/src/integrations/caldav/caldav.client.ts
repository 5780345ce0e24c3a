import { randomUUID } from 'node:crypto';
import { DAVClient, type DAVCalendar, type DAVCalendarObject } from 'tsdav';
import { buildICalFeed } from '../../features/calendar/ical-feed.ts';
import { parseICalendar, patchICalendar, type EventPatch, type ParsedEvent } from './icalendar-parse.ts';
import type { Interval } from '../../features/calendar/zoned-time.ts';
import { HostNotAllowedError, safeFetch, type HostPolicy } from '../../lib/host-policy.ts';

export type CalDavCredentials = { url: string; username: string; password: string };

export type RemoteCalendar = { url: string; displayName: string; ctag: string | null; color: string | null };

/** An event in a CalDAV calendar: where it lives, its version, and what it says. */
export type RemoteEvent = ParsedEvent & { url: string; etag: string | null; calendarUrl: string };

export type NewRemoteEvent = {
  title: string;
  start: Date;
  end: Date;
  allDay: boolean;
  location?: string | null;
  notes?: string | null;
  rrule?: string | null;
  timeZone: string;
};

/** Why a CalDAV call failed, in words a user can act on. */
export class CalDavError extends Error {
  readonly reason: 'auth' | 'unreachable' | 'not_found' | 'conflict' | 'server';
  constructor(reason: CalDavError['reason'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CalDavError';
    this.reason = reason;
  }
}

function refusal(err: unknown): HostNotAllowedError | null {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) if (e instanceof HostNotAllowedError) return e;
  return null;
}

function failure(err: unknown, what: string): CalDavError {
  if (err instanceof CalDavError) return err;
  const refused = refusal(err);
  if (refused) return new CalDavError('unreachable', `The CalDAV server pointed to a host this server may not connect to: ${refused.message} (${what})`, { cause: err });
  const message = err instanceof Error ? err.message : String(err);
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|fetch failed|socket/i.test(message + String((err as { cause?: unknown })?.cause ?? ''))) {
    return new CalDavError('unreachable', `Could not reach the CalDAV server (${what})`, { cause: err });
  }
  if (/401|403|unauthori[sz]ed|Invalid credentials/i.test(message)) {
    return new CalDavError('auth', 'The CalDAV server rejected the user name or password', { cause: err });
  }
  return new CalDavError('server', `CalDAV ${what} failed: ${message}`, { cause: err });
}

async function checkResponse(res: Response, what: string): Promise<void> {
  if (res.ok) return;
  if (res.status === 401 || res.status === 403) throw new CalDavError('auth', 'The CalDAV server rejected the user name or password');
  if (res.status === 404 || res.status === 410) throw new CalDavError('not_found', `The event is no longer on the CalDAV server (${what})`);
  if (res.status === 412 || res.status === 409) throw new CalDavError('conflict', `The event changed on the CalDAV server meanwhile (${what})`);
  throw new CalDavError('server', `CalDAV ${what} failed with HTTP ${res.status}`);
}

function displayName(c: DAVCalendar): string {
  const name = c.displayName;
  if (typeof name === 'string' && name.trim()) return name;
  return decodeURIComponent(c.url.replace(/\/$/, '').split('/').pop() ?? 'Calendar');
}

export type CalDavClient = Awaited<ReturnType<typeof connectCalDav>>;

/**
 * Logs in to a CalDAV server (RFC 4791) and discovers the user's calendars.
 * Throws CalDavError('auth') for a wrong password, ('unreachable') when nothing answers.
 * `timeZone` reads floating times in events. Every request, whatever URL the server
 * names (its `.well-known` redirect, principal, home, calendar and event hrefs), goes
 * through the host policy `hosts`.
 */
export async function connectCalDav(creds: CalDavCredentials, opts: { timeZone: string; hosts: HostPolicy }) {
  const dav = new DAVClient({
    serverUrl: creds.url,
    credentials: { username: creds.username, password: creds.password },
    authMethod: 'Basic',
    defaultAccountType: 'caldav',
    fetch: safeFetch(opts.hosts),
  });
  try {
    await dav.login();
  } catch (err) {
    throw failure(err, 'login');
  }

  const calendarsByUrl = new Map<string, DAVCalendar>();

  async function fetchCalendars(): Promise<DAVCalendar[]> {
    try {
      const calendars = (await dav.fetchCalendars()).filter((c) => !c.components || c.components.includes('VEVENT'));
      for (const c of calendars) calendarsByUrl.set(c.url, c);
      return calendars;
    } catch (err) {
      throw failure(err, 'listing calendars');
    }
  }

  async function calendar(url: string): Promise<DAVCalendar> {
    const known = calendarsByUrl.get(url) ?? (await fetchCalendars(), calendarsByUrl.get(url));
    if (!known) throw new CalDavError('not_found', 'That calendar is not on the CalDAV server');
    return known;
  }

  function toRemote(object: DAVCalendarObject, calendarUrl: string): RemoteEvent[] {
    if (typeof object.data !== 'string' || !object.data.includes('BEGIN:VCALENDAR')) return [];
    try {
      return parseICalendar(object.data, opts.timeZone).map((e) => ({ ...e, url: object.url, etag: object.etag ?? null, calendarUrl }));
    } catch {
      return []; // NOTE: one malformed object must not hide the rest of the calendar.
    }
  }

  async function fetchObject(url: string, calendarUrl: string): Promise<DAVCalendarObject> {
    const cal = await calendar(calendarUrl);
    let object: DAVCalendarObject | undefined;
    try {
      [object] = await dav.fetchCalendarObjects({ calendar: cal, objectUrls: [url] });
    } catch (err) {
      if (/\b(?:404|410)\b/.test(String((err as Error)?.message))) throw new CalDavError('not_found', 'The event is no longer on the CalDAV server');
      throw failure(err, 'reading an event');
    }
    if (!object || typeof object.data !== 'string') throw new CalDavError('not_found', 'The event is no longer on the CalDAV server');
    return object;
  }

  return {
    /** Calendars of the logged-in user that can hold events. */
    async listCalendars(): Promise<RemoteCalendar[]> {
      return (await fetchCalendars()).map((c) => ({
        url: c.url,
        displayName: displayName(c),
        ctag: c.ctag ?? null,
        color: typeof c.calendarColor === 'string' ? c.calendarColor : null,
      }));
    },

    /** Events of one calendar overlapping `range` (the server filters; series come whole). */
    async listEvents(calendarUrl: string, range: Interval): Promise<RemoteEvent[]> {
      const cal = await calendar(calendarUrl);
      try {
        const objects = await dav.fetchCalendarObjects({
          calendar: cal,
          timeRange: { start: range.start.toISOString(), end: range.end.toISOString() },
        });
        return objects.flatMap((o) => toRemote(o, calendarUrl));
      } catch (err) {
        throw failure(err, 'listing events');
      }
    },

    async createEvent(calendarUrl: string, input: NewRemoteEvent): Promise<RemoteEvent> {
      const cal = await calendar(calendarUrl);
      const id = randomUUID();
      const now = new Date();
      const ics = buildICalFeed(
        [{ id, title: input.title, start: input.start, end: input.end, allDay: input.allDay, location: input.location ?? null, notes: input.notes ?? null, rrule: input.rrule ?? null, timeZone: input.timeZone, createdAt: now, updatedAt: now }],
        { name: 'event', timeZone: input.timeZone, uidDomain: 'lifeos' },
      );
      const filename = `${id}.ics`;
      let res: Response;
      try {
        res = await dav.createCalendarObject({ calendar: cal, iCalString: ics, filename });
      } catch (err) {
        throw failure(err, 'creating an event');
      }
      await checkResponse(res, 'creating an event');
      const url = new URL(filename, cal.url.endsWith('/') ? cal.url : `${cal.url}/`).href;
      const created = toRemote(await fetchObject(url, calendarUrl), calendarUrl).find((e) => !e.recurrenceId);
      if (!created) throw new CalDavError('server', 'The CalDAV server did not keep the new event');
      return created;
    },

    /** Rewrites an event in place (other properties kept); fails with 'conflict' if it changed meanwhile. */
    async updateEvent(event: Pick<RemoteEvent, 'url' | 'uid' | 'calendarUrl'>, patch: EventPatch): Promise<RemoteEvent> {
      const object = await fetchObject(event.url, event.calendarUrl);
      const data = patchICalendar(object.data as string, event.uid, patch, opts.timeZone, new Date());
      let res: Response;
      try {
        res = await dav.updateCalendarObject({ calendarObject: { url: object.url, etag: object.etag, data } });
      } catch (err) {
        throw failure(err, 'updating an event');
      }
      await checkResponse(res, 'updating an event');
      const updated = toRemote(await fetchObject(event.url, event.calendarUrl), event.calendarUrl).find((e) => e.uid === event.uid && !e.recurrenceId);
      if (!updated) throw new CalDavError('server', 'The CalDAV server lost the event while updating it');
      return updated;
    },

    async deleteEvent(event: Pick<RemoteEvent, 'url' | 'etag'>): Promise<void> {
      let res: Response;
      try {
        res = await dav.deleteCalendarObject({ calendarObject: { url: event.url, etag: event.etag ?? undefined } });
      } catch (err) {
        throw failure(err, 'deleting an event');
      }
      await checkResponse(res, 'deleting an event');
    },

    /** Creates a calendar in the user's calendar home (MKCALENDAR). */
    async createCalendar(name: string): Promise<RemoteCalendar> {
      const home = dav.account?.homeUrl;
      if (!home) throw new CalDavError('server', 'The CalDAV server named no calendar home');
      const url = new URL(`${randomUUID()}/`, home).href;
      try {
        await dav.makeCalendar({ url, props: { displayname: name } });
      } catch (err) {
        throw failure(err, 'creating a calendar');
      }
      const created = (await this.listCalendars()).find((c) => c.url === url || c.url === new URL(url).pathname);
      if (!created) throw new CalDavError('server', 'The CalDAV server did not create the calendar');
      return created;
    },
  };
}
