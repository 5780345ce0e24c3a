import ical, { ICalAlarmType } from 'ical-generator';
import { DateTime } from 'luxon';
import { tzlib_get_ical_block, tzlib_get_timezones } from 'timezones-ical-library';

/** One stored event as the feed needs it. */
export type FeedEvent = {
  id: string;
  /** UID to write as is (an event that came from elsewhere); else `id@uidDomain`. */
  uid?: string;
  title: string;
  start: Date;
  end: Date;
  allDay: boolean;
  location: string | null;
  notes: string | null;
  rrule: string | null;
  timeZone: string;
  exdates?: Date[] | null;
  /** Minutes before the start to alert (each a VALARM). */
  reminders?: number[];
  createdAt: Date;
  updatedAt: Date;
};

export type FeedOptions = {
  name: string;
  /** The user's zone: named in the feed so apps show it, and used for all-day dates. */
  timeZone: string;
  /** Host part of UIDs, so they stay unique across producers (RFC 5545 3.8.4.7). */
  uidDomain: string;
};

let knownZones: Set<string> | null = null;

/** Whether a VTIMEZONE definition exists for `zone` (DST rules travel with the feed). */
function hasVTimezone(zone: string): boolean {
  knownZones ??= new Set(tzlib_get_timezones() as string[]);
  return knownZones.has(zone);
}

function vtimezone(zone: string): string | null {
  if (!hasVTimezone(zone)) return null;
  const block = tzlib_get_ical_block(zone);
  return Array.isArray(block) ? (block[0] ?? null) : null;
}

/** For an all-day series RFC 5545 wants UNTIL as a DATE; ours is stored as a UTC instant. */
function untilAsDate(rrule: string, timeZone: string): string {
  return rrule.replace(/UNTIL=(\d{8}T\d{6}Z)/i, (_, until: string) => {
    const utc = DateTime.fromFormat(until, "yyyyLLdd'T'HHmmss'Z'", { zone: 'UTC' });
    return `UNTIL=${utc.setZone(timeZone).toFormat('yyyyLLdd')}`;
  });
}

/**
 * An RFC 5545 VCALENDAR for a subscription feed. A recurring timed event carries its zone
 * (TZID plus a VTIMEZONE), so the phone repeats it at the same wall-clock time across DST;
 * single timed events are exact UTC instants; all-day events are plain dates.
 */
export function buildICalFeed(events: FeedEvent[], opts: FeedOptions): string {
  // NOTE: no calendar-level zone in ical-generator: with one it writes DTSTAMP, CREATED and
  // LAST-MODIFIED as local times, which RFC 5545 requires in UTC. VTIMEZONEs are added below.
  const calendar = ical({
    name: opts.name,
    prodId: { company: 'LifeOS', product: 'Calendar', language: 'EN' },
    ttl: 60 * 15,
  });
  const zonesUsed = new Set<string>();
  for (const e of events) {
    const zone = e.rrule && !e.allDay && hasVTimezone(e.timeZone) ? e.timeZone : null;
    if (zone) zonesUsed.add(zone);
    const at = (d: Date) => (e.allDay || zone ? DateTime.fromJSDate(d, { zone: e.allDay ? e.timeZone : zone! }) : d);
    let repeating: string | null = null;
    if (e.rrule) {
      const rule = e.allDay ? untilAsDate(e.rrule, e.timeZone) : e.rrule;
      const exdates = (e.exdates ?? []).map((d) => {
        const local = DateTime.fromJSDate(d, { zone: e.allDay ? e.timeZone : (zone ?? 'UTC') });
        if (e.allDay) return `EXDATE;VALUE=DATE:${local.toFormat('yyyyLLdd')}`;
        return zone ? `EXDATE;TZID=${zone}:${local.toFormat("yyyyLLdd'T'HHmmss")}` : `EXDATE:${local.toFormat("yyyyLLdd'T'HHmmss'Z'")}`;
      });
      repeating = [`RRULE:${rule.replace(/^RRULE:/i, '')}`, ...exdates].join('\r\n');
    }
    const event = calendar.createEvent({
      id: e.uid ?? `${e.id}@${opts.uidDomain}`,
      start: at(e.start),
      end: at(e.end),
      allDay: e.allDay,
      timezone: zone,
      summary: e.title,
      location: e.location,
      description: e.notes,
      repeating,
      created: e.createdAt,
      lastModified: e.updatedAt,
      stamp: e.updatedAt,
    });
    for (const minutes of e.reminders ?? []) {
      event.createAlarm({ type: ICalAlarmType.display, trigger: minutes * 60, description: e.title });
    }
  }
  // Calendar properties first, then VTIMEZONEs, then events (RFC 5545 3.4 and 3.6.5).
  const text = calendar.toString();
  const header = hasVTimezone(opts.timeZone) ? [`X-WR-TIMEZONE:${opts.timeZone}`] : [];
  const blocks = [...zonesUsed].map(vtimezone).filter((b): b is string => b !== null);
  const insert = [...header, ...blocks.map((b) => b.replace(/\r?\n/g, '\r\n'))].map((b) => `${b}\r\n`).join('');
  const firstEvent = text.search(/BEGIN:VEVENT\r\n/);
  const cutAt = firstEvent === -1 ? text.lastIndexOf('END:VCALENDAR') : firstEvent;
  // Every content line ends in CRLF, the last one too (ical-generator leaves it off).
  const out = text.slice(0, cutAt) + insert + text.slice(cutAt);
  return out.endsWith('\r\n') ? out : `${out}\r\n`;
}
