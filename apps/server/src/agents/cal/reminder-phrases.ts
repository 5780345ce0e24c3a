// What a reminder request says, without a model: "remind me at 5 to call the
// garage", "in 20 minutes", "tomorrow morning", "an hour before the dentist",
// "the evening before my flight", "every Monday at 8 remind me to take out the
// bins", and listing, moving and cancelling reminders. A reminder is a point in
// time, not an event: nothing here creates a calendar entry.
//
// Default hours (the same as for events): morning 09:00, afternoon 14:00,
// evening and tonight 19:00; a day without a time ("on Friday") 09:00; "the
// evening before X" 19:00 and "the day before X" 09:00 on the day before X.
// A bare hour from 1 to 7 ("at 5") is in the afternoon.
import { parseCalendarRequest } from './phrases/calendar-phrases.ts';
import { addDays, wallDateOf, wallToInstant, type WallTime } from '../../features/calendar/zoned-time.ts';

export type ReminderParseContext = { now: Date; timeZone: string };

export const DEFAULT_DAY_HOUR: WallTime = { hour: 9, minute: 0 };
export const EVENING_BEFORE: WallTime = { hour: 19, minute: 0 };

/** Relative to an event: a number of minutes before its start, or a wall time on the day before. */
export type EventOffset = { minutesBefore: number } | { dayBeforeAt: WallTime };

export type ReminderRequest =
  | { intent: 'create'; text: string; at: Date; recurrence: string | null }
  /** `readings`: ways to split "the dentist to bring the forms" into the event and the text, most literal first. */
  | { intent: 'create_before_event'; readings: Array<{ event: string; text: string | null }>; offset: EventOffset }
  | { intent: 'list' }
  | { intent: 'cancel'; about: string | null }
  | { intent: 'move'; about: string | null; at: Date }
  | { intent: 'snooze'; about: string | null; minutes: number }
  /** A reminder request without a time: ask when. */
  | { intent: 'needs_time'; text: string };

const NUMBER_WORDS: Record<string, number> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, fifteen: 15, twenty: 20, thirty: 30, forty: 40, 'forty-five': 45, fifty: 50, sixty: 60, ninety: 90,
};
const NUMBER = String.raw`(?:\d+(?:[.,]\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty(?:-five)?|fifty|sixty|ninety|half an?|a couple of|a few)`;
const UNIT = String.raw`(?:minutes?|mins?|m\b|hours?|hrs?|h\b|days?|weeks?)`;

function amount(word: string): number {
  const w = word.toLowerCase();
  if (w.startsWith('half')) return 0.5;
  if (w === 'a couple of') return 2;
  if (w === 'a few') return 3;
  return NUMBER_WORDS[w] ?? Number(w.replace(',', '.'));
}

function minutesOf(n: number, unit: string): number {
  const u = unit.toLowerCase();
  if (u.startsWith('h')) return Math.round(n * 60);
  if (u.startsWith('d')) return Math.round(n * 1440);
  if (u.startsWith('w')) return Math.round(n * 10_080);
  return Math.round(n);
}

const tidy = (s: string) => s.replace(/\s+/g, ' ').replace(/^[\s,.:;-]+|[\s,.!?;:-]+$/g, '').trim();
const capitalize = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);
/** "to call the garage" → "Call the garage"; "about the bins" → "The bins". */
function reminderText(raw: string): string {
  const t = tidy(tidy(raw).replace(/^(?:to|that|about|of|for)\s+/i, '').replace(/^(?:i\s+(?:need|have)\s+to|i\s+should)\s+/i, ''));
  return capitalize(t.replace(/\bmy\b/gi, 'your').replace(/^your\b/, 'Your'));
}

/** The reminder-ish words a request names, to find which reminder is meant. */
function aboutWords(raw: string): string | null {
  const t = tidy(
    raw
      .replace(/\b(?:the|my|a|an|reminders?|about|to|for|of|that|please|one)\b/gi, ' ')
      .replace(/\s+/g, ' '),
  );
  return t || null;
}

const LIST_RE = /^(?:(?:what|which|show|list|see|any|do i have|have i got)\b.*\breminders?\b.*|(?:my\s+)?reminders\??|what (?:do i|did i ask you to) remind me (?:of|about|to)\b.*)$/i;
const CANCEL_RE = /^(?:please\s+)?(?:cancel|delete|remove|drop|forget|stop|clear)\s+(?<about>.*?\breminders?\b.*|.*)$/i;
// Greedy: "move my reminder to call the garage to tomorrow at 10" splits at the last "to".
const MOVE_RE = /^(?:please\s+)?(?:move|change|reschedule|push|shift|postpone|set)\s+(?<about>.*\breminders?\b.*)\s+(?:to|until|till)\s+(?<when>.+)$/i;
const SNOOZE_RE = /^(?:please\s+)?(?:move|push|shift|postpone|snooze)\s+(?<about>.*?\breminders?\b.*?)\s+(?:by|for)\s+(?<n>NUM)\s+(?<unit>UNIT)$/i;
const RELATIVE_RE = new RegExp(String.raw`\bin\s+(?<n>${NUMBER})\s+(?<unit>${UNIT})(?:\s+and\s+a\s+half)?`, 'i');
const BEFORE_RE = new RegExp(String.raw`\b(?<n>${NUMBER})\s+(?<unit>${UNIT})\s+before\s+(?<event>.+)$`, 'i');
const DAY_BEFORE_RE = /\b(?:on\s+)?the\s+(?<part>evening|night|day|morning|afternoon)\s+before\s+(?<event>.+)$/i;
const REMIND_RE = /\bremind\s+me\b/i;

/** A wall time on an absolute date expression, read by the calendar's phrase parser. */
function atTime(text: string, ctx: ReminderParseContext): { at: Date; recurrence: string | null; title: string } | null {
  const parsed = parseCalendarRequest(`add ${text}`, { now: ctx.now, timeZone: ctx.timeZone });
  if (parsed.intent !== 'create') return null;
  let at = parsed.start;
  if (parsed.allDay) at = wallToInstant(wallDateOf(parsed.start, ctx.timeZone), DEFAULT_DAY_HOUR, ctx.timeZone);
  // A time that just passed today is meant for tomorrow ("at 9" said at 9:30).
  if (!parsed.recurrence && at <= ctx.now) at = wallToInstant(addDays(wallDateOf(at, ctx.timeZone), 1), { hour: Number(localHM(at, ctx.timeZone)[0]), minute: Number(localHM(at, ctx.timeZone)[1]) }, ctx.timeZone);
  return { at, recurrence: parsed.recurrence, title: parsed.title };
}

function localHM(d: Date, timeZone: string): [string, string] {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(d);
  return [parts.find((p) => p.type === 'hour')!.value, parts.find((p) => p.type === 'minute')!.value];
}

/** "my flight to Lisbon" or "the dentist to bring the forms": every split at " to ", the whole first. */
function beforeEvent(eventPart: string, leading: string): Array<{ event: string; text: string | null }> {
  const event = tidy(eventPart.replace(/^(?:the|my|our)\s+/i, ''));
  const text = tidy(leading) ? reminderText(leading) : null;
  const readings = [{ event, text }];
  if (text) return readings;
  for (const m of event.matchAll(/\s+to\s+/gi)) {
    readings.push({ event: tidy(event.slice(0, m.index)), text: reminderText(event.slice(m.index + m[0].length)) });
  }
  return readings;
}

const WHEN_WORDS = new Set(['every', 'each', 'on', 'at', 'in', 'tomorrow', 'today', 'tonight', 'next', 'this', 'daily', 'weekly', 'monthly']);

/** The event parser drops a leading verb it reads as "create" ("book the restaurant"); for a reminder that verb is the point. */
function keepVerb(what: string, title: string): string {
  const escaped = title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const afterTo = new RegExp(String.raw`\bto\s+((?:[a-z']+\s+){1,3}?${escaped})\b`, 'i').exec(what);
  if (afterTo) return afterTo[1]!;
  const first = /^([a-z']+)\s+/i.exec(what)?.[1];
  if (!first || WHEN_WORDS.has(first.toLowerCase()) || title.toLowerCase().startsWith(first.toLowerCase())) return title;
  return what.toLowerCase().includes(`${first.toLowerCase()} ${title.toLowerCase()}`) ? `${first} ${title.charAt(0).toLowerCase()}${title.slice(1)}` : title;
}

/** Understands a reminder request; null when the message is not about reminders. */
export function parseReminderRequest(raw: string, ctx: ReminderParseContext): ReminderRequest | null {
  const text = tidy(raw.replace(/@cal\b/i, ' '));
  if (!/\bremind/i.test(text)) return null;

  if (LIST_RE.test(text)) return { intent: 'list' };

  const snooze = new RegExp(SNOOZE_RE.source.replace('NUM', NUMBER).replace('UNIT', UNIT), 'i').exec(text);
  if (snooze?.groups) {
    return { intent: 'snooze', about: aboutWords(snooze.groups.about!), minutes: minutesOf(amount(snooze.groups.n!), snooze.groups.unit!) };
  }
  const move = MOVE_RE.exec(text);
  if (move?.groups && !REMIND_RE.test(text)) {
    const when = atTime(`x ${move.groups.when}`, ctx);
    if (when) return { intent: 'move', about: aboutWords(move.groups.about!), at: when.at };
  }
  const cancel = CANCEL_RE.exec(text);
  if (cancel?.groups && !REMIND_RE.test(text)) return { intent: 'cancel', about: aboutWords(cancel.groups.about!) };

  const remind = REMIND_RE.exec(text);
  if (!remind) return null;
  // "every Monday at 8 remind me to take out the bins": what comes before "remind me" is part of the when.
  const body = tidy(`${text.slice(0, remind.index)} ${text.slice(remind.index + remind[0].length)}`);

  const dayBefore = DAY_BEFORE_RE.exec(body);
  if (dayBefore?.groups) {
    const part = dayBefore.groups.part!.toLowerCase();
    const at: WallTime = part === 'evening' || part === 'night' ? EVENING_BEFORE : part === 'afternoon' ? { hour: 14, minute: 0 } : DEFAULT_DAY_HOUR;
    return { intent: 'create_before_event', readings: beforeEvent(dayBefore.groups.event!, body.slice(0, dayBefore.index)), offset: { dayBeforeAt: at } };
  }
  const before = BEFORE_RE.exec(body);
  if (before?.groups) {
    const minutes = minutesOf(amount(before.groups.n!), before.groups.unit!);
    return { intent: 'create_before_event', readings: beforeEvent(before.groups.event!, body.slice(0, before.index)), offset: { minutesBefore: minutes } };
  }
  const relative = RELATIVE_RE.exec(body);
  if (relative?.groups) {
    let minutes = minutesOf(amount(relative.groups.n!), relative.groups.unit!);
    if (/and a half/i.test(relative[0])) minutes += minutesOf(0.5, relative.groups.unit!);
    const what = reminderText(`${body.slice(0, relative.index)} ${body.slice(relative.index + relative[0].length)}`);
    return { intent: 'create', text: what || 'Reminder', at: new Date(ctx.now.getTime() + minutes * 60_000), recurrence: null };
  }
  const what = body.replace(/^(?:to|that|about)\s+/i, '');
  const when = atTime(what, ctx);
  if (!when) return { intent: 'needs_time', text: reminderText(body) || 'Reminder' };
  return { intent: 'create', text: reminderText(keepVerb(what, when.title)) || 'Reminder', at: when.at, recurrence: when.recurrence };
}
