import { boolean, index, jsonb, pgTable, text, timestamp, unique, uuid, varchar } from 'drizzle-orm/pg-core';
import { connections } from './connections.ts';
import { users } from './core.ts';

/**
 * A user's events: their own (source `local`) and copies of events from connected
 * calendars (`caldav`, `google`), refreshed from there. Times are instants; `time_zone`
 * is the zone whose wall clock a series or an all-day date follows.
 */
export const calendarEvents = pgTable(
  'calendar_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    title: varchar('title', { length: 500 }).notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    allDay: boolean('all_day').notNull().default(false),
    location: varchar('location', { length: 500 }),
    notes: text('notes'),
    // RRULE value without DTSTART (the series starts at starts_at); UNTIL in UTC.
    rrule: varchar('rrule', { length: 500 }),
    // Starts (ISO instants) of occurrences removed from the series.
    exdates: jsonb('exdates').$type<string[]>().notNull().default([]),
    timeZone: varchar('time_zone', { length: 64 }).notNull(),
    source: varchar('source', { length: 20 }).notNull().default('local'),
    connectionId: uuid('connection_id').references(() => connections.id, { onDelete: 'cascade' }),
    // The event's identity in the external calendar: UID, its object URL and version, its calendar.
    externalId: varchar('external_id', { length: 1000 }),
    externalUrl: text('external_url'),
    externalEtag: varchar('external_etag', { length: 255 }),
    externalCalendar: text('external_calendar'),
    calendarName: varchar('calendar_name', { length: 255 }),
    // Minutes before the start to remind the user (VALARM); each becomes a row in `reminders`.
    reminderMinutes: jsonb('reminder_minutes').$type<number[]>().notNull().default([]),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('calendar_events_user_start_idx').on(t.userId, t.startsAt),
    unique('calendar_events_external_key').on(t.userId, t.connectionId, t.externalId),
  ],
);

/** The secret of a user's iCalendar subscription URL, stored hashed; a new one replaces the old. */
export const calendarFeedTokens = pgTable('calendar_feed_tokens', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  // SHA-256 (hex) of the token; the token itself is only ever in the URL given to the user.
  tokenHash: varchar('token_hash', { length: 64 }).notNull().unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
