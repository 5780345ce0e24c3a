import * as z from 'zod';
import { IsoDateTime, nonBlank, Uuid } from './common.ts';
import { EventReminders } from './reminders.ts';

export const CalendarEventSource = z.enum(['local', 'google', 'caldav']).meta({ id: 'CalendarEventSource' });
export type CalendarEventSource = z.infer<typeof CalendarEventSource>;

/** An RRULE value (RFC 5545 3.3.10) without DTSTART, e.g. `FREQ=WEEKLY;BYDAY=TU`; UNTIL in UTC. */
export const RecurrenceRule = z
  .string()
  .trim()
  .min(6)
  .max(500)
  .regex(/^(?:RRULE:)?FREQ=(?:HOURLY|DAILY|WEEKLY|MONTHLY|YEARLY)(?:;[A-Z]+=[A-Z0-9,+\-:T]+)*$/i, 'Must be an RRULE such as FREQ=WEEKLY;BYDAY=TU')
  .meta({ description: 'RRULE value without DTSTART; the series starts at `start`', example: 'FREQ=WEEKLY;BYDAY=TU' });

/**
 * An event, or one occurrence of a repeating event (then `id` is the series' id and
 * `start`/`end` are the occurrence's; PATCH and DELETE act on the whole series).
 */
export const CalendarEvent = z
  .object({
    id: Uuid,
    title: z.string(),
    start: IsoDateTime,
    end: IsoDateTime,
    allDay: z.boolean(),
    location: z.string().nullable(),
    notes: z.string().nullable(),
    source: CalendarEventSource,
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
    recurrence: z.string().nullable().meta({ description: 'RRULE of the series, or null' }),
    timeZone: z.string().meta({ description: 'IANA zone whose wall clock the event follows' }),
    calendarName: z.string().nullable().meta({ description: 'Name of the external calendar it lives in, or null for the local calendar' }),
    reminders: z
      .array(z.number().int())
      .default(() => [])
      .meta({ description: 'Minutes before `start` to remind the user; each is a Reminder with this eventId' }),
  })
  .meta({ id: 'CalendarEvent' });
export type CalendarEvent = z.infer<typeof CalendarEvent>;

export const MAX_CALENDAR_RANGE_DAYS = 400;

export const ListCalendarEventsQuery = z
  .object({
    from: IsoDateTime.optional().meta({ description: 'Start of the range (default: start of today in the user zone)' }),
    to: IsoDateTime.optional().meta({ description: 'End of the range (default: `from` + 7 days)' }),
  })
  .meta({ id: 'ListCalendarEventsQuery' });

export const CalendarEventsResponse = z.object({
  events: z.array(CalendarEvent),
  truncated: z.literal(true).optional().meta({
    description:
      'Present (true) only when the listing was cut: more than 1,000 occurrences, or repeat rules too costly for one request. The events listed are the earliest found; ask for a shorter range.',
  }),
});
export const CalendarEventResponse = z.object({ event: CalendarEvent });

const Title = nonBlank(500);
const Text = (max: number) => z.string().max(max).nullable();

export const CreateCalendarEventBody = z
  .object({
    title: Title,
    start: IsoDateTime,
    end: IsoDateTime.optional().meta({ description: 'Defaults to start + 1 hour (all-day: the next day)' }),
    allDay: z.boolean().optional(),
    location: Text(500).optional(),
    notes: Text(5000).optional(),
    recurrence: RecurrenceRule.nullable().optional(),
    reminders: EventReminders.optional(),
  })
  .meta({ id: 'CreateCalendarEvent', example: { title: 'Haircut', start: '2026-12-03T09:00:00.000Z' } });
export type CreateCalendarEventBody = z.infer<typeof CreateCalendarEventBody>;

export const UpdateCalendarEventBody = z
  .object({
    title: Title.optional(),
    start: IsoDateTime.optional(),
    end: IsoDateTime.optional(),
    allDay: z.boolean().optional(),
    location: Text(500).optional(),
    notes: Text(5000).optional(),
    recurrence: RecurrenceRule.nullable().optional(),
    reminders: EventReminders.optional(),
  })
  .meta({ id: 'UpdateCalendarEvent' });
export type UpdateCalendarEventBody = z.infer<typeof UpdateCalendarEventBody>;

export const CalendarFeedUrlResponse = z
  .object({ url: z.url().meta({ description: 'Secret iCalendar URL; asking again revokes the previous one' }) })
  .meta({ id: 'CalendarFeedUrl' });

export const CalendarFeedParams = z.object({ token: z.string().min(20).max(100).regex(/^[A-Za-z0-9_-]+$/) });

/** Any CalDAV server: Fastmail, iCloud, Nextcloud, Radicale. */
export const CreateCalDavConnectionBody = z
  .object({
    url: z.url({ protocol: /^https?$/ }).max(2000),
    username: z.string().min(1).max(255),
    password: z.string().min(1).max(1024),
  })
  .meta({
    id: 'CreateCalDavConnection',
    example: { url: 'https://caldav.fastmail.com/dav/', username: 'alice@example.com', password: 'app-password' },
  });
export type CreateCalDavConnectionBody = z.infer<typeof CreateCalDavConnectionBody>;

/** A CalDAV account as `POST /api/connections/caldav` answers it (the Connection shape, provider "caldav"). */
export const CalDavConnection = z
  .object({
    id: Uuid,
    provider: z.literal('caldav'),
    account: z.string(),
    status: z.enum(['ok', 'error']),
    statusDetail: z.string().nullable(),
    createdAt: IsoDateTime,
    calendars: z.array(z.object({ name: z.string(), url: z.string() })),
  })
  .meta({ id: 'CalDavConnection' });
export type CalDavConnection = z.infer<typeof CalDavConnection>;

export const CalDavConnectionResponse = z.object({ connection: CalDavConnection });
