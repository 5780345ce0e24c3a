// What @mail understands, as rows the classifier scores. The built-in engine
// reads the request itself (mail-intent.ts); rows that answer a question in
// everyday words ("has my landlord written?") carry the slot they found.
import type { IntentInput, IntentRow, IntentTable } from '../intents.ts';
import { findReference } from '../references.ts';

export const MAIL_REF_PLACEHOLDER = 'REFMAIL';

const MAIL_NOUN = /\b(?:e-?mails?|mails?|inbox|unread|newsletters?|mailbox|spam)\b/i;
const SENDER_Q =
  /^(?:has|have|did)\s+(.+?)\s+(?:sent|send|written|write|wrote|e-?mailed|e-?mail|mailed|replied|reply|responded|respond|answered|answer|gotten\s+back|got\s+back|get\s+back|been\s+in\s+touch|contacted|messaged)\b|^(?:did\s+i\s+(?:get|receive|hear)\s+(?:anything|something|back|a\s+reply|an?\s+(?:answer|e-?mail|mail|message))\s+from|(?:any(?:thing)?|something|news|word|a\s+reply|an?\s+answer)\s+(?:new\s+)?from|have\s+i\s+heard\s+(?:back\s+)?from|is\s+there\s+(?:anything|something|a\s+reply|an?\s+(?:e-?mail|mail|message))\s+from)\s+(.+)$/i;
const ABOUT_Q = /^what\s+(?:was|is|were|'s)\s+(.+?)(?:'s|s')?\s+(?:latest\s+|last\s+)?(?:e-?mails?|mails?|messages?|note)\s+about$|^what\s+(?:does|did|do)\s+(?:the\s+|my\s+)?(.+?)(?:'s|s')\s+(?:latest\s+|last\s+)?(?:e-?mail|mail|message|note)\s+say$|^what(?:'s|\s+is)\s+the\s+(?:latest|news)\s+from\s+(.+)$|^what\s+did\s+(.+?)\s+(?:want|say|write|ask(?:\s+for)?|need|send(?:\s+me)?)$|^what\s+(?:does|do)\s+(.+?)\s+want$/i;
const WHEN_LAST = /^when\s+did\s+(.+?)\s+(?:last\s+)?(?:write|e-?mail|mail|reply|message|send|get\s+back)\b/i;
const COUNT_Q = /^how\s+many\b.*\b(?:unread|e-?mails?|mails?|messages?|new\s+ones?)\b/i;
const SHIPPING = /\b(?:package|parcel|order|shipment|shipped|shipping|delivery|delivered|deliver|tracking|dispatched|arrive|arriving|courier)\b/i;
const BOOKING = /\b(?:booking|reservation|reserved|confirmation|itinerary|e-?ticket|tickets?|check-?in|boarding\s+pass|flight|hotel|train)\b/i;
const NEWSLETTER = /\b(?:newsletters?|subscriptions?|mailing\s+lists?|promotions?|marketing|unsubscribe)\b/i;
const COMPOSE = /^(?:reply|respond|answer|write\s+back|forward|fwd|write\s+(?:an?\s+(?:e-?mail|mail)\s+)?to|e-?mail\s+\S+@|send\s+(?:an?\s+)?(?:e-?mail|mail|message)\s+to)\b/i;
const MAIL_VERB = /^(?:read|open|show|summari[sz]e|sum\s+up|archive|mark|reply|respond|answer|forward|delete|who\s+sent|what\s+(?:was|is)\s+(?:it|that)\s+about|what\s+did\s+(?:it|that)\s+say)\b/i;

const NEW_MAIL = /^what(?:'s|s|\s+is)\s+new\b|\b(?:new|unread|fresh)\s+(?:e-?mails?|mails?|messages?)\b|^(?:anything|something)\s+new\b|^(?:any\s+)?new\s+(?:mail|e-?mail)s?\b/i;
const LATEST = /\b(?:latest|last|newest|most\s+recent)\s+(?:e-?mail|mail|message)\b/i;
const WHO_WROTE = /^(?:who\s+(?:has\s+|have\s+)?(?:e-?mailed|mailed|written|wrote|messaged|sent|contacted)|(?:did|has)\s+(?:anyone|anybody|someone|somebody)\s+(?:e-?mailed|e-?mail|mailed|written|write|wrote|messaged|sent|send|contacted|replied|reply))\b/i;
const PRONOUN_SENDER = /^(?:he|she|they|him|her|them|it)$/i;

/** "what did he want?": the sender of the mail just shown. */
function pronounSender(i: IntentInput, sender: string): Record<string, unknown> | null {
  if (!PRONOUN_SENDER.test(sender)) return null;
  const focus = i.conversation.focus?.kind === 'mail' ? i.conversation.focus : i.conversation.listing?.kind === 'mail' && i.conversation.listing.items.length === 1 ? i.conversation.listing.items[0] : null;
  return focus ? { refId: focus.id, sender: focus.from ?? sender } : { sender };
}

const hasMailContext = (i: IntentInput) => i.conversation.focus?.kind === 'mail' || i.conversation.listing?.kind === 'mail';

function followUp(i: IntentInput): Record<string, unknown> | null {
  if (!MAIL_VERB.test(i.u.text) || !hasMailContext(i)) return null;
  const ref = findReference(i.u.text, i.conversation, 'mail', i.timeZone, MAIL_REF_PLACEHOLDER);
  if (!ref) return null;
  return { refId: ref.referent.id, refLabel: ref.referent.label, position: ref.position, how: ref.how, text: ref.text };
}

const row = (name: string, match: IntentRow['match'], parse?: IntentRow['parse']): IntentRow => (parse ? { name, match, parse } : { name, match });

export const mailIntents: IntentTable = {
  agent: '@mail',
  rows: [
    row('followup', (i) => (followUp(i) ? 0.93 : 0), followUp),
    row('count', (i) => (COUNT_Q.test(i.u.text) ? 0.9 : 0)),
    row('about_sender', (i) => (ABOUT_Q.test(i.u.text) ? 0.88 : 0), (i) => {
      const m = ABOUT_Q.exec(i.u.text)!;
      const sender = m.slice(1).find((g) => g !== undefined)!.replace(/^(?:the|my)\s+/i, '');
      return pronounSender(i, sender) ?? { sender };
    }),
    row('who_wrote', (i) => (WHO_WROTE.test(i.u.text) ? 0.88 : 0)),
    row('from_sender', (i) => (SENDER_Q.test(i.u.text) || WHEN_LAST.test(i.u.text) ? 0.86 : 0), (i) => {
      const m = WHEN_LAST.exec(i.u.text) ?? SENDER_Q.exec(i.u.text)!;
      // "did I get a reply from Sarah?": the sender is after "from", not the "I".
      const from = /^(?:did|have)\s+i\b/i.test(i.u.text) ? /\bfrom\s+(.+)$/i.exec(i.u.text)?.[1] : undefined;
      const sender = (from ?? m[1] ?? m[2])!.replace(/^(?:the|my|our)\s+/i, '').replace(/\s+(?:yet|recently|lately|today|this\s+week)$/i, '');
      return pronounSender(i, sender) ?? { sender };
    }),
    row('new_mail', (i) => (NEW_MAIL.test(i.u.text) ? 0.87 : 0)),
    row('latest', (i) => (LATEST.test(i.u.text) && !/\bfrom\b/i.test(i.u.text) ? 0.87 : 0)),
    row('newsletters', (i) => (NEWSLETTER.test(i.u.text) ? 0.86 : 0)),
    row('compose', (i) => (COMPOSE.test(i.u.text) ? 0.85 : 0)),
    row('mail_words', (i) => (MAIL_NOUN.test(i.u.text) ? 0.84 : 0)),
    row('shipping', (i) => (SHIPPING.test(i.u.text) && (i.u.question || /^(?:where|when|has|have|did|is|did)\b/i.test(i.u.text)) ? 0.72 : 0), (i) => ({ topic: 'shipping', words: i.u.text })),
    row('booking', (i) => (BOOKING.test(i.u.text) && (i.u.question || /^(?:where|when|what|which|has|have|did|is|do)\b/i.test(i.u.text)) ? 0.7 : 0), (i) => ({ topic: 'booking', words: i.u.text })),
  ],
};
