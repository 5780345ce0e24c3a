// The only place that queries calendar tables; every query is scoped by userId.
import { and, asc, eq, gte, inArray, isNotNull, lt, notInArray, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { calendarEvents, calendarFeedTokens } from '../../db/schema/index.ts';

export type CalendarEventRow = typeof calendarEvents.$inferSelect;
export type NewCalendarEvent = Omit<typeof calendarEvents.$inferInsert, 'id' | 'userId' | 'createdAt' | 'updatedAt'>;
export type CalendarEventChanges = Partial<NewCalendarEvent>;

/** Events that may overlap [from, to): single events by their span, every series that began before `to`. */
export async function listEventsInRange(db: Db, userId: string, from: Date, to: Date): Promise<CalendarEventRow[]> {
  return db
    .select()
    .from(calendarEvents)
    .where(
      and(
        eq(calendarEvents.userId, userId),
        lt(calendarEvents.startsAt, to),
        or(isNotNull(calendarEvents.rrule), gte(calendarEvents.endsAt, from)),
      ),
    )
    .orderBy(asc(calendarEvents.startsAt));
}

/** Repeating events of the user's local calendar. */
export async function countLocalSeries(db: Db, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(calendarEvents)
    .where(and(eq(calendarEvents.userId, userId), eq(calendarEvents.source, 'local'), isNotNull(calendarEvents.rrule)));
  return Number(row?.n ?? 0);
}

export async function findEvent(db: Db, userId: string, id: string): Promise<CalendarEventRow | undefined> {
  const [row] = await db
    .select()
    .from(calendarEvents)
    .where(and(eq(calendarEvents.userId, userId), eq(calendarEvents.id, id)))
    .limit(1);
  return row;
}

export async function insertEvent(db: Db, userId: string, values: NewCalendarEvent): Promise<CalendarEventRow> {
  const [row] = await db.insert(calendarEvents).values({ ...values, userId }).returning();
  return row!;
}

export async function updateEvent(db: Db, userId: string, id: string, changes: CalendarEventChanges): Promise<CalendarEventRow | undefined> {
  const [row] = await db
    .update(calendarEvents)
    .set({ ...changes, updatedAt: sql`now()` })
    .where(and(eq(calendarEvents.userId, userId), eq(calendarEvents.id, id)))
    .returning();
  return row;
}

export async function deleteEvent(db: Db, userId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(calendarEvents)
    .where(and(eq(calendarEvents.userId, userId), eq(calendarEvents.id, id)))
    .returning({ id: calendarEvents.id });
  return rows.length === 1;
}

/**
 * Replaces the copies of one connection's events with what the external calendar holds now:
 * rows are matched by external id (ids stay stable), new ones inserted, vanished ones removed.
 */
export async function replaceExternalEvents(
  db: Db,
  userId: string,
  connectionId: string,
  events: Array<NewCalendarEvent & { externalId: string }>,
): Promise<void> {
  await db.transaction(async (tx) => {
    const keep = events.map((e) => e.externalId);
    await tx
      .delete(calendarEvents)
      .where(
        and(
          eq(calendarEvents.userId, userId),
          eq(calendarEvents.connectionId, connectionId),
          keep.length ? notInArray(calendarEvents.externalId, keep) : sql`true`,
        ),
      );
    for (const e of events) {
      await tx
        .insert(calendarEvents)
        .values({ ...e, userId, connectionId })
        .onConflictDoUpdate({
          target: [calendarEvents.userId, calendarEvents.connectionId, calendarEvents.externalId],
          set: {
            title: e.title,
            startsAt: e.startsAt,
            endsAt: e.endsAt,
            allDay: e.allDay ?? false,
            location: e.location ?? null,
            notes: e.notes ?? null,
            rrule: e.rrule ?? null,
            exdates: e.exdates ?? [],
            timeZone: e.timeZone,
            externalUrl: e.externalUrl ?? null,
            externalEtag: e.externalEtag ?? null,
            externalCalendar: e.externalCalendar ?? null,
            calendarName: e.calendarName ?? null,
            // Alarms set in LifeOS on a copy stay until the calendar itself has some.
            reminderMinutes: sql`case when jsonb_array_length(excluded.reminder_minutes) > 0 then excluded.reminder_minutes else ${calendarEvents.reminderMinutes} end`,
            updatedAt: sql`now()`,
          },
        });
    }
  });
}

/** The copies of one connected calendar's events. */
export async function listConnectionEvents(db: Db, userId: string, connectionId: string): Promise<CalendarEventRow[]> {
  return db
    .select()
    .from(calendarEvents)
    .where(and(eq(calendarEvents.userId, userId), eq(calendarEvents.connectionId, connectionId)));
}

export async function exportEvents(db: Db, userId: string): Promise<CalendarEventRow[]> {
  return db.select().from(calendarEvents).where(eq(calendarEvents.userId, userId)).orderBy(asc(calendarEvents.startsAt));
}

export async function listAllEvents(db: Db, userId: string, sources: string[]): Promise<CalendarEventRow[]> {
  return db
    .select()
    .from(calendarEvents)
    .where(and(eq(calendarEvents.userId, userId), inArray(calendarEvents.source, sources)))
    .orderBy(asc(calendarEvents.startsAt));
}

/** Stores the hash of the user's feed token; the previous token stops working at once. */
export async function replaceFeedToken(db: Db, userId: string, tokenHash: string): Promise<void> {
  await db
    .insert(calendarFeedTokens)
    .values({ userId, tokenHash })
    .onConflictDoUpdate({ target: calendarFeedTokens.userId, set: { tokenHash, createdAt: sql`now()` } });
}

/** The one lookup not scoped by a user: the secret token is what names the user. */
export async function findUserIdByFeedToken(db: Db, tokenHash: string): Promise<string | undefined> {
  const [row] = await db
    .select({ userId: calendarFeedTokens.userId })
    .from(calendarFeedTokens)
    .where(eq(calendarFeedTokens.tokenHash, tokenHash))
    .limit(1);
  return row?.userId;
}

export async function feedTokenCreatedAt(db: Db, userId: string): Promise<Date | undefined> {
  const [row] = await db
    .select({ createdAt: calendarFeedTokens.createdAt })
    .from(calendarFeedTokens)
    .where(eq(calendarFeedTokens.userId, userId))
    .limit(1);
  return row?.createdAt;
}
