import { sql } from 'drizzle-orm';
import { index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid, varchar, date } from 'drizzle-orm/pg-core';
import { calendarEvents } from './calendar.ts';
import { sessions, users } from './core.ts';

/**
 * Something to tell the user at `due_at`: their own ("remind me at 5 to …"), or one
 * of an event's reminders (`event_id`, `minutes_before`). Delivery claims due rows
 * with FOR UPDATE SKIP LOCKED and a lease (`claimed_until`), so one instance
 * delivers each; the chat message's id is derived from the reminder's, so even a
 * lease that ran out mid-delivery cannot store it twice.
 */
export const reminders = pgTable(
  'reminders',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    text: varchar('text', { length: 1000 }).notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    eventId: uuid('event_id').references(() => calendarEvents.id, { onDelete: 'cascade' }),
    minutesBefore: integer('minutes_before'),
    // `event`: one of the event's own `reminders` (managed with the event); `user`: asked for
    // by the user, possibly relative to an event ("an hour before the dentist"), then moved with it.
    origin: varchar('origin', { length: 10 }).notNull().default('user'),
    // A repeating reminder ("every Monday at 8"): the RRULE and the zone its wall clock follows;
    // delivering one occurrence schedules the next as a new row.
    rrule: varchar('rrule', { length: 500 }),
    timeZone: varchar('time_zone', { length: 64 }),
    status: varchar('status', { length: 20 }).notNull().default('scheduled'),
    claimedUntil: timestamp('claimed_until', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    messageId: uuid('message_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // The due scan reads only this partial index, however many reminders were ever delivered.
    index('reminders_due_idx').on(t.dueAt).where(sql`${t.status} = 'scheduled'`),
    index('reminders_user_due_idx').on(t.userId, t.dueAt),
    // One reminder per event, offset and occurrence: re-syncing an event is idempotent.
    uniqueIndex('reminders_event_offset_uq').on(t.eventId, t.minutesBefore, t.dueAt).where(sql`${t.origin} = 'event'`),
  ],
);

/** Where to push notifications: a browser's Web Push subscription or an Expo push token, owned by one session. */
export const pushSubscriptions = pgTable(
  'push_subscriptions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    kind: varchar('kind', { length: 10 }).notNull(),
    // Web Push: the push service URL and the browser's keys (public by design); Expo: the token.
    endpoint: text('endpoint').notNull(),
    p256dh: varchar('p256dh', { length: 200 }),
    auth: varchar('auth', { length: 100 }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSentAt: timestamp('last_sent_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('push_subscriptions_user_endpoint_uq').on(t.userId, t.endpoint), index('push_subscriptions_session_idx').on(t.sessionId)],
);

/** One row per user and local day a briefing was sent (or found to have nothing to say): the once-a-day guard. */
export const briefingRuns = pgTable(
  'briefing_runs',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    day: date('day').notNull(),
    messageId: uuid('message_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.day] })],
);
