// What runs when the user confirms a @cal proposal. Each handler checks again that the
// event is still the user's, because time has passed since the proposal.
import * as z from 'zod';
import * as calendar from '../../features/calendar/calendar.service.ts';
import { createExternalEvent } from '../../features/calendar/external-calendars.ts';
import type { AgentContext, AgentReply } from '../types.ts';
import { CREATE_EXTERNAL_ACTION, CREATE_LOCAL_ACTION, DELETE_ACTION, UPDATE_ACTION, userOf } from './cal-tools.ts';
import { bold, formatSpan, whenText } from './reply-format.ts';

const UpdatePayload = z.object({
  eventId: z.uuid(),
  start: z.iso.datetime(),
  end: z.iso.datetime(),
  title: z.string().optional(),
  change: z.enum(['move', 'rename', 'resize']).optional(),
});
const CreateLocalPayload = z.object({ title: z.string().min(1), start: z.iso.datetime(), end: z.iso.datetime(), allDay: z.boolean(), location: z.string().nullable() });
const CHANGE_VERBS = { move: 'Moved', rename: 'Renamed it to', resize: 'Changed' } as const;
const DeletePayload = z.object({ eventId: z.uuid(), occurrenceStart: z.iso.datetime().optional() });
const CreateExternalPayload = z.object({
  connectionId: z.uuid(),
  calendarUrl: z.string(),
  calendarName: z.string(),
  title: z.string(),
  start: z.iso.datetime(),
  end: z.iso.datetime(),
  allDay: z.boolean(),
  location: z.string().nullable(),
  recurrence: z.string().nullable(),
});

export const calActions: Record<string, (payload: Record<string, unknown>, ctx: AgentContext) => Promise<AgentReply>> = {
  async [UPDATE_ACTION](payload, ctx) {
    const p = UpdatePayload.parse(payload);
    const row = await calendar.updateEvent(ctx.app, userOf(ctx), p.eventId, { start: new Date(p.start), end: new Date(p.end), ...(p.title ? { title: p.title } : {}) });
    const when = whenText({ ...row, start: row.startsAt, end: row.endsAt, rrule: row.rrule, timeZone: row.timeZone }, ctx.user.timezone, ctx.now);
    return { content: `${CHANGE_VERBS[p.change ?? 'move']} ${bold(row.title)} — ${when}.`, metadata: { eventId: row.id } };
  },

  async [CREATE_LOCAL_ACTION](payload, ctx) {
    const p = CreateLocalPayload.parse(payload);
    const row = await calendar.createEvent(ctx.app, userOf(ctx), {
      title: p.title,
      start: new Date(p.start),
      end: new Date(p.end),
      allDay: p.allDay,
      location: p.location,
      recurrence: null,
    });
    return { content: `Added ${bold(row.title)} — ${formatSpan(row.startsAt, row.endsAt, row.allDay, ctx.user.timezone, ctx.now)}.`, metadata: { eventId: row.id } };
  },

  async [DELETE_ACTION](payload, ctx) {
    const p = DeletePayload.parse(payload);
    const user = userOf(ctx);
    if (p.occurrenceStart) {
      const start = new Date(p.occurrenceStart);
      const row = await calendar.removeOccurrence(ctx.app, user, p.eventId, start);
      const end = new Date(start.getTime() + (row.endsAt.getTime() - row.startsAt.getTime()));
      return { content: `Deleted ${bold(row.title)} on ${formatSpan(start, end, row.allDay, ctx.user.timezone, ctx.now)}; the other occurrences stay.`, metadata: { eventId: row.id } };
    }
    const row = await calendar.deleteEvent(ctx.app, user, p.eventId);
    const when = row.rrule ? 'all occurrences' : formatSpan(row.startsAt, row.endsAt, row.allDay, ctx.user.timezone, ctx.now);
    return { content: `Deleted ${bold(row.title)} (${when}).`, metadata: { eventId: row.id } };
  },

  async [CREATE_EXTERNAL_ACTION](payload, ctx) {
    const p = CreateExternalPayload.parse(payload);
    const row = await createExternalEvent(ctx.app, userOf(ctx), { connectionId: p.connectionId, calendarUrl: p.calendarUrl }, {
        title: p.title,
        start: new Date(p.start),
        end: new Date(p.end),
        allDay: p.allDay,
        location: p.location,
        rrule: p.recurrence,
        timeZone: ctx.user.timezone,
      });
    const when = whenText({ ...row, start: row.startsAt, end: row.endsAt, rrule: row.rrule, timeZone: row.timeZone }, ctx.user.timezone, ctx.now);
    return { content: `Added ${bold(row.title)} to ${p.calendarName} — ${when}.`, metadata: { eventId: row.id } };
  },
};
