// What @cal understands, as rows the classifier scores. Rows that need the
// conversation (follow-ups, corrections, ellipsis) resolve their referent here;
// everything else is parsed by phrases/calendar-phrases.ts in the built-in engine.
import { mentionsClock, mentionsDay, mentionsTime } from '../../lib/time/mentions.ts';
import type { IntentInput, IntentRow, IntentTable } from '../intents.ts';
import { findReference } from '../references.ts';

/** Stands in for the event a follow-up points at; the built-in engine pins it to that event. */
export const REF_PLACEHOLDER = 'REFEVENT';

const CHANGE_VERB = /^(?:move|reschedule|re-schedule|change|shift|push|postpone|bump|delay|put\s+off|bring|pull|cancel|delete|remove|drop|scrap|call\s+off|rename|retitle|extend|lengthen|shorten|make|set|update)\b/i;
const CREATE_VERB = /^(?:add|schedule|book|put|set\s+up|set(?=\s+an?\s)|plan|arrange|create|pencil(?:\s+in)?|block(?:\s+out|\s+off)?|insert|enter|new\s+(?:event|appointment|meeting)|remind\s+me\s+(?:to|about|of)|i\s+(?:need|have|want|'ve\s+got|got)\s+to|i\s+have\s+an?|i'?ve\s+got\s+an?|i'?m\s+(?:meeting|seeing|having)|we'?re\s+(?:meeting|having)|there'?s\s+an?)\b/i;
const CAL_NOUN = /\b(?:calendar|schedule|agenda|diary|appointments?|meetings?|events?|plans|busy|free|available|booked)\b/i;
const AGENDA_Q = /^(?:what(?:'s|s|\s+is|\s+are)?\s+(?:on|happening|planned|up|going\s+on|coming\s+up|next)|what\s+do\s+i\s+have|what\s+have\s+i\s+got|anything|do\s+i\s+have\s+(?:anything|something|plans|any\s+plans)|am\s+i\s+doing\s+anything|how(?:'s|\s+is|\s+does)\s+(?:my\s+)?(?:week|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend)|show\s+me\s+(?:my\s+)?(?:week|day|tomorrow|today))\b/i;
const LOOKS_LIKE = /\b(?:look|looks|looking|shaping\s+up)(?:\s+like)?\b.*$|^how\s+(?:busy|full|packed)\b/i;
const QUESTION_WORD = /^(?:what|when|which|anything|any|do\s+i|have\s+i|am\s+i|is\s+there|are\s+there|how)\b/i;
const AGENDA_LOOSE = /\b(?:anything|something|plans?|busy|stuff|events?|appointments?|meetings?|what\s+(?:i|we)\s+(?:have|got|'ve\s+got))\b|^(?:show|list|give|tell)\s+(?:me\s+)?(?:my\s+|the\s+)?(?:next|this|coming|tomorrow|today|monday|tuesday|wednesday|thursday|friday|saturday|sunday|week|weekend)\b/i;
const DID_I_ADD = /^(?:did|have)\s+i\s+(?:already\s+)?(?:add|put|schedule|book|enter)(?:ed)?\s+(.+?)(?:\s+(?:already|yet|in(?:to)?\s+(?:my|the)\s+calendar))?$/i;
const FIND_Q = /^(?:when(?:'s|s|\s+is|\s+are|\s+was|\s+do\s+i\s+have)\s+(?:my|the|our)\b|(?:what\s+time|what\s+day|which\s+day|how\s+long)\s+(?:is|are|'s|does|do)\s+\S)/i;
const WHERE_Q = /^where(?:'s|\s+is|\s+are)\s+(?!my\s+(?:keys?|passport|wallet|phone|car|glasses)\b)\S/i;
const NEXT_WITH = /^when\s+(?:do|will|am|shall|can)\s+i\s+(?:next\s+)?(?:see|meet|seeing|meeting|catch\s+up\s+with|get\s+to\s+see|visit|visiting)\s+(.+?)(?:\s+(?:next|again|next\s+time))?$|^when(?:'s|\s+is)\s+(?:my\s+)?next\s+(?:meeting|appointment|lunch|dinner|call|date)\s+with\s+(.+)$|^when(?:'s|\s+is)\s+the\s+next\s+time\s+(?:i|we)\s+(?:see|meet|visit)\s+(.+)$/i;
const UPCOMING = /^(?:is|are)\s+there\s+(?:an?|any|some)\s+(.+?)\s+(?:coming\s+up|soon|upcoming|planned|scheduled|on\s+the\s+horizon|this\s+year|in\s+the\s+(?:next|coming)\s+\w+)$|^(?:do|have)\s+i\s+(?:have|got)\s+(?:an?|any)\s+(.+?)\s+(?:coming\s+up|soon|upcoming|planned)$|^any\s+(.+?)\s+(?:coming\s+up|soon|upcoming)$/i;
const PART_FREE = /^is\s+(?:my\s+|the\s+)?(morning|afternoon|evening|day|calendar|schedule)\s+(?:free|clear|open|empty)\s*(.*)$/i;
const FREE = /\b(?:am\s+i|are\s+we|i'?m)\s+(?:free|busy|available|booked)\b|\bfree\s+(?:time|slots?)\b|\bwhen\s+(?:am\s+i|are\s+we)\s+free\b|\bfind\s+(?:me\s+)?(?:a\s+)?(?:free\s+)?(?:slot|time)\b/i;
const RENAME = /\b(?:rename|retitle)\b|\bchange\s+the\s+(?:name|title)\b|\bcall\s+it\b|\bname\s+it\b/i;
const RESIZE = /\b(?:extend|lengthen|shorten)\b|\bmake\b.{0,60}\b(?:longer|shorter)\b|\b(?:should\s+)?(?:last|take)s?\s+(?:an?|\d+|half)\b|\bmake\b.{0,60}\b(?:\d+|an?|half\s+an?|one|two|three)\s*(?:-|\s)?(?:minutes?|mins?|hours?|hrs?|h)\b(?!\s+(?:later|earlier|sooner|before|after))|\bset\b.{0,60}\bto\s+(?:\d+|an?|half\s+an?)\s*(?:minutes?|mins?|hours?|h)\b|\bcut\b.{0,40}\bshort\b/i;
const CORRECTION = /^(?:no|nope|actually|sorry|wait|oops|rather|i\s+meant|i\s+mean|make\s+that|correction)\b[,!.:\s]+(?:i\s+meant\s+|make\s+it\s+|it'?s\s+|at\s+|on\s+|to\s+)?(.+)$/i;
const MAKE_IT = /^(?:make\s+it|change\s+it\s+to|let'?s\s+say|how\s+about)\s+(?:at\s+|on\s+)?(.+)$/i;
const ELLIPSIS = /^(?:and|what\s+about|how\s+about|and\s+what\s+about|same\s+for|and\s+for)\s+(.{2,40})$/i;
const DAY_AFTER = /^(?:and\s+)?(?:the\s+)?(?:day\s+after|next\s+day|following\s+day|day\s+before)(?:\s+that)?$/i;

const hasEventContext = (i: IntentInput) => i.conversation.focus?.kind === 'event' || i.conversation.listing?.kind === 'event';

const row = (name: string, match: IntentRow['match'], parse?: IntentRow['parse']): IntentRow => (parse ? { name, match, parse } : { name, match });

/** A change verb aimed at an event the conversation just showed. */
function followUp(i: IntentInput): Record<string, unknown> | null {
  if (!CHANGE_VERB.test(i.u.text) || !hasEventContext(i)) return null;
  const ref = findReference(i.u.text, i.conversation, 'event', i.timeZone, REF_PLACEHOLDER);
  if (!ref) return null;
  return { refId: ref.referent.id, refAt: ref.referent.at ?? null, refTitle: ref.referent.label, text: ref.text };
}

/** "no, 4pm", "actually Saturday", "make it 30 minutes": the event just made or changed. */
function correction(i: IntentInput): Record<string, unknown> | null {
  const focus = i.conversation.focus;
  if (focus?.kind !== 'event' || i.conversation.turn - focus.turn > 2) return null;
  const m = CORRECTION.exec(i.u.text) ?? MAKE_IT.exec(i.u.text);
  if (!m) return null;
  const rest = m[1]!.trim();
  if (!mentionsTime(rest) && !/\b(?:minutes?|mins?|hours?|hrs?|\d)\b/i.test(rest) && !/^(?:call|name)\s+it\b/i.test(rest)) return null;
  return { refId: focus.id, refAt: focus.at ?? null, refTitle: focus.label, correction: rest };
}

export const calIntents: IntentTable = {
  agent: '@cal',
  rows: [
    row('followup', (i) => (followUp(i) ? 0.93 : 0), followUp),
    row('correction', (i) => (correction(i) ? 0.9 : 0), correction),
    row(
      'ellipsis',
      (i) => (i.conversation.last?.agent === '@cal' && (DAY_AFTER.test(i.u.text) || (ELLIPSIS.test(i.u.text) && mentionsDay(i.u.text))) ? 0.88 : 0),
      (i) => ({ phrase: DAY_AFTER.test(i.u.text) ? null : ELLIPSIS.exec(i.u.text)![1], dayAfter: DAY_AFTER.test(i.u.text) ? (/before/i.test(i.u.text) ? -1 : 1) : 0, last: i.conversation.last ?? null }),
    ),
    row('rename', (i) => (RENAME.test(i.u.text) && (CAL_NOUN.test(i.u.text) || hasEventContext(i) || /\bto\b/i.test(i.u.text)) ? 0.86 : 0)),
    row('resize', (i) => (RESIZE.test(i.u.text) && !/\b(?:e-?mails?|mails?|memory)\b/i.test(i.u.text) ? 0.84 : 0)),
    row('next_with', (i) => (NEXT_WITH.test(i.u.text) ? 0.85 : 0), (i) => {
      const m = NEXT_WITH.exec(i.u.text)!;
      return { who: m[1] ?? m[2] ?? m[3] };
    }),
    row('upcoming_word', (i) => (UPCOMING.test(i.u.text) && !/\b(?:e-?mails?|mails?|newsletters?)\b/i.test(i.u.text) ? 0.84 : 0), (i) => {
      const m = UPCOMING.exec(i.u.text)!;
      return { word: m[1] ?? m[2] ?? m[3] };
    }),
    row('free', (i) => (FREE.test(i.u.text) || PART_FREE.test(i.u.text) ? 0.85 : 0), (i) => {
      const m = PART_FREE.exec(i.u.text);
      if (!m) return null;
      const part = /morning|afternoon|evening/i.test(m[1]!) ? m[1] : '';
      return { rewritten: `when am I free ${m[2] || 'today'} ${part}`.trim() };
    }),
    row('create', (i) => {
      if (!CREATE_VERB.test(i.u.text)) return 0;
      if (/\b(?:to|in|on|into)\s+(?:my|the)\s+(?:calendar|diary|agenda|schedule)\b/i.test(i.u.text)) return 0.9;
      if (/\b(?:e-?mails?|mails?|memory|memories|list)\b/i.test(i.u.text)) return 0.3;
      // "I need to call mom tomorrow" is a plan only when it has a time.
      if (/^(?:i|i'?ve|i'?m|we'?re|there'?s|remind)\b/i.test(i.u.text)) return mentionsTime(i.u.text) ? 0.75 : 0.3;
      return mentionsTime(i.u.text) ? 0.8 : 0.55;
    }),
    row('agenda', (i) => {
      const t = i.u.text;
      if (/\b(?:e-?mails?|mails?|inbox|unread)\b/i.test(t)) return 0.2;
      if (AGENDA_Q.test(t) && (mentionsDay(t) || CAL_NOUN.test(t) || /\b(?:on|next|coming\s+up)\b/i.test(t))) return 0.82;
      if (CAL_NOUN.test(t)) return 0.78;
      if (AGENDA_LOOSE.test(t) && mentionsTime(t)) return 0.76;
      if (LOOKS_LIKE.test(t) && (mentionsDay(t) || /\b(?:schedule|calendar|diary)\b/i.test(t))) return 0.82;
      if (QUESTION_WORD.test(t) && mentionsDay(t) && t.split(/\s+/).length <= 8) return 0.66;
      if ((i.u.question || /^(?:and\s+)?(?:today|tomorrow|tonight)\b/i.test(t)) && mentionsDay(t) && t.split(/\s+/).length <= 6) return 0.6;
      return 0;
    }),
    row('find', (i) => (FIND_Q.test(i.u.text) || DID_I_ADD.test(i.u.text) ? 0.74 : WHERE_Q.test(i.u.text) ? 0.55 : 0), (i) => {
      const m = DID_I_ADD.exec(i.u.text);
      return m ? { rewritten: `when is ${m[1]}` } : null;
    }),
    row('change', (i) => {
      if (!CHANGE_VERB.test(i.u.text) || /^(?:make|set|update)\b/i.test(i.u.text)) return 0;
      if (/\b(?:e-?mails?|mails?|messages?|memory|memories|note)\b/i.test(i.u.text)) return 0.3;
      return mentionsTime(i.u.text) || CAL_NOUN.test(i.u.text) ? 0.8 : 0.6;
    }),
    row('implicit_create', (i) => {
      const t = i.u.text;
      if (i.u.question || /^(?:i|i'm|im|i've|we|it|this|that|my)\b/i.test(t) || t.split(/\s+/).length > 10) return 0;
      return mentionsClock(t) && mentionsDay(t) ? 0.62 : mentionsClock(t) && /\b(?:at|@)\s+\d/.test(t) ? 0.55 : 0;
    }),
  ],
};
