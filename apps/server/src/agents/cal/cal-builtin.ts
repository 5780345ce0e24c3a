// The built-in @cal engine: understands the request without a model (phrases/), then
// does the work through the same operations the tools use.
import type { CalendarEventRow } from '../../features/calendar/calendar.repo.ts';
import type { EventOccurrence } from '../../features/calendar/calendar.service.ts';
import { listConnectedCalendars } from '../../features/calendar/external-calendars.ts';
import { matchEvents } from '../../features/calendar/event-match.ts';
import { conflictsWith, WORKING_HOURS } from '../../features/calendar/free-slots.ts';
import { dayInterval, wallDateOf, type Interval } from '../../lib/time/zoned-time.ts';
import type { AgentContext, AgentReply, BuiltinRequest } from '../types.ts';
import {
  createLocalEvent,
  freeSlots,
  listEvents,
  proposeDelete,
  proposeExternalCreate,
  proposeUpdate,
  type ChangeProposal,
} from './cal-tools.ts';
import { parseCalendarRequest, resolveMoveTarget, type EventRef, type MoveTarget } from './phrases/calendar-phrases.ts';
import {
  addedReply,
  agendaReply,
  bold,
  capitalize,
  formatClockSpan,
  formatDay,
  formatSpan,
  formatTime,
  whenText,
} from './reply-format.ts';

const DAY_MS = 86_400_000;
const CHOICE_TTL_MS = 10 * 60_000;
const MAX_LISTED = 6;

export const CAL_HELP = [
  'I look after your calendar. For example:',
  '- "@cal add haircut next Thursday at 10"',
  '- "@cal piano lesson every Tuesday at 17:00"',
  '- "@cal what\'s my week look like" or "@cal anything today?"',
  '- "@cal when is my haircut?"',
  '- "@cal am I free on Thursday at 10:30?" or "@cal when am I free tomorrow afternoon?"',
  '- "@cal move the haircut to 11", "@cal push the bank call by 30 minutes", "@cal delete the bank call"',
].join('\n');

type Candidate = { row: CalendarEventRow; start: Date; end: Date };
type Operation =
  | { kind: 'move'; target: MoveTarget }
  | { kind: 'shift'; minutes: number }
  | { kind: 'delete'; onlyOccurrence: boolean };
type SavedChoice = { operation: Operation; options: Array<{ id: string; start: string; end: string }>; savedAt: string };

const ORDINALS: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6 };

function describe(c: Candidate, ctx: AgentContext): string {
  return `${bold(c.row.title)} — ${formatSpan(c.start, c.end, c.row.allDay, ctx.user.timezone, ctx.now)}${c.row.calendarName ? ` (${c.row.calendarName})` : ''}`;
}

/** One entry per event: its next occurrence that has not ended, else its latest one. */
function representatives(occurrences: EventOccurrence[], now: Date): Candidate[] {
  const chosen = new Map<string, Candidate>();
  for (const o of occurrences) {
    const current = chosen.get(o.event.id);
    if (!current || (current.end <= now && (o.end > now || o.start > current.start))) chosen.set(o.event.id, { row: o.event, start: o.start, end: o.end });
  }
  return [...chosen.values()].sort((a, b) => a.start.getTime() - b.start.getTime());
}

async function findCandidates(ctx: AgentContext, ref: EventRef): Promise<Candidate[]> {
  const now = ctx.now.getTime();
  const range = ref.range ?? { start: new Date(now - DAY_MS), end: new Date(now + 400 * DAY_MS) };
  const reps = representatives(await listEvents(ctx, range), ctx.now);
  const matched = matchEvents(
    reps.map((c) => ({ ...c, title: c.row.title })),
    ref,
    ctx.user.timezone,
  );
  return matched.map(({ row, start, end }) => ({ row, start, end }));
}

function notFound(ref: EventRef): string {
  const what = ref.query ? bold(ref.query) : 'that';
  return `I couldn't find ${what} on your calendar${ref.range ? ' then' : ''}. Try "@cal what's my week look like" to see what's there.`;
}

async function askWhich(ctx: AgentContext, operation: Operation, options: Candidate[]): Promise<AgentReply> {
  const shown = options.slice(0, MAX_LISTED);
  await ctx.state.set({
    choice: {
      operation,
      options: shown.map((c) => ({ id: c.row.id, start: c.start.toISOString(), end: c.end.toISOString() })),
      savedAt: ctx.now.toISOString(),
    } satisfies SavedChoice,
  });
  const lines = shown.map((c, i) => `${i + 1}. ${describe(c, ctx)}`);
  const more = options.length > shown.length ? `\n…and ${options.length - shown.length} more; name the day to narrow it down.` : '';
  return { content: `Which one do you mean?\n${lines.join('\n')}${more}\nReply with its number, e.g. "@cal 1".` };
}

function confirmReply(proposal: { summary: string; conflicts?: ChangeProposal['conflicts'] }): AgentReply {
  const clash = proposal.conflicts?.length
    ? `\nHeads-up: that overlaps ${proposal.conflicts.map((c) => `${bold(c.title)} (${c.when})`).join(', ')}.`
    : '';
  return { content: `${proposal.summary}?${clash}\nConfirm to go ahead.` };
}

async function perform(ctx: AgentContext, operation: Operation, c: Candidate): Promise<AgentReply> {
  const tz = ctx.user.timezone;
  const { row } = c;
  const length = row.endsAt.getTime() - row.startsAt.getTime();
  if (operation.kind === 'delete') return confirmReply(await proposeDelete(ctx, row, c, operation.onlyOccurrence && Boolean(row.rrule)));
  let start: Date;
  if (operation.kind === 'shift') start = new Date(row.startsAt.getTime() + operation.minutes * 60_000);
  else {
    if (row.rrule && operation.target.date) {
      return {
        content: `${bold(row.title)} repeats (${whenText({ ...row, start: row.startsAt, end: row.endsAt, rrule: row.rrule, timeZone: row.timeZone }, tz, ctx.now)}). I can change its time for every occurrence ("@cal move the ${row.title.toLowerCase()} to 18:00") or cancel one day ("@cal delete the ${row.title.toLowerCase()} on ${formatDay(c.start, tz, ctx.now)}").`,
      };
    }
    if (row.allDay && operation.target.time) {
      return { content: `${bold(row.title)} is an all-day event; tell me the new day, e.g. "@cal move ${row.title.toLowerCase()} to Friday".` };
    }
    // A series keeps its first day and changes its clock time; a single event goes to the target.
    start = resolveMoveTarget(row.rrule ? row.startsAt : c.start, operation.target, tz);
    if (row.allDay) start = dayInterval(wallDateOf(start, tz), tz).start;
  }
  if (start.getTime() === row.startsAt.getTime()) {
    return { content: `${bold(row.title)} is already at ${formatTime(c.start, tz)} on ${formatDay(c.start, tz, ctx.now)} — nothing to change.` };
  }
  const end = new Date(start.getTime() + length);
  return confirmReply(await proposeUpdate(ctx, row, { start, end }, { start: c.start, end: c.end }));
}

async function resolveAndPerform(ctx: AgentContext, ref: EventRef, operation: Operation): Promise<AgentReply> {
  if (!ref.query && !ref.range && !ref.time) return { content: `Which event do you mean? Name it, e.g. "@cal delete the bank call".` };
  const found = await findCandidates(ctx, ref);
  if (found.length === 0) return { content: notFound(ref) };
  if (found.length > 1) return askWhich(ctx, operation, found);
  return perform(ctx, operation, found[0]!);
}

/** "2", "the second one", "#2": an answer to "which one?" asked in the last few minutes. */
async function answerToChoice(ctx: AgentContext, text: string): Promise<AgentReply | null> {
  const m = /^(?:the\s+|number\s+|no\.?\s*|#)?(?:(\d{1,2})|(first|second|third|fourth|fifth|sixth|last))(?:\s+one)?(?:\s+please)?[.!]?$/i.exec(text.trim());
  if (!m) return null;
  const state = await ctx.state.get<{ choice?: SavedChoice }>();
  const choice = state?.choice;
  if (!choice || ctx.now.getTime() - new Date(choice.savedAt).getTime() > CHOICE_TTL_MS) return null;
  const index = m[1] ? Number(m[1]) - 1 : m[2]!.toLowerCase() === 'last' ? choice.options.length - 1 : ORDINALS[m[2]!.toLowerCase()]! - 1;
  const option = choice.options[index];
  if (!option) return { content: `Please pick a number from 1 to ${choice.options.length}.` };
  await ctx.state.set({});
  const start = new Date(option.start);
  const occurrences = await listEvents(ctx, { start, end: new Date(Math.max(new Date(option.end).getTime(), start.getTime() + 1)) });
  const hit = occurrences.find((o) => o.event.id === option.id && o.start.getTime() === start.getTime());
  if (!hit) return { content: 'That event has changed or is gone since I asked; please ask again.' };
  return perform(ctx, choice.operation, { row: hit.event, start: hit.start, end: hit.end });
}

/** "... to my Work calendar": a connected calendar by name. */
async function externalTarget(ctx: AgentContext, text: string) {
  const m = /\s+(?:to|in|on|into|onto)\s+(?:my|the|our)\s+(.{1,60}?)\s+calendar\b/i.exec(text);
  if (!m) return { text, target: null, unknownName: null };
  const calendars = await listConnectedCalendars(ctx.app, ctx.user.id);
  const name = m[1]!.trim().toLowerCase();
  // "my Google calendar" names the calendar called "Google Calendar".
  const target = calendars.find((c) => c.name.toLowerCase() === name) ?? calendars.find((c) => c.name.toLowerCase() === `${name} calendar`) ?? null;
  const rest = text.slice(0, m.index) + text.slice(m.index + m[0].length);
  if (target) return { text: rest, target, unknownName: null };
  return { text: calendars.length ? text : rest, target: null, unknownName: calendars.length ? m[1]!.trim() : null };
}

function freeList(slots: Interval[], ctx: AgentContext, multiDay: boolean): string {
  const tz = ctx.user.timezone;
  if (!multiDay) return slots.map((s) => formatClockSpan(s.start, s.end, false, tz)).join(', ');
  const days = new Map<string, string[]>();
  for (const s of slots) {
    const day = formatDay(s.start, tz, ctx.now);
    days.set(day, [...(days.get(day) ?? []), formatClockSpan(s.start, s.end, false, tz)]);
  }
  return [...days].map(([day, spans]) => `\n- ${day}: ${spans.join(', ')}`).join('');
}

export async function calBuiltin(request: BuiltinRequest, ctx: AgentContext): Promise<AgentReply> {
  const tz = ctx.user.timezone;
  const choice = await answerToChoice(ctx, request.text);
  if (choice) return choice;
  const external = await externalTarget(ctx, request.text);
  if (external.unknownName) {
    const names = (await listConnectedCalendars(ctx.app, ctx.user.id)).map((c) => c.name).join(', ');
    return { content: `I don't see a calendar called ${bold(external.unknownName)}. Your connected calendars: ${names}.` };
  }
  const req = parseCalendarRequest(external.text, { now: ctx.now, timeZone: tz });

  switch (req.intent) {
    case 'create': {
      if (external.target) {
        const proposal = await proposeExternalCreate(
          ctx,
          { connectionId: external.target.connectionId, calendarUrl: external.target.url, calendarName: external.target.name },
          req,
        );
        return confirmReply(proposal);
      }
      const { row, conflicts } = await createLocalEvent(ctx, {
        title: req.title,
        start: req.start,
        end: req.end,
        allDay: req.allDay,
        location: req.location,
        recurrence: req.recurrence,
      });
      const added = addedReply({ title: row.title, start: row.startsAt, end: row.endsAt, allDay: row.allDay, location: row.location, rrule: row.rrule, timeZone: row.timeZone }, tz, ctx.now);
      const clash = conflicts.length
        ? ` Heads-up: it overlaps ${conflicts.map((c) => `${bold(c.title)} (${formatClockSpan(c.start, c.end, false, tz)})`).join(', ')}.`
        : '';
      return { content: added + clash, metadata: { eventId: row.id } };
    }

    case 'agenda': {
      const occurrences = await listEvents(ctx, req.range);
      const items = occurrences.map((o) => ({ title: o.event.title, start: o.start, end: o.end, allDay: o.event.allDay, location: o.event.location }));
      return { content: agendaReply(items, req.label, tz, ctx.now) };
    }

    case 'find': {
      const found = await findCandidates(ctx, req.ref);
      if (found.length === 0) return { content: notFound(req.ref) };
      const lines = found.slice(0, MAX_LISTED).map((c) => {
        const where = c.row.location ? ` at ${c.row.location}` : '';
        if (c.row.rrule) {
          const rule = whenText({ ...c.row, start: c.row.startsAt, end: c.row.endsAt, rrule: c.row.rrule, timeZone: c.row.timeZone }, tz, ctx.now);
          return `${bold(c.row.title)} is ${rule.replace(/, from .*$/, '')}${where}; next on ${formatSpan(c.start, c.end, c.row.allDay, tz, ctx.now)}.`;
        }
        const verb = c.end <= ctx.now ? 'was' : 'is';
        return `${bold(c.row.title)} ${verb} on ${formatSpan(c.start, c.end, c.row.allDay, tz, ctx.now)}${where}.`;
      });
      return { content: lines.length === 1 ? lines[0]! : `I found ${found.length}:\n${lines.map((l) => `- ${l}`).join('\n')}` };
    }

    case 'free_at': {
      const day = dayInterval(wallDateOf(req.start, tz), tz);
      const occurrences = await listEvents(ctx, { start: day.start, end: new Date(Math.max(day.end.getTime(), req.end.getTime())) });
      const busy = occurrences.map((o) => ({ title: o.event.title, start: o.start, end: o.end, allDay: o.event.allDay }));
      const clashes = conflictsWith(busy, req.start, req.end);
      const when = `${formatDay(req.start, tz, ctx.now)} at ${formatTime(req.start, tz)}`;
      if (clashes.length === 0) {
        const next = busy.filter((b) => !b.allDay && b.start >= req.end && b.start < day.end).sort((a, b) => a.start.getTime() - b.start.getTime())[0];
        const after = next ? ` Next up that day: ${bold(next.title)} at ${formatTime(next.start, tz)}.` : '';
        return { content: `Yes — you're free on ${when}.${after}` };
      }
      const minutes = Math.round((req.end.getTime() - req.start.getTime()) / 60_000);
      const slots = freeSlots(ctx, occurrences, day, { minutes }).slice(0, 4);
      const names = clashes.map((c) => `${bold(c.title)} (${formatClockSpan(c.start, c.end, false, tz)})`).join(' and ');
      const offer = slots.length ? ` Free that day: ${freeList(slots, ctx, false)}.` : ' The rest of that day is full too.';
      return { content: `No — on ${when} you have ${names}.${offer}` };
    }

    case 'free_slots': {
      const occurrences = await listEvents(ctx, req.range);
      const slots = freeSlots(ctx, occurrences, req.range, { minutes: req.minutes, dayHours: req.dayHours, skipWeekends: req.skipWeekends });
      const multiDay = req.range.end.getTime() - req.range.start.getTime() > 26 * 3_600_000;
      const hours = req.dayHours;
      // A week of busy times is too long to read; one day's (or part of it) is named.
      const busy = multiDay
        ? []
        : conflictsWith(
            occurrences.map((o) => ({ title: o.event.title, start: o.start, end: o.end, allDay: o.event.allDay })),
            req.range.start,
            req.range.end,
          );
      const busyNote = busy.length
        ? `\nBusy: ${busy.map((b) => `${bold(b.title)} ${formatClockSpan(b.start, b.end, false, tz)}`).join(', ')}.`
        : '';
      const within = hours.from === WORKING_HOURS.from && hours.to === WORKING_HOURS.to ? ' (between 9:00 and 18:00)' : '';
      if (slots.length === 0) return { content: `No free ${req.minutes}-minute slot ${req.label}${within}.${busyNote}` };
      return { content: `${capitalize(req.label)} you're free${within}: ${freeList(slots, ctx, multiDay)}${multiDay ? '' : '.'}${busyNote}` };
    }

    case 'move':
      return resolveAndPerform(ctx, req.ref, { kind: 'move', target: req.target });
    case 'shift':
      return resolveAndPerform(ctx, req.ref, { kind: 'shift', minutes: req.minutes });
    case 'delete':
      return resolveAndPerform(ctx, req.ref, { kind: 'delete', onlyOccurrence: req.ref.range !== null });

    case 'unknown': {
      if (req.missing === 'time' && req.title) {
        return { content: `When should I put ${bold(req.title)}? For example: "@cal add ${req.title.toLowerCase()} next Friday at 11".` };
      }
      if (req.missing === 'title') return { content: 'What should I call it? For example: "@cal add dentist tomorrow at 10".' };
      return { content: CAL_HELP };
    }
  }
}
