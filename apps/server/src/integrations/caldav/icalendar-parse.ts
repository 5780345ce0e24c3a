import ICAL from 'ical.js';
import { DateTime } from 'luxon';

/** A VEVENT read from an iCalendar object, with instants resolved. */
export type ParsedEvent = {
  uid: string;
  title: string;
  start: Date;
  end: Date;
  allDay: boolean;
  location: string | null;
  notes: string | null;
  /** RRULE value, or null. */
  rrule: string | null;
  /** The IANA zone the event's clock times follow (its TZID, or the reader's zone). */
  timeZone: string;
  exdates: Date[];
  /** Set on a changed single occurrence of a series: the occurrence it replaces. */
  recurrenceId: Date | null;
  cancelled: boolean;
  /** Minutes before the start of each VALARM triggered relative to the start (at most 5). */
  alarms: number[];
};

/** VALARMs with a TRIGGER relative to the start, as minutes before it (0 to four weeks). */
function alarmMinutes(vevent: ICAL.Component): number[] {
  const minutes = new Set<number>();
  for (const alarm of vevent.getAllSubcomponents('valarm')) {
    const trigger = alarm.getFirstProperty('trigger');
    const value = trigger?.getFirstValue();
    if (!(value instanceof ICAL.Duration)) continue;
    if (String(trigger!.getParameter('related') ?? 'START').toUpperCase() !== 'START') continue;
    const before = Math.round(-value.toSeconds() / 60);
    if (before >= 0 && before <= 40_320) minutes.add(before);
  }
  return [...minutes].sort((a, b) => a - b).slice(0, 5);
}

function isIanaZone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid;
}

/** The instant of an ICAL.Time, resolving TZID through IANA names, then the object's VTIMEZONEs. */
function toInstant(time: ICAL.Time, tzid: string | null, calendar: ICAL.Component, fallbackZone: string): { at: Date; zone: string } {
  const utc = time.zone === ICAL.Timezone.utcTimezone || time.zone?.tzid === 'UTC' || time.toString().endsWith('Z');
  const wall = { year: time.year, month: time.month, day: time.day, hour: time.isDate ? 0 : time.hour, minute: time.isDate ? 0 : time.minute, second: time.isDate ? 0 : time.second };
  if (utc && !time.isDate) return { at: new Date(Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second)), zone: fallbackZone };
  if (tzid && isIanaZone(tzid)) return { at: DateTime.fromObject(wall, { zone: tzid }).toJSDate(), zone: tzid };
  if (tzid) {
    const vtz = calendar.getAllSubcomponents('vtimezone').find((c) => c.getFirstPropertyValue('tzid') === tzid);
    if (vtz) {
      const zoned = new ICAL.Time({ ...wall, isDate: false }, new ICAL.Timezone(vtz));
      return { at: new Date(zoned.toUnixTime() * 1000), zone: fallbackZone };
    }
  }
  // Floating time (or an unknown TZID): the reader's own wall clock.
  return { at: DateTime.fromObject(wall, { zone: fallbackZone }).toJSDate(), zone: fallbackZone };
}

function timesOf(prop: ICAL.Property, calendar: ICAL.Component, zone: string): Date[] {
  const tzid = (prop.getParameter('tzid') as string | undefined) ?? null;
  return prop.getValues().filter((v): v is ICAL.Time => v instanceof ICAL.Time).map((t) => toInstant(t, tzid, calendar, zone).at);
}

/** Reads every VEVENT of an iCalendar text; `fallbackZone` interprets floating times. */
export function parseICalendar(text: string, fallbackZone: string): ParsedEvent[] {
  const calendar = ICAL.Component.fromString(text);
  const events: ParsedEvent[] = [];
  for (const vevent of calendar.getAllSubcomponents('vevent')) {
    const dtstart = vevent.getFirstProperty('dtstart');
    const startValue = dtstart?.getFirstValue();
    if (!dtstart || !(startValue instanceof ICAL.Time)) continue;
    const tzid = (dtstart.getParameter('tzid') as string | undefined) ?? null;
    const allDay = startValue.isDate;
    const { at: start, zone } = toInstant(startValue, tzid, calendar, fallbackZone);
    let end: Date;
    const dtend = vevent.getFirstProperty('dtend');
    const endValue = dtend?.getFirstValue();
    const duration = vevent.getFirstPropertyValue('duration');
    if (dtend && endValue instanceof ICAL.Time) {
      end = toInstant(endValue, (dtend.getParameter('tzid') as string | undefined) ?? null, calendar, zone).at;
    } else if (duration instanceof ICAL.Duration) {
      end = allDay
        ? DateTime.fromJSDate(start, { zone }).plus({ days: duration.toSeconds() / 86_400 }).toJSDate()
        : new Date(start.getTime() + duration.toSeconds() * 1000);
    } else {
      end = allDay ? DateTime.fromJSDate(start, { zone }).plus({ days: 1 }).toJSDate() : start;
    }
    const rrule = vevent.getFirstPropertyValue('rrule');
    const recurrenceId = vevent.getFirstProperty('recurrence-id');
    const text = (name: string) => {
      const v = vevent.getFirstPropertyValue(name);
      return typeof v === 'string' && v.trim() ? v : null;
    };
    events.push({
      uid: String(vevent.getFirstPropertyValue('uid') ?? ''),
      title: text('summary') ?? '(no title)',
      start,
      end,
      allDay,
      location: text('location'),
      notes: text('description'),
      rrule: rrule instanceof ICAL.Recur ? rrule.toString() : null,
      timeZone: zone,
      exdates: vevent.getAllProperties('exdate').flatMap((p) => timesOf(p, calendar, zone)),
      recurrenceId: recurrenceId ? (timesOf(recurrenceId, calendar, zone)[0] ?? null) : null,
      cancelled: String(vevent.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED',
      alarms: alarmMinutes(vevent),
    });
  }
  return events;
}

/** Changes of an event that can be written back into its iCalendar object. */
export type EventPatch = { title?: string; start?: Date; end?: Date; allDay?: boolean; location?: string | null; notes?: string | null };

function icalTimeFor(instant: Date, allDay: boolean, zone: string | null): ICAL.Time {
  if (allDay) {
    const d = DateTime.fromJSDate(instant, { zone: zone ?? 'UTC' });
    return ICAL.Time.fromData({ year: d.year, month: d.month, day: d.day, isDate: true });
  }
  if (!zone) return ICAL.Time.fromJSDate(instant, true);
  const d = DateTime.fromJSDate(instant, { zone });
  return ICAL.Time.fromData({ year: d.year, month: d.month, day: d.day, hour: d.hour, minute: d.minute, second: d.second, isDate: false });
}

function setTime(vevent: ICAL.Component, name: 'dtstart' | 'dtend', instant: Date, allDay: boolean, zone: string | null): void {
  let prop = vevent.getFirstProperty(name);
  if (!prop) {
    prop = new ICAL.Property(name);
    vevent.addProperty(prop);
  }
  prop.removeParameter('tzid');
  prop.removeParameter('value');
  prop.resetType(allDay ? 'date' : 'date-time');
  prop.setValue(icalTimeFor(instant, allDay, zone));
  if (!allDay && zone) prop.setParameter('tzid', zone);
}

/**
 * Applies `patch` to the master VEVENT `uid` of an iCalendar text, keeping everything else
 * (attendees, alarms, other properties) and bumping SEQUENCE as RFC 5546 asks of a change.
 */
export function patchICalendar(text: string, uid: string, patch: EventPatch, fallbackZone: string, now: Date): string {
  const calendar = ICAL.Component.fromString(text);
  const vevent = calendar
    .getAllSubcomponents('vevent')
    .find((v) => String(v.getFirstPropertyValue('uid')) === uid && !v.getFirstProperty('recurrence-id'));
  if (!vevent) throw new Error(`No VEVENT with UID ${uid}`);
  const current = parseICalendar(text, fallbackZone).find((e) => e.uid === uid && !e.recurrenceId);
  if (!current) throw new Error(`Unreadable VEVENT ${uid}`);
  const tzid = (vevent.getFirstProperty('dtstart')?.getParameter('tzid') as string | undefined) ?? null;
  const zone = tzid && isIanaZone(tzid) ? tzid : null;
  if (patch.title !== undefined) vevent.updatePropertyWithValue('summary', patch.title);
  for (const [name, value] of [['location', patch.location], ['description', patch.notes]] as const) {
    if (value === undefined) continue;
    if (value === null || value === '') vevent.removeAllProperties(name);
    else vevent.updatePropertyWithValue(name, value);
  }
  if (patch.start !== undefined || patch.end !== undefined || patch.allDay !== undefined) {
    const allDay = patch.allDay ?? current.allDay;
    const start = patch.start ?? current.start;
    const end = patch.end ?? new Date(start.getTime() + (current.end.getTime() - current.start.getTime()));
    vevent.removeAllProperties('duration');
    setTime(vevent, 'dtstart', start, allDay, allDay ? current.timeZone : zone);
    setTime(vevent, 'dtend', end, allDay, allDay ? current.timeZone : zone);
  }
  const sequence = Number(vevent.getFirstPropertyValue('sequence') ?? 0);
  vevent.updatePropertyWithValue('sequence', Number.isFinite(sequence) ? sequence + 1 : 1);
  vevent.updatePropertyWithValue('dtstamp', ICAL.Time.fromJSDate(now, true));
  vevent.updatePropertyWithValue('last-modified', ICAL.Time.fromJSDate(now, true));
  return calendar.toString();
}
