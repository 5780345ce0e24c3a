// Reminders for @cal: what the built-in engine does with a reminder request
// (reminder-phrases.ts), and the same operations as tools for the model.
// Reminders go through the reminders service; events are found through the
// calendar service. A reminder is never a calendar event.
import * as z from 'zod';
import { IsoDateTime } from '@lifeos/contract';
import { listOccurrences } from '../../features/calendar/calendar.service.ts';
import { titleScore } from '../../features/calendar/event-match.ts';
import { addDays, dayInterval, wallDateOf, wallToInstant } from '../../lib/time/zoned-time.ts';
import * as reminders from '../../features/reminders/reminders.service.ts';
import { defineTool, type AgentContext, type AgentReply, type BuiltinRequest } from '../types.ts';
import { parseReminderRequest, type EventOffset } from './reminder-phrases.ts';
import { bold, formatDay, formatSpan, formatTime } from './reply-format.ts';

const DAY_MS = 86_400_000;
const MAX_LISTED = 10;

/** "today at 11:35", "tomorrow at 9:00", "Thu 3 Dec at 9:00": a reminder is an instant, not a span. */
function when(ctx: AgentContext, at: Date): string {
  const tz = ctx.user.timezone;
  const days = Math.round((dayInterval(wallDateOf(at, tz), tz).start.getTime() - dayInterval(wallDateOf(ctx.now, tz), tz).start.getTime()) / DAY_MS);
  const day = days === 0 ? 'today' : days === 1 ? 'tomorrow' : formatDay(at, tz, ctx.now);
  return `${day} at ${formatTime(at, tz)}`;
}

function describeRule(rrule: string): string {
  const days: Record<string, string> = { MO: 'Monday', TU: 'Tuesday', WE: 'Wednesday', TH: 'Thursday', FR: 'Friday', SA: 'Saturday', SU: 'Sunday' };
  if (/FREQ=DAILY/.test(rrule)) return 'every day';
  const byday = /BYDAY=([A-Z,]+)/.exec(rrule)?.[1];
  if (/FREQ=WEEKLY/.test(rrule) && byday) return `every ${byday.split(',').map((d) => days[d] ?? d).join(' and ')}`;
  if (/FREQ=WEEKLY/.test(rrule)) return 'every week';
  if (/FREQ=MONTHLY/.test(rrule)) return 'every month';
  return 'every year';
}

export async function setReminder(ctx: AgentContext, input: { text: string; at: Date; recurrence?: string | null; event?: { id: string; minutesBefore: number } }) {
  return reminders.createReminder(ctx.app, ctx.user.id, {
    text: input.text,
    dueAt: input.at,
    ...(input.recurrence ? { recurrence: { rrule: input.recurrence, timeZone: ctx.user.timezone } } : {}),
    ...(input.event ? { event: input.event } : {}),
  });
}

/** The user's scheduled reminders that the words name (all of them without words), soonest first. */
async function findReminders(ctx: AgentContext, about: string | null) {
  const scheduled = await reminders.listReminders(ctx.app, ctx.user.id, 'scheduled');
  if (!about) return scheduled;
  const scored = scheduled.map((r) => ({ r, score: titleScore(about, r.text) })).filter((x) => x.score > 0);
  const best = Math.max(0, ...scored.map((x) => x.score));
  return scored.filter((x) => x.score === best).map((x) => x.r);
}

/** The next occurrence of the event the words name, soonest first. */
async function findEvent(ctx: AgentContext, query: string) {
  const range = { start: ctx.now, end: new Date(ctx.now.getTime() + 400 * DAY_MS) };
  const occurrences = await listOccurrences(ctx.app, { id: ctx.user.id, timezone: ctx.user.timezone }, range);
  const scored = occurrences.map((o) => ({ o, score: titleScore(query, o.event.title) })).filter((x) => x.score > 0);
  const best = Math.max(0, ...scored.map((x) => x.score));
  return scored.filter((x) => x.score === best && x.o.start > ctx.now).map((x) => x.o);
}

function dueBefore(ctx: AgentContext, start: Date, offset: EventOffset): Date {
  if ('minutesBefore' in offset) return new Date(start.getTime() - offset.minutesBefore * 60_000);
  return wallToInstant(addDays(wallDateOf(start, ctx.user.timezone), -1), offset.dayBeforeAt, ctx.user.timezone);
}

function listReply(ctx: AgentContext, rows: reminders.ReminderRow[]): string {
  if (rows.length === 0) return 'You have no reminders coming up.';
  const lines = rows.slice(0, MAX_LISTED).map((r) => `- ${when(ctx, r.dueAt)}: ${r.text}${r.rrule ? ` (${describeRule(r.rrule)})` : ''}`);
  const more = rows.length > MAX_LISTED ? `\n…and ${rows.length - MAX_LISTED} more.` : '';
  return `Your reminders:\n${lines.join('\n')}${more}`;
}

/**
 * The built-in engine's reminder handling: null when the message is not about reminders
 * (then @cal carries on as before).
 */
export async function handleReminderRequest(request: BuiltinRequest, ctx: AgentContext): Promise<AgentReply | null> {
  const req = parseReminderRequest(request.text, { now: ctx.now, timeZone: ctx.user.timezone });
  if (!req) return null;
  switch (req.intent) {
    case 'needs_time':
      return { content: `When should I remind you to ${req.text.charAt(0).toLowerCase()}${req.text.slice(1)}? For example “remind me tomorrow at 9 to …” or “in 20 minutes”.` };
    case 'create': {
      const row = await setReminder(ctx, { text: req.text, at: req.at, recurrence: req.recurrence });
      const repeat = row.rrule ? `, then ${describeRule(row.rrule)}` : '';
      return { content: `I'll remind you ${when(ctx, row.dueAt)}${repeat}: ${bold(row.text)}.`, metadata: { reminderId: row.id } };
    }
    case 'create_before_event': {
      for (const reading of req.readings) {
        const [event] = await findEvent(ctx, reading.event);
        if (!event) continue;
        const dueAt = dueBefore(ctx, event.start, req.offset);
        if (dueAt <= ctx.now) return { content: `${bold(event.event.title)} starts ${formatSpan(event.start, event.end, event.event.allDay, ctx.user.timezone, ctx.now)}; that time has already passed.` };
        const minutesBefore = Math.round((event.start.getTime() - dueAt.getTime()) / 60_000);
        const text = reading.text ?? event.event.title;
        const row = await setReminder(ctx, { text, at: dueAt, event: { id: event.event.id, minutesBefore } });
        return {
          content: `I'll remind you ${when(ctx, row.dueAt)}, before ${bold(event.event.title)} (${formatSpan(event.start, event.end, event.event.allDay, ctx.user.timezone, ctx.now)}): ${bold(row.text)}. If the event moves, the reminder moves with it.`,
          metadata: { reminderId: row.id, eventId: event.event.id },
        };
      }
      return { content: `I couldn't find ${bold(req.readings[0]!.event)} on your calendar. Add it first, or tell me the time for the reminder.` };
    }
    case 'list':
      return { content: listReply(ctx, await reminders.listReminders(ctx.app, ctx.user.id, 'scheduled')) };
    case 'cancel':
    case 'move':
    case 'snooze': {
      const found = await findReminders(ctx, req.about);
      if (found.length === 0) return { content: req.about ? `I don't see a reminder about ${bold(req.about)}.` : 'You have no reminders coming up.' };
      if (found.length > 1) {
        return { content: `Which one? ${listReply(ctx, found).replace(/^Your reminders:\n/, '\n')}` };
      }
      const target = found[0]!;
      if (req.intent === 'cancel') {
        await reminders.cancelReminder(ctx.app, ctx.user.id, target.id);
        return { content: `Cancelled the reminder ${bold(target.text)} (${when(ctx, target.dueAt)}).`, metadata: { reminderId: target.id } };
      }
      const at = req.intent === 'move' ? req.at : new Date(target.dueAt.getTime() + req.minutes * 60_000);
      const moved = await reminders.updateReminder(ctx.app, ctx.user.id, target.id, { dueAt: at });
      return { content: `Moved: I'll remind you ${when(ctx, moved.dueAt)}: ${bold(moved.text)}.`, metadata: { reminderId: moved.id } };
    }
  }
}

// ---- tools for the model ----

export const setReminderTool = defineTool({
  name: 'set_reminder',
  description:
    'Reminds the user at a moment: a chat message and a push notification at `at`. Not an event: use it for "remind me …". `recurrence` (RRULE) repeats it; `eventId` + `minutesBefore` ties it to an event so it moves with it.',
  input: z.object({
    text: z.string().min(1).max(1000),
    at: IsoDateTime,
    recurrence: z.string().max(500).nullable().optional(),
    eventId: z.uuid().optional(),
    minutesBefore: z.number().int().min(0).max(40_320).optional(),
  }),
  async execute(input, ctx) {
    const row = await setReminder(ctx, {
      text: input.text,
      at: new Date(input.at),
      recurrence: input.recurrence ?? null,
      ...(input.eventId && input.minutesBefore !== undefined ? { event: { id: input.eventId, minutesBefore: input.minutesBefore } } : {}),
    });
    return reminders.toReminder(row);
  },
});

export const listRemindersTool = defineTool({
  name: 'list_reminders',
  description: "The user's scheduled reminders, soonest first.",
  input: z.object({}),
  async execute(_input, ctx) {
    return (await reminders.listReminders(ctx.app, ctx.user.id, 'scheduled')).map(reminders.toReminder);
  },
});

export const cancelReminderTool = defineTool({
  name: 'cancel_reminder',
  description: 'Cancels one reminder by id (from list_reminders).',
  input: z.object({ id: z.uuid() }),
  async execute(input, ctx) {
    return reminders.toReminder(await reminders.cancelReminder(ctx.app, ctx.user.id, input.id));
  },
});

export const moveReminderTool = defineTool({
  name: 'move_reminder',
  description: 'Moves one reminder (by id, from list_reminders) to a new time.',
  input: z.object({ id: z.uuid(), at: IsoDateTime }),
  async execute(input, ctx) {
    return reminders.toReminder(await reminders.updateReminder(ctx.app, ctx.user.id, input.id, { dueAt: new Date(input.at) }));
  },
});

export const reminderTools = [setReminderTool, listRemindersTool, cancelReminderTool, moveReminderTool];
