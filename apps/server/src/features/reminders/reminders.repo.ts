// The only place that queries the reminders table; every query of a user's rows is scoped by userId.
import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { reminders } from '../../db/schema/index.ts';

export type ReminderRow = typeof reminders.$inferSelect;
export type NewReminder = Pick<typeof reminders.$inferInsert, 'text' | 'dueAt' | 'eventId' | 'minutesBefore' | 'rrule' | 'timeZone' | 'origin'>;

export async function listReminders(db: Db, userId: string, statuses: string[]): Promise<ReminderRow[]> {
  return db
    .select()
    .from(reminders)
    .where(and(eq(reminders.userId, userId), inArray(reminders.status, statuses)))
    .orderBy(asc(reminders.dueAt), asc(reminders.createdAt));
}

export async function insertReminder(db: Db, userId: string, values: NewReminder): Promise<ReminderRow> {
  const [row] = await db.insert(reminders).values({ ...values, userId }).returning();
  return row!;
}

export async function findReminder(db: Db, userId: string, id: string): Promise<ReminderRow | undefined> {
  const [row] = await db
    .select()
    .from(reminders)
    .where(and(eq(reminders.userId, userId), eq(reminders.id, id), ne(reminders.status, 'cancelled')))
    .limit(1);
  return row;
}

export async function updateReminder(
  db: Db,
  userId: string,
  id: string,
  changes: Partial<Pick<ReminderRow, 'text' | 'dueAt' | 'status' | 'deliveredAt' | 'claimedUntil'>>,
): Promise<ReminderRow | undefined> {
  const [row] = await db
    .update(reminders)
    .set({ ...changes, updatedAt: sql`now()` })
    .where(and(eq(reminders.userId, userId), eq(reminders.id, id), ne(reminders.status, 'cancelled')))
    .returning();
  return row;
}

/**
 * Claims up to `limit` due reminders for this instance: a lease until `leaseUntil`.
 * SKIP LOCKED lets instances scanning at the same moment take different rows; an
 * instance that dies mid-delivery lets its lease run out and another takes over.
 */
export async function claimDue(db: Db, now: Date, leaseUntil: Date, limit: number): Promise<ReminderRow[]> {
  const result = (await db.execute(sql`
    update reminders set claimed_until = ${leaseUntil.toISOString()}::timestamptz
    where id in (
      select id from reminders
      where status = 'scheduled' and due_at <= ${now.toISOString()}::timestamptz
        and (claimed_until is null or claimed_until < ${now.toISOString()}::timestamptz)
      order by due_at
      limit ${limit}
      for update skip locked
    )
    returning id`)) as unknown as { rows: Array<{ id: string }> };
  const ids = result.rows.map((r) => r.id);
  if (ids.length === 0) return [];
  return db.select().from(reminders).where(inArray(reminders.id, ids)).orderBy(asc(reminders.dueAt));
}

/** The next due time after `after` (rows already due are the scan's, or another instance's while it holds them). */
export async function nextDueAt(db: Db, after: Date): Promise<Date | null> {
  const [row] = await db
    .select({ dueAt: reminders.dueAt })
    .from(reminders)
    .where(and(eq(reminders.status, 'scheduled'), sql`${reminders.dueAt} > ${after.toISOString()}::timestamptz`))
    .orderBy(asc(reminders.dueAt))
    .limit(1);
  return row?.dueAt ?? null;
}

/** Marks a claimed reminder delivered; false when it changed meanwhile (moved, cancelled, delivered). */
export async function markDelivered(db: Db, row: ReminderRow, messageId: string, deliveredAt: Date): Promise<boolean> {
  const done = await db
    .update(reminders)
    .set({ status: 'delivered', deliveredAt, messageId, claimedUntil: null, updatedAt: sql`now()` })
    .where(
      and(
        eq(reminders.id, row.id),
        eq(reminders.status, 'scheduled'),
        // Not moved meanwhile; compared in milliseconds, the precision the row was read with.
        sql`date_trunc('milliseconds', ${reminders.dueAt}) = ${row.dueAt.toISOString()}::timestamptz`,
      ),
    )
    .returning({ id: reminders.id });
  return done.length === 1;
}

/** Gives a claim back (the delivery failed): the next scan tries again. */
export async function releaseClaim(db: Db, id: string): Promise<void> {
  await db.update(reminders).set({ claimedUntil: null }).where(eq(reminders.id, id));
}

/**
 * Makes an event's scheduled reminders exactly `wanted` (by offset and due time):
 * others are removed, missing ones added, the text kept current. Delivered ones stay.
 */
export async function replaceEventReminders(
  db: Db,
  userId: string,
  eventId: string,
  wanted: Array<{ minutesBefore: number; dueAt: Date; text: string }>,
): Promise<void> {
  await db.transaction(async (tx) => {
    const scheduled = and(eq(reminders.userId, userId), eq(reminders.eventId, eventId), eq(reminders.status, 'scheduled'), eq(reminders.origin, 'event'));
    const key = (minutes: number | null, due: Date) => `${minutes}@${due.getTime()}`;
    const keep = new Set(wanted.map((w) => key(w.minutesBefore, w.dueAt)));
    const current = await tx.select({ id: reminders.id, minutesBefore: reminders.minutesBefore, dueAt: reminders.dueAt }).from(reminders).where(scheduled);
    const stale = current.filter((r) => !keep.has(key(r.minutesBefore, r.dueAt))).map((r) => r.id);
    if (stale.length) await tx.delete(reminders).where(inArray(reminders.id, stale));
    for (const w of wanted) {
      await tx
        .insert(reminders)
        .values({ userId, eventId, minutesBefore: w.minutesBefore, dueAt: w.dueAt, text: w.text, origin: 'event' })
        .onConflictDoNothing();
    }
    if (wanted[0]) await tx.update(reminders).set({ text: wanted[0].text, updatedAt: sql`now()` }).where(and(scheduled, ne(reminders.text, wanted[0].text)));
  });
}

/** The user's own reminders set relative to an event: they follow it when it moves. */
export async function listLinkedUserReminders(db: Db, userId: string, eventId: string): Promise<ReminderRow[]> {
  return db
    .select()
    .from(reminders)
    .where(and(eq(reminders.userId, userId), eq(reminders.eventId, eventId), eq(reminders.origin, 'user'), eq(reminders.status, 'scheduled')));
}

export async function exportReminders(db: Db, userId: string): Promise<ReminderRow[]> {
  return db.select().from(reminders).where(eq(reminders.userId, userId)).orderBy(asc(reminders.dueAt));
}

/** Reminders due between two instants (the daily briefing). */
export async function listScheduledBetween(db: Db, userId: string, from: Date, to: Date): Promise<ReminderRow[]> {
  return db
    .select()
    .from(reminders)
    .where(
      and(
        eq(reminders.userId, userId),
        eq(reminders.status, 'scheduled'),
        sql`${reminders.dueAt} >= ${from.toISOString()}::timestamptz and ${reminders.dueAt} < ${to.toISOString()}::timestamptz`,
      ),
    )
    .orderBy(asc(reminders.dueAt));
}
