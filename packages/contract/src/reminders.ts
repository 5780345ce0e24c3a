import * as z from 'zod';
import { IsoDateTime, nonBlank, Uuid } from './common.ts';

export const ReminderStatus = z.enum(['scheduled', 'delivered', 'cancelled']).meta({ id: 'ReminderStatus' });
export type ReminderStatus = z.infer<typeof ReminderStatus>;

/** Something LifeOS tells the user at `dueAt`: in the chat (from @cal) and as a push notification. */
export const Reminder = z
  .object({
    id: Uuid,
    text: z.string(),
    dueAt: IsoDateTime,
    eventId: Uuid.nullable().meta({ description: 'The calendar event this reminder belongs to (one of its `reminders`), or null' }),
    status: ReminderStatus,
    deliveredAt: IsoDateTime.nullable(),
    createdAt: IsoDateTime,
    recurrence: z.string().nullable().meta({ description: 'RRULE of a repeating reminder (the next one is scheduled when this one is delivered), or null' }),
  })
  .meta({ id: 'Reminder' });
export type Reminder = z.infer<typeof Reminder>;

export const ListRemindersQuery = z
  .object({ status: z.enum(['scheduled', 'delivered']).optional().meta({ description: 'Only reminders in this state (default: both)' }) })
  .meta({ id: 'ListRemindersQuery' });

export const RemindersResponse = z.object({ reminders: z.array(Reminder) });
export const ReminderResponse = z.object({ reminder: Reminder });

export const MAX_REMINDER_TEXT = 1000;

export const CreateReminderBody = z
  .object({ text: nonBlank(MAX_REMINDER_TEXT), dueAt: IsoDateTime.meta({ description: 'When to remind; must be in the future' }) })
  .meta({ id: 'CreateReminder', example: { text: 'Call the garage', dueAt: '2030-01-07T17:00:00.000Z' } });
export type CreateReminderBody = z.infer<typeof CreateReminderBody>;

export const UpdateReminderBody = z
  .object({ text: nonBlank(MAX_REMINDER_TEXT).optional(), dueAt: IsoDateTime.optional() })
  .meta({ id: 'UpdateReminder' });
export type UpdateReminderBody = z.infer<typeof UpdateReminderBody>;

/** Event reminders: minutes before the start, 0 to 40,320 (four weeks), at most five. */
export const MAX_EVENT_REMINDER_MINUTES = 40_320;
export const EventReminders = z
  .array(z.number().int().min(0).max(MAX_EVENT_REMINDER_MINUTES))
  .max(5)
  .meta({ description: 'Minutes before `start` to remind (0 to 40,320, at most 5)', example: [10, 60] });

/** `metadata.reminder` of the chat message a delivered reminder became. */
export const ReminderMessageMetadata = z
  .object({ id: Uuid, eventId: Uuid.nullable(), late: z.boolean().optional() })
  .meta({ id: 'ReminderMessageMetadata' });
export type ReminderMessageMetadata = z.infer<typeof ReminderMessageMetadata>;
