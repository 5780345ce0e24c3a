// The built-in @cal engine: understands the request without a model (phrases/), then
// does the work through the same operations the tools use.
import type { CalendarEventRow } from '../../features/calendar/calendar.repo.ts';
import type { EventOccurrence } from '../../features/calendar/calendar.service.ts';
import { listConnectedCalendars } from '../../features/calendar/external-calendars.ts';
import { matchEvents } from '../../features/calendar/event-match.ts';
import { conflictsWith, WORKING_HOURS } from '../../features/calendar/free-slots.ts';
import { dayInterval, wallDateOf, type Interval } from '../../lib/time/zoned-time.ts';
import { DomainError } from '../../lib/errors.ts';
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
import {
  eventWords,
  parseCalendarRequest,
  parseLengthChange,
  parseTargetPhrase,
  resolveMoveTarget,
  type EventRef,
  type MoveTarget,
} from './phrases/calendar-phrases.ts';
import { getEvent } from '../../features/calendar/calendar.service.ts';
import { addDays, wallTimeOf } from '../../lib/time/zoned-time.ts';
import type { Referent } from '../conversation.ts';
import type { ChosenIntent } from '../intents.ts';
import { pickOption } from '../../lib/nl/choice.ts';
import { REF_PLACEHOLDER } from './cal.intents.ts';
import { UPDATE_ACTION, userOf } from './cal-tools.ts';
import { handleReminderRequest } from './reminder.tool.ts';
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
  '- "add haircut next Thursday at 10"',
  '- "piano lesson every Tuesday at 17:00"',
  '- "what\'s my week look like" or "anything today?"',
  '- "when is my haircut?"',
  '- "am I free on Thursday at 10:30?" or "when am I free tomorrow afternoon?"',
  '- "move the haircut to 11", "push the bank call by 30 minutes", "delete the bank call"',
  '- "remind me in 20 minutes to stretch", "remind me an hour before the dentist", "my reminders"',
].join('\n');

type Candidate = { row: CalendarEventRow; start: Date; end: Date };
type Operation =
  | { kind: 'move'; target: MoveTarget }
  | { kind: 'shift'; minutes: number }
  | { kind: 'delete'; onlyOccurrence: boolean }
  | { kind: 'rename'; title: string }
  | { kind: 'resize'; change: 'set' | 'longer' | 'shorter'; minutes: number };
type SavedChoice = { operation: Operation; options: Array<{ id: string; start: string; end: string; title?: string }>; savedAt: string };


function lengthWords(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes % 60 === 0) return minutes === 60 ? '1 hour' : `${minutes / 60} hours`;
  return minutes > 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} minutes`;
}

function referentOf(c: Candidate): Referent {
  return { agent: '@cal', kind: 'event', id: c.row.id, label: c.row.title, at: c.start.toISOString(), end: c.end.toISOString() };
}

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

/** The event a follow-up points at (the occurrence that was shown, when known). */
async function pinnedCandidate(ctx: AgentContext, id: string, at: string | null): Promise<Candidate | null> {
  if (at) {
    const start = new Date(at);
    const hit = (await listEvents(ctx, { start: new Date(start.getTime() - 60_000), end: new Date(start.getTime() + 60_000) })).find(
      (o) => o.event.id === id && o.start.getTime() === start.getTime(),
    );
    if (hit) return { row: hit.event, start: hit.start, end: hit.end };
  }
  try {
    const row = await getEvent(ctx.app, userOf(ctx), id);
    return { row, start: row.startsAt, end: row.endsAt };
  } catch {
    return null;
  }
}

type Pin = { id: string; at: string | null };

async function findCandidates(ctx: AgentContext, ref: EventRef, pinned?: Pin | null): Promise<Candidate[]> {
  if (pinned && ref.query.includes(REF_PLACEHOLDER)) {
    const c = await pinnedCandidate(ctx, pinned.id, pinned.at);
    return c ? [c] : [];
  }
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
  return `I couldn't find ${what} on your calendar${ref.range ? ' then' : ''}. Ask "what's my week look like?" to see what's there.`;
}

async function askWhich(ctx: AgentContext, operation: Operation, options: Candidate[]): Promise<AgentReply> {
  const shown = options.slice(0, MAX_LISTED);
  await ctx.state.set({
    choice: {
      operation,
      options: shown.map((c) => ({ id: c.row.id, start: c.start.toISOString(), end: c.end.toISOString(), title: c.row.title })),
      savedAt: ctx.now.toISOString(),
    } satisfies SavedChoice,
  });
  const lines = shown.map((c, i) => `${i + 1}. ${describe(c, ctx)}`);
  const more = options.length > shown.length ? `\n…and ${options.length - shown.length} more; name the day to narrow it down.` : '';
  ctx.note({ listing: { agent: '@cal', kind: 'event', label: 'which one', items: shown.map(referentOf) }, last: { agent: '@cal', intent: 'which_one' } });
  return { content: `Which one do you mean?\n${lines.join('\n')}${more}\nReply with its number, e.g. "1", or "the one on ${formatDay(shown[0]!.start, ctx.user.timezone, ctx.now).split(' ')[0]}".` };
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
  ctx.note({ focus: referentOf(c) });
  if (operation.kind === 'delete') return confirmReply(await proposeDelete(ctx, row, c, operation.onlyOccurrence && Boolean(row.rrule)));
  if (operation.kind === 'rename') {
    if (operation.title === row.title) return { content: `It is already called ${bold(row.title)}.` };
    const summary = `Rename ${bold(row.title)} (${formatSpan(c.start, c.end, row.allDay, tz, ctx.now)}) to ${bold(operation.title)}`;
    await ctx.proposeAction({ kind: UPDATE_ACTION, summary, payload: { eventId: row.id, start: row.startsAt.toISOString(), end: row.endsAt.toISOString(), title: operation.title, change: 'rename' } });
    return confirmReply({ summary });
  }
  if (operation.kind === 'resize') {
    if (row.allDay) return { content: `${bold(row.title)} is an all-day event; tell me its new days instead, e.g. "move ${row.title.toLowerCase()} to Friday".` };
    const delta = operation.minutes * 60_000;
    const newLength = operation.change === 'set' ? delta : operation.change === 'longer' ? length + delta : length - delta;
    if (newLength < 5 * 60_000) return { content: `That would leave ${bold(row.title)} shorter than 5 minutes; how long should it be?` };
    if (newLength === length) return { content: `${bold(row.title)} is already ${Math.round(length / 60_000)} minutes long.` };
    const shownEnd = new Date(c.start.getTime() + newLength);
    const summary = `Change ${bold(row.title)} to ${formatSpan(c.start, shownEnd, false, tz, ctx.now)} (${lengthWords(newLength)} instead of ${lengthWords(length)})`;
    await ctx.proposeAction({
      kind: UPDATE_ACTION,
      summary,
      payload: { eventId: row.id, start: row.startsAt.toISOString(), end: new Date(row.startsAt.getTime() + newLength).toISOString(), change: 'resize' },
    });
    return confirmReply({ summary });
  }
  let start: Date;
  if (operation.kind === 'shift') start = new Date(row.startsAt.getTime() + operation.minutes * 60_000);
  else {
    if (row.rrule && operation.target.date) {
      return {
        content: `${bold(row.title)} repeats (${whenText({ ...row, start: row.startsAt, end: row.endsAt, rrule: row.rrule, timeZone: row.timeZone }, tz, ctx.now)}). I can change its time for every occurrence ("move the ${row.title.toLowerCase()} to 18:00") or cancel one day ("delete the ${row.title.toLowerCase()} on ${formatDay(c.start, tz, ctx.now)}").`,
      };
    }
    if (row.allDay && operation.target.time) {
      return { content: `${bold(row.title)} is an all-day event; tell me the new day, e.g. "move ${row.title.toLowerCase()} to Friday".` };
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

async function resolveAndPerform(ctx: AgentContext, ref: EventRef, operation: Operation, pin?: Pin | null): Promise<AgentReply> {
  if (!ref.query && !ref.range && !ref.time) return { content: `Which event do you mean? Name it, e.g. "delete the bank call".` };
  const found = await findCandidates(ctx, ref, pin);
  if (found.length === 0) return { content: notFound(ref) };
  if (found.length > 1) return askWhich(ctx, operation, found);
  return perform(ctx, operation, found[0]!);
}

/** "2", "the second one", "the one on Sunday", "the dentist one": an answer to "which one?" asked in the last few minutes. */
async function answerToChoice(ctx: AgentContext, text: string): Promise<AgentReply | null> {
  // An answer to "which one?" is a few words; anything longer is a new request (and skips the state read).
  if (text.length > 60 || text.trim().split(/\s+/).length > 6) return null;
  const state = await ctx.state.get<{ choice?: SavedChoice }>();
  const choice = state?.choice;
  if (!choice || ctx.now.getTime() - new Date(choice.savedAt).getTime() > CHOICE_TTL_MS) return null;
  const options = choice.options.map((o) => ({ label: o.title ?? '', at: new Date(o.start) }));
  const pick = pickOption(text, options, ctx.user.timezone);
  if (pick.kind === 'none') {
    if (/^(?:the\s+)?(?:#|number\s+)?\d{1,2}(?:st|nd|rd|th)?(?:\s+one)?$/i.test(text.trim())) return { content: `Please pick a number from 1 to ${choice.options.length}.` };
    return null;
  }
  if (pick.kind === 'ambiguous') return { content: `That fits ${pick.indexes.length} of them (${pick.indexes.map((i) => i + 1).join(', ')}); which number?` };
  const option = choice.options[pick.index]!;
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


const DAY_MS_AHEAD = 400 * DAY_MS;
const RENAME_RES = [
  /^(?:rename|retitle)\s+(?<ref>.+?)\s+(?:to|as|into)\s+(?<title>.+)$/i,
  /^change\s+the\s+(?:name|title)\s+(?:of\s+)?(?<ref>.+?)\s+to\s+(?<title>.+)$/i,
  /^(?:call|name)\s+(?<ref>it|that|REFEVENT)\s+(?<title>.+)$/i,
  /^(?:rename|retitle)\s+(?<ref>it|that|REFEVENT)\s+(?<title>.+)$/i,
];
const LENGTH_WORDS_RE = /\b(?:extend|lengthen|shorten|make|set|cut|trim|reduce|the\s+(?:length|duration)\s+of|by|to|for|longer|shorter|long|more|less|extra|should|last|take|it'?s|short|instead)\b/gi;

function stripQuotes(s: string): string {
  return s.trim().replace(/^["']|["']$/g, '').replace(/[.!]+$/, '').trim();
}

function parseRename(text: string): { refText: string; title: string } | null {
  for (const re of RENAME_RES) {
    const m = re.exec(text.trim());
    if (m) return { refText: m.groups!.ref!, title: stripQuotes(m.groups!.title!) };
  }
  return null;
}

/** The event named by the words left after the command words are taken out; the focus when nothing is left. */
function refFromWords(words: string, ctx: AgentContext): EventRef {
  return eventWords(words, { now: ctx.now, timeZone: ctx.user.timezone });
}

/** "make it 8" about a 19:00 event is 20:00: a bare hour from 7 to 11 keeps the event's half of the day. */
function keepHalfOfDay(target: MoveTarget, said: string, c: Candidate, tz: string): MoveTarget {
  if (!target.time || /\b(?:am|pm|a\.m\.|p\.m\.|morning|noon|midnight)\b|\d:\d\d|\b\d{3,4}\b/i.test(said)) return target;
  const current = wallTimeOf(c.start, tz).hour;
  const h = target.time.hour;
  return h >= 7 && h <= 11 && current >= 12 ? { ...target, time: { ...target.time, hour: h + 12 } } : target;
}

const focusPin = (ctx: AgentContext): Pin | null =>
  ctx.conversation.focus?.kind === 'event' ? { id: ctx.conversation.focus.id, at: ctx.conversation.focus.at ?? null } : null;

async function renameOrAsk(ctx: AgentContext, text: string, pin: Pin | null): Promise<AgentReply> {
  const r = parseRename(text);
  if (!r || !r.title) return { content: 'What should the new name be? For example: "rename the dentist to Dentist check-up".' };
  const refText = /^(?:it|that)$/i.test(r.refText) && pin ? REF_PLACEHOLDER : r.refText;
  return resolveAndPerform(ctx, refFromWords(refText, ctx), { kind: 'rename', title: r.title.charAt(0).toUpperCase() + r.title.slice(1) }, pin);
}

async function resizeOrAsk(ctx: AgentContext, text: string, pin: Pin | null): Promise<AgentReply> {
  const change = parseLengthChange(text);
  if (!change) return { content: 'How long should it be? For example: "make the dentist 30 minutes" or "extend it by an hour".' };
  const words = text
    .replace(new RegExp(`(?:an?\\s+)?(?:${DURATION_WORDS})`, 'gi'), ' ')
    .replace(LENGTH_WORDS_RE, ' ')
    .replace(/\b(?:it|that)\b/gi, pin ? REF_PLACEHOLDER : ' ');
  const ref = refFromWords(words, ctx);
  const usable = ref.query || ref.range || ref.time ? ref : pin ? refFromWords(REF_PLACEHOLDER, ctx) : ref;
  return resolveAndPerform(ctx, usable, { kind: 'resize', change: change.kind, minutes: change.minutes }, pin);
}

const DURATION_WORDS = String.raw`\d+(?:[.,]\d+)?\s*(?:minutes?|mins?|hours?|hrs?|h|m)\b|half\s+an?\s+hour|an?\s+hour(?:\s+and\s+a\s+half)?|an?\s+quarter\s+(?:of\s+an\s+)?hour|quarter\s+of\s+an\s+hour`;

/** Occurrences from now on whose title fits `words`, soonest first. */
async function upcoming(ctx: AgentContext, words: string): Promise<Candidate[]> {
  const range = { start: ctx.now, end: new Date(ctx.now.getTime() + DAY_MS_AHEAD) };
  const reps = representatives(await listEvents(ctx, range), ctx.now).filter((c) => c.end > ctx.now);
  const ref = { query: words, range: null, time: null };
  let found = matchEvents(reps.map((c) => ({ ...c, title: c.row.title })), ref, ctx.user.timezone);
  if (found.length === 0) {
    // "see Anna": any event whose title mentions one of the words.
    const single = words.split(/\s+/).filter((w) => w.length > 2);
    found = reps.map((c) => ({ ...c, title: c.row.title })).filter((c) => single.some((w) => matchEvents([c], { query: w, range: null, time: null }, ctx.user.timezone).length));
  }
  return found.map(({ row, start, end }) => ({ row, start, end })).sort((a, b) => a.start.getTime() - b.start.getTime());
}

function listReply(ctx: AgentContext, found: Candidate[], head: string): AgentReply {
  const shown = found.slice(0, MAX_LISTED);
  ctx.note({ listing: { agent: '@cal', kind: 'event', label: head, items: shown.map(referentOf) }, ...(shown.length === 1 ? { focus: referentOf(shown[0]!) } : {}) });
  if (shown.length === 1) return { content: head ? `${head}: ${describe(shown[0]!, ctx)}.` : `${describe(shown[0]!, ctx)}.` };
  return { content: `${head}:\n${shown.map((c, i) => `${i + 1}. ${describe(c, ctx)}`).join('\n')}` };
}

async function agendaFor(ctx: AgentContext, range: Interval, label: string): Promise<AgentReply> {
  const tz = ctx.user.timezone;
  const occurrences = await listEvents(ctx, range);
  const items = occurrences.map((o) => ({ title: o.event.title, start: o.start, end: o.end, allDay: o.event.allDay, location: o.event.location }));
  ctx.note({
    listing: { agent: '@cal', kind: 'event', label, items: occurrences.slice(0, 25).map((o) => referentOf({ row: o.event, start: o.start, end: o.end })) },
    last: { agent: '@cal', intent: 'agenda', day: range.start.toISOString(), label },
  });
  return { content: agendaReply(items, label, tz, ctx.now) };
}

/** Rows of cal.intents.ts that the phrase parser alone does not cover. */
async function byIntent(ctx: AgentContext, intent: ChosenIntent, text: string): Promise<AgentReply | null> {
  const d = intent.data ?? {};
  const tz = ctx.user.timezone;
  const pc = { now: ctx.now, timeZone: tz };
  switch (intent.name) {
    case 'followup': {
      const pin: Pin = { id: String(d.refId), at: (d.refAt as string | null) ?? null };
      const t = String(d.text);
      if (/\b(?:rename|retitle|call\s+it|name\s+it)\b/i.test(t) || /^(?:rename|retitle)\b/i.test(t)) return renameOrAsk(ctx, t, pin);
      if (/\b(?:extend|lengthen|shorten|longer|shorter)\b/i.test(t) || (/^(?:make|set)\b/i.test(t) && parseLengthChange(t) && !/\b(?:later|earlier|sooner)\b/i.test(t))) return resizeOrAsk(ctx, t, pin);
      const req = parseCalendarRequest(t, pc);
      if (req.intent === 'move' && req.ref.query.includes(REF_PLACEHOLDER)) return resolveAndPerform(ctx, req.ref, { kind: 'move', target: req.target }, pin);
      if (req.intent === 'shift' && req.ref.query.includes(REF_PLACEHOLDER)) return resolveAndPerform(ctx, req.ref, { kind: 'shift', minutes: req.minutes }, pin);
      if (req.intent === 'delete' && req.ref.query.includes(REF_PLACEHOLDER)) return resolveAndPerform(ctx, req.ref, { kind: 'delete', onlyOccurrence: false }, pin);
      const to = /\b(?:to|until|till|for|at|on)\s+(.+)$/i.exec(t) ?? new RegExp(`^(?:make|change|put)\\s+${REF_PLACEHOLDER}\\s+(.+)$`, 'i').exec(t);
      const target = to ? parseTargetPhrase(to[1]!, pc) : null;
      const c = await pinnedCandidate(ctx, pin.id, pin.at);
      if (!c) return { content: 'That event has changed or is gone; which one do you mean?' };
      if (target) return perform(ctx, { kind: 'move', target: keepHalfOfDay(target, to![1]!, c, tz) }, c);
      return { content: `What should I change about ${bold(c.row.title)}? For example "move it to 4pm", "push it back an hour" or "make it 30 minutes".` };
    }
    case 'correction': {
      const pin: Pin = { id: String(d.refId), at: (d.refAt as string | null) ?? null };
      const rest = String(d.correction);
      const c = await pinnedCandidate(ctx, pin.id, pin.at);
      if (!c) return null;
      const rename = /^(?:call|name)\s+it\s+(.+)$/i.exec(rest);
      if (rename) return perform(ctx, { kind: 'rename', title: stripQuotes(rename[1]!) }, c);
      const target = parseTargetPhrase(rest, pc);
      if (target) return perform(ctx, { kind: 'move', target: keepHalfOfDay(target, rest, c, tz) }, c);
      const length = parseLengthChange(rest);
      if (length && !/\b(?:at|am|pm)\b|:/i.test(rest)) return perform(ctx, { kind: 'resize', change: length.kind, minutes: length.minutes }, c);
      return null;
    }
    case 'ellipsis': {
      const last = d.last as { intent?: string; day?: string | null } | null;
      if (d.dayAfter && last?.day) {
        const date = addDays(wallDateOf(new Date(last.day), tz), Number(d.dayAfter));
        const range = dayInterval(date, tz);
        return agendaFor(ctx, range, formatDay(range.start, tz, ctx.now).replace(/^/, 'on '));
      }
      if (typeof d.phrase === 'string' && last?.intent === 'free_at' && typeof (last as { label?: string }).label === 'string') {
        // "am I free Thursday at 3?" … "and Friday?": the same clock time that day.
        const req = parseCalendarRequest(`am I free ${d.phrase} at ${(last as { label: string }).label}`, pc);
        if (req.intent === 'free_at') return freeAtReply(ctx, req.start, req.end, 'am I free');
      }
      if (typeof d.phrase === 'string') {
        const req = parseCalendarRequest(`what's on ${d.phrase}`, pc);
        if (req.intent === 'agenda') return agendaFor(ctx, req.range, req.label);
      }
      return null;
    }
    case 'find': {
      if (typeof d.rewritten === 'string') {
        const req = parseCalendarRequest(d.rewritten, pc);
        if (req.intent !== 'find') return null;
        const found = await findCandidates(ctx, req.ref);
        if (found.length === 0) return { content: `No — I don't see ${bold(req.ref.query)} on your calendar.` };
        return listReply(ctx, found, found.length === 1 ? 'Yes' : `Yes, ${found.length}`);
      }
      // "how long is the team sync?", "what time does the party start?": the event, with its span.
      const m = /^(?:how\s+long|what\s+time|which\s+day|what\s+day)\s+(?:is|are|'s|does|do)\s+(.+?)(?:\s+(?:start|begin|end|finish|take|last))?$/i.exec(text.replace(/[?!.\s]+$/, ''));
      if (!m) return null;
      const req = parseCalendarRequest(`when is ${m[1]}`, pc);
      if (req.intent !== 'find') return null;
      const found = await findCandidates(ctx, req.ref);
      if (found.length === 0) return { content: notFound(req.ref), foundNothing: true };
      return listReply(ctx, found, found.length === 1 ? (/^how\s+long/i.test(text) ? `${lengthWords(found[0]!.end.getTime() - found[0]!.start.getTime())}` : '') : `I found ${found.length}`);
    }
    case 'rename':
      return renameOrAsk(ctx, text, focusPin(ctx));
    case 'resize':
      return resizeOrAsk(ctx, text, focusPin(ctx));
    case 'next_with': {
      const who = String(d.who).replace(/^(?:my|the)\s+/i, '');
      const found = await upcoming(ctx, who);
      if (found.length === 0) return { content: `I don't see ${bold(who)} on your calendar in the coming months.` };
      const next = found[0]!;
      ctx.note({ focus: referentOf(next) });
      return { content: `Next: ${describe(next, ctx)}.${found.length > 1 ? ` After that: ${describe(found[1]!, ctx)}.` : ''}` };
    }
    case 'upcoming_word': {
      const word = String(d.word).replace(/^(?:my|the)\s+/i, '');
      const found = await upcoming(ctx, word);
      if (found.length === 0) return { content: `Nothing like “${word}” on your calendar in the coming months.` };
      return listReply(ctx, found, found.length === 1 ? 'Yes' : `Yes, ${found.length}`);
    }
  }
  return null;
}

const FILLER_TITLE_RE =
  /^(?:the\s+)?(?:one|ones|it|that|this|them|those|these|thing|things|something|anything|stuff|same|other|event|meeting|appointment)(?:\s+one)?$|^(?:what|when|where|which|who|how|why|whether|remind\s+me\s+(?:what|when|where|if|whether)|do\s+i|did\s+i|is\s+there|are\s+there|can\s+you|could\s+you|check|tell\s+me|show\s+me)\b/i;

/** "Am I free on Thursday at 10:30?" (or "busy"): yes or no, what clashes, and free time that day. */
async function freeAtReply(ctx: AgentContext, reqStart: Date, reqEnd: Date, said: string): Promise<AgentReply> {
  const tz = ctx.user.timezone;
  const req = { start: reqStart, end: reqEnd };
  ctx.note({ last: { agent: '@cal', intent: 'free_at', label: formatTime(req.start, tz) } });
  const askedBusy = /\b(?:busy|booked|taken|occupied|tied\s+up)\b/i.test(said);
  const day = dayInterval(wallDateOf(req.start, tz), tz);
  const occurrences = await listEvents(ctx, { start: day.start, end: new Date(Math.max(day.end.getTime(), req.end.getTime())) });
  const busy = occurrences.map((o) => ({ title: o.event.title, start: o.start, end: o.end, allDay: o.event.allDay }));
  const clashes = conflictsWith(busy, req.start, req.end);
  const when = `${formatDay(req.start, tz, ctx.now)} at ${formatTime(req.start, tz)}`;
  if (clashes.length === 0) {
    const next = busy.filter((b) => !b.allDay && b.start >= req.end && b.start < day.end).sort((a, b) => a.start.getTime() - b.start.getTime())[0];
    const after = next ? ` Next up that day: ${bold(next.title)} at ${formatTime(next.start, tz)}.` : '';
    return { content: `${askedBusy ? 'No' : 'Yes'} — you're free on ${when}.${after}` };
  }
  const minutes = Math.round((req.end.getTime() - req.start.getTime()) / 60_000);
  const slots = freeSlots(ctx, occurrences, day, { minutes }).slice(0, 4);
  const names = clashes.map((c) => `${bold(c.title)} (${formatClockSpan(c.start, c.end, false, tz)})`).join(' and ');
  const offer = slots.length ? ` Free that day: ${freeList(slots, ctx, false)}.` : ' The rest of that day is full too.';
  return { content: `${askedBusy ? 'Yes' : 'No'} — on ${when} you have ${names}.${offer}` };
}

/** A change verb the parser could not complete is a question back, never a new event. */
const CHANGE_COMMAND_RE = /^(?:move|reschedule|re-schedule|change|shift|push|postpone|bump|delay|cancel|delete|remove|drop|rename|retitle|extend|shorten|lengthen)\b/i;

export async function calBuiltin(request: BuiltinRequest, ctx: AgentContext): Promise<AgentReply> {
  // Reminder requests ("remind me …", "my reminders") are understood by reminder-phrases.ts.
  const reminder = await handleReminderRequest(request, ctx);
  if (reminder) return reminder;
  const tz = ctx.user.timezone;
  const choice = await answerToChoice(ctx, request.text);
  if (choice) return choice;
  const intent = request.intent?.agent === '@cal' ? request.intent : null;
  const special = intent ? await byIntent(ctx, intent, request.text) : null;
  if (special) return special;
  const external = await externalTarget(ctx, request.text);
  if (external.unknownName) {
    const names = (await listConnectedCalendars(ctx.app, ctx.user.id)).map((c) => c.name).join(', ');
    return { content: `I don't see a calendar called ${bold(external.unknownName)}. Your connected calendars: ${names}.` };
  }
  const rewritten = intent?.name === 'free' && typeof intent.data?.rewritten === 'string' ? intent.data.rewritten : null;
  let req = parseCalendarRequest(rewritten ?? external.text, { now: ctx.now, timeZone: tz });
  // The classifier heard a question about the agenda; the phrase parser must not turn it into an event.
  if (intent?.name === 'agenda' && ((req.intent === 'create' && FILLER_TITLE_RE.test(req.title)) || req.intent === 'unknown')) {
    const asAgenda = parseCalendarRequest(`what's on ${external.text}`, { now: ctx.now, timeZone: tz });
    if (asAgenda.intent === 'agenda') req = asAgenda;
  }
  if ((req.intent === 'create' || req.intent === 'unknown') && CHANGE_COMMAND_RE.test(external.text.trim())) {
    return { content: 'Which event should I change, and how? For example: "move the dentist to Friday at 10", "cancel the bank call" or "make the standup 15 minutes".' };
  }

  switch (req.intent) {
    case 'create': {
      // "the one on Thursday", "it tomorrow": no title worth an event, so ask.
      if (FILLER_TITLE_RE.test(req.title.trim())) return { content: 'What should I put on your calendar? For example: "add dentist on Thursday at 10".' };
      if (external.target) {
        const proposal = await proposeExternalCreate(
          ctx,
          { connectionId: external.target.connectionId, calendarUrl: external.target.url, calendarName: external.target.name },
          req,
        );
        return confirmReply(proposal);
      }
      const created = await createLocalEvent(ctx, {
        title: req.title,
        start: req.start,
        end: req.end,
        allDay: req.allDay,
        location: req.location,
        recurrence: req.recurrence,
      }).catch((err: unknown) => {
        // A request the calendar refuses (a repeat rule beyond its limits) is answered, not a failure.
        const refused = err instanceof DomainError && err.code === 'validation_failed' ? err.errors?.[0]?.message : undefined;
        if (!refused) throw err;
        return refused;
      });
      if (typeof created === 'string') return { content: `I can't add ${bold(req.title)}: ${created.charAt(0).toLowerCase()}${created.slice(1)}.` };
      const { row, conflicts } = created;
      const added = addedReply({ title: row.title, start: row.startsAt, end: row.endsAt, allDay: row.allDay, location: row.location, rrule: row.rrule, timeZone: row.timeZone }, tz, ctx.now);
      const clash = conflicts.length
        ? ` Heads-up: it overlaps ${conflicts.map((c) => `${bold(c.title)} (${formatClockSpan(c.start, c.end, false, tz)})`).join(', ')}.`
        : '';
      ctx.note({ focus: referentOf({ row, start: row.startsAt, end: row.endsAt }), last: { agent: '@cal', intent: 'create' } });
      return { content: added + clash, metadata: { eventId: row.id } };
    }

    case 'agenda':
      return agendaFor(ctx, req.range, req.label);

    case 'find': {
      const found = await findCandidates(ctx, req.ref);
      if (found.length === 0) return { content: notFound(req.ref), foundNothing: true };
      ctx.note({ listing: { agent: '@cal', kind: 'event', label: req.ref.query, items: found.slice(0, MAX_LISTED).map(referentOf) }, ...(found.length === 1 ? { focus: referentOf(found[0]!) } : {}) });
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

    case 'free_at':
      return freeAtReply(ctx, req.start, req.end, request.text);

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
        return { content: `When should I put ${bold(req.title)}? For example: "add ${req.title.toLowerCase()} next Friday at 11".` };
      }
      if (req.missing === 'title') return { content: 'What should I call it? For example: "add dentist tomorrow at 10".' };
      return { content: CAL_HELP };
    }
  }
}
