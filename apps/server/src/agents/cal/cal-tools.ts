// The @cal tools. Both engines use them: the LLM engine by name, the built-in engine by
// calling the same operations. Creating in the local calendar happens at once; moving,
// changing, deleting, and anything in a connected calendar only proposes an action
// that runs when the user confirms.
import * as z from 'zod';
import type { PendingAction } from '@lifeos/contract';
import { IsoDateTime } from '@lifeos/contract';
import * as calendar from '../../features/calendar/calendar.service.ts';
import type { CalendarEventRow } from '../../features/calendar/calendar.repo.ts';
import { listConnectedCalendars } from '../../features/calendar/external-calendars.ts';
import { conflictsWith, findFreeSlots, WORKING_HOURS } from '../../features/calendar/free-slots.ts';
import type { Interval } from '../../lib/time/zoned-time.ts';
import { AgentError, defineTool, type AgentContext } from '../types.ts';
import { bold, formatSpan, whenText } from './reply-format.ts';

export const UPDATE_ACTION = 'cal.update_event';
export const DELETE_ACTION = 'cal.delete_event';
export const CREATE_EXTERNAL_ACTION = 'cal.create_external';
/** An event read from elsewhere (a mail) goes into the local calendar only once the user confirms. */
export const CREATE_LOCAL_ACTION = 'cal.create_event';

const DAY_MS = 86_400_000;

export const userOf = (ctx: AgentContext): calendar.CalendarUser => ({ id: ctx.user.id, timezone: ctx.user.timezone });

/** An occurrence as tools return it: instants, plus how the user reads it. */
export type EventView = {
  id: string;
  title: string;
  start: string;
  end: string;
  allDay: boolean;
  location: string | null;
  source: string;
  calendar: string | null;
  recurrence: string | null;
  when: string;
};

export function viewOf(row: CalendarEventRow, occurrence: { start: Date; end: Date }, ctx: AgentContext): EventView {
  return {
    id: row.id,
    title: row.title,
    start: occurrence.start.toISOString(),
    end: occurrence.end.toISOString(),
    allDay: row.allDay,
    location: row.location,
    source: row.source,
    calendar: row.calendarName,
    recurrence: row.rrule,
    when: formatSpan(occurrence.start, occurrence.end, row.allDay, ctx.user.timezone, ctx.now),
  };
}

// ---- operations ----

export async function listEvents(ctx: AgentContext, range: Interval) {
  return calendar.listOccurrences(ctx.app, userOf(ctx), range);
}

export async function createLocalEvent(ctx: AgentContext, input: calendar.EventInput) {
  const row = await calendar.createEvent(ctx.app, userOf(ctx), input);
  const around = await listEvents(ctx, { start: row.startsAt, end: new Date(Math.max(row.endsAt.getTime(), row.startsAt.getTime() + 1)) });
  const conflicts = row.allDay
    ? []
    : conflictsWith(
        around.filter((o) => o.event.id !== row.id).map((o) => ({ title: o.event.title, start: o.start, end: o.end, allDay: o.event.allDay })),
        row.startsAt,
        row.endsAt,
      );
  return { row, conflicts };
}

/** Proposes creating an event in a connected calendar. */
export async function proposeExternalCreate(
  ctx: AgentContext,
  target: { connectionId: string; calendarUrl: string; calendarName: string },
  input: { title: string; start: Date; end: Date; allDay: boolean; location: string | null; recurrence: string | null },
): Promise<{ pendingAction: PendingAction; summary: string }> {
  const display = { ...input, rrule: input.recurrence, timeZone: ctx.user.timezone };
  const summary = `Add ${bold(input.title)} to ${target.calendarName} — ${whenText(display, ctx.user.timezone, ctx.now)}`;
  const pendingAction = await ctx.proposeAction({
    kind: CREATE_EXTERNAL_ACTION,
    summary,
    payload: {
      connectionId: target.connectionId,
      calendarUrl: target.calendarUrl,
      calendarName: target.calendarName,
      title: input.title,
      start: input.start.toISOString(),
      end: input.end.toISOString(),
      allDay: input.allDay,
      location: input.location,
      recurrence: input.recurrence,
    },
  });
  return { pendingAction, summary };
}

export type ChangeProposal = { pendingAction: PendingAction; summary: string; conflicts: Array<{ title: string; when: string }> };

/** Proposes moving or changing an event (a series as a whole). */
export async function proposeUpdate(
  ctx: AgentContext,
  row: CalendarEventRow,
  changes: { start: Date; end: Date; title?: string },
  shown: { start: Date; end: Date },
): Promise<ChangeProposal> {
  const tz = ctx.user.timezone;
  const offset = changes.start.getTime() - row.startsAt.getTime();
  const newShown = { start: new Date(shown.start.getTime() + offset), end: new Date(shown.start.getTime() + offset + (changes.end.getTime() - changes.start.getTime())) };
  const others = (await listEvents(ctx, newShown)).filter((o) => o.event.id !== row.id);
  const conflicts = conflictsWith(
    others.map((o) => ({ title: o.event.title, start: o.start, end: o.end, allDay: o.event.allDay })),
    newShown.start,
    newShown.end,
  ).map((b) => ({ title: b.title, when: formatSpan(b.start, b.end, false, tz, ctx.now) }));
  const where = row.source === 'local' ? '' : ` in ${row.calendarName ?? 'your connected calendar'}`;
  const series = row.rrule ? ` (every occurrence: ${whenText({ ...row, start: changes.start, end: changes.end, rrule: row.rrule, timeZone: row.timeZone }, tz, ctx.now)})` : '';
  const summary = `Move ${bold(changes.title ?? row.title)}${where} from ${formatSpan(shown.start, shown.end, row.allDay, tz, ctx.now)} to ${formatSpan(newShown.start, newShown.end, row.allDay, tz, ctx.now)}${series}`;
  const pendingAction = await ctx.proposeAction({
    kind: UPDATE_ACTION,
    summary,
    payload: { eventId: row.id, start: changes.start.toISOString(), end: changes.end.toISOString(), ...(changes.title ? { title: changes.title } : {}) },
  });
  return { pendingAction, summary, conflicts };
}

/** Proposes deleting an event, or one occurrence of a series. */
export async function proposeDelete(
  ctx: AgentContext,
  row: CalendarEventRow,
  shown: { start: Date; end: Date },
  onlyOccurrence: boolean,
): Promise<{ pendingAction: PendingAction; summary: string }> {
  const tz = ctx.user.timezone;
  const where = row.source === 'local' ? '' : ` from ${row.calendarName ?? 'your connected calendar'}`;
  const what = row.rrule && !onlyOccurrence
    ? `${bold(row.title)}${where} — all occurrences (${whenText({ ...row, start: row.startsAt, end: row.endsAt, rrule: row.rrule, timeZone: row.timeZone }, tz, ctx.now)})`
    : `${bold(row.title)}${where} — ${formatSpan(shown.start, shown.end, row.allDay, tz, ctx.now)}${row.rrule ? ' (only this occurrence)' : ''}`;
  const summary = `Delete ${what}`;
  const pendingAction = await ctx.proposeAction({
    kind: DELETE_ACTION,
    summary,
    payload: { eventId: row.id, ...(row.rrule && onlyOccurrence ? { occurrenceStart: shown.start.toISOString() } : {}) },
  });
  return { pendingAction, summary };
}

export function freeSlots(
  ctx: AgentContext,
  busy: calendar.EventOccurrence[],
  range: Interval,
  options: { minutes: number; dayHours?: { from: number; to: number }; skipWeekends?: boolean },
) {
  return findFreeSlots({
    busy: busy.map((o) => ({ title: o.event.title, start: o.start, end: o.end, allDay: o.event.allDay })),
    range,
    timeZone: ctx.user.timezone,
    minMinutes: options.minutes,
    dayHours: options.dayHours ?? WORKING_HOURS,
    notBefore: ctx.now,
    skipWeekends: options.skipWeekends ?? false,
  });
}

async function ownEvent(ctx: AgentContext, id: string): Promise<CalendarEventRow> {
  return calendar.getEvent(ctx.app, userOf(ctx), id);
}

// ---- tools (the LLM engine calls them by name) ----

const Instant = IsoDateTime;

function checkRange(from: string, to: string): Interval {
  const range = { start: new Date(from), end: new Date(to) };
  if (range.end <= range.start) throw new AgentError('the end of the range must be after its start');
  if (range.end.getTime() - range.start.getTime() > 400 * DAY_MS) throw new AgentError('the range may span at most 400 days');
  return range;
}

export const calTools = [
  defineTool({
    name: 'list_events',
    description:
      "Lists the user's events (own and connected calendars) overlapping a time range, repeating events expanded, sorted by start. " +
      "`when` is already written in the user's time zone.",
    input: z.object({ from: Instant, to: Instant }),
    async execute(input, ctx) {
      const occurrences = await listEvents(ctx, checkRange(input.from, input.to));
      return { events: occurrences.map((o) => viewOf(o.event, o, ctx)) };
    },
  }),
  defineTool({
    name: 'create_event',
    description:
      "Creates an event. Without `calendar` it goes in the user's own calendar at once. With `calendar` (the name of a connected " +
      'calendar) it is only proposed, and happens when the user confirms. `recurrence` is an RRULE value such as FREQ=WEEKLY;BYDAY=TU.',
    input: z.object({
      title: z.string().trim().min(1).max(500),
      start: Instant,
      end: Instant.optional(),
      allDay: z.boolean().optional(),
      location: z.string().max(500).optional(),
      notes: z.string().max(5000).optional(),
      recurrence: z.string().max(500).optional(),
      calendar: z.string().max(255).optional(),
    }),
    async execute(input, ctx) {
      const start = new Date(input.start);
      const end = input.end ? new Date(input.end) : null;
      if (input.calendar) {
        const target = (await listConnectedCalendars(ctx.app, ctx.user.id)).find((c) => c.name.toLowerCase() === input.calendar!.toLowerCase());
        if (!target) throw new AgentError(`there is no connected calendar called "${input.calendar}"`);
        return proposeExternalCreate(
          ctx,
          { connectionId: target.connectionId, calendarUrl: target.url, calendarName: target.name },
          { title: input.title, start, end: end ?? new Date(start.getTime() + 3_600_000), allDay: input.allDay ?? false, location: input.location ?? null, recurrence: input.recurrence ?? null },
        );
      }
      const { row, conflicts } = await createLocalEvent(ctx, { ...input, start, end });
      return {
        created: viewOf(row, { start: row.startsAt, end: row.endsAt }, ctx),
        conflicts: conflicts.map((c) => ({ title: c.title, when: formatSpan(c.start, c.end, false, ctx.user.timezone, ctx.now) })),
      };
    },
  }),
  defineTool({
    name: 'update_event',
    description:
      'Proposes moving or renaming an event (a repeating event as a whole); the user confirms before anything changes. ' +
      'A new start without an end keeps the length.',
    input: z.object({ id: z.uuid(), start: Instant.optional(), end: Instant.optional(), title: z.string().trim().min(1).max(500).optional() }),
    async execute(input, ctx) {
      const row = await ownEvent(ctx, input.id);
      const start = input.start ? new Date(input.start) : row.startsAt;
      const end = input.end ? new Date(input.end) : new Date(start.getTime() + (row.endsAt.getTime() - row.startsAt.getTime()));
      if (end < start) throw new AgentError('the end must not be before the start');
      return proposeUpdate(ctx, row, { start, end, ...(input.title ? { title: input.title } : {}) }, { start: row.startsAt, end: row.endsAt });
    },
  }),
  defineTool({
    name: 'delete_event',
    description:
      'Proposes deleting an event; the user confirms before anything is deleted. For a repeating event, `occurrenceStart` ' +
      '(the start of one occurrence, from list_events) deletes only that occurrence.',
    input: z.object({ id: z.uuid(), occurrenceStart: Instant.optional() }),
    async execute(input, ctx) {
      const row = await ownEvent(ctx, input.id);
      const start = input.occurrenceStart ? new Date(input.occurrenceStart) : row.startsAt;
      return proposeDelete(ctx, row, { start, end: new Date(start.getTime() + (row.endsAt.getTime() - row.startsAt.getTime())) }, Boolean(input.occurrenceStart));
    },
  }),
  defineTool({
    name: 'find_free_slots',
    description:
      "Finds free time of at least `minutes` in a range, inside local hours of the day (default 9 to 18), and lists what is busy. Never offers time in the past.",
    input: z.object({
      from: Instant,
      to: Instant,
      minutes: z.number().int().min(5).max(1440).default(30),
      dayStartHour: z.number().int().min(0).max(23).optional(),
      dayEndHour: z.number().int().min(1).max(24).optional(),
      skipWeekends: z.boolean().optional(),
    }),
    async execute(input, ctx) {
      const range = checkRange(input.from, input.to);
      const busy = await listEvents(ctx, range);
      const dayHours = { from: input.dayStartHour ?? WORKING_HOURS.from, to: input.dayEndHour ?? WORKING_HOURS.to };
      const slots = freeSlots(ctx, busy, range, { minutes: input.minutes, dayHours, skipWeekends: input.skipWeekends ?? false });
      const tz = ctx.user.timezone;
      return {
        free: slots.map((s) => ({ start: s.start.toISOString(), end: s.end.toISOString(), when: formatSpan(s.start, s.end, false, tz, ctx.now) })),
        busy: busy.filter((o) => !o.event.allDay).map((o) => viewOf(o.event, o, ctx)),
      };
    },
  }),
];
