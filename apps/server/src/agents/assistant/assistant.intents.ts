// The assistant's own rows: small talk, the day overview, requests that need
// two agents, and the answer to "your calendar or your mail?".
import type { AgentName } from '@lifeos/contract';
import type { IntentInput, IntentRow, IntentTable } from '../intents.ts';

const GREETING = /^(?:hi|hello|hey|hallo|hiya|howdy|yo|good\s+(?:morning|afternoon|evening|day)|morning|evening)(?:\s+(?:there|lifeos|assistant|again))?[!.,\s]*$/i;
const THANKS = /^(?:thanks|thank\s+you|thx|ty|cheers|great|perfect|awesome|cool|nice|ok(?:ay)?|got\s+it|sounds\s+good|bye|goodbye|see\s+you)(?:\s+(?:so\s+much|a\s+lot|very\s+much|again|lifeos))?[!.,\s]*$/i;
const HELP = /^(?:help|what\s+can\s+you\s+do|what\s+do\s+you\s+do|how\s+does\s+this\s+work|who\s+are\s+you|what\s+are\s+you|commands|agents)\b/i;
const OVERVIEW =
  /\b(?:my|the)\s+day\s+(?:look|looking|shaping\s+up)(?:\s+like)?\b|\bhow(?:'s|\s+is|\s+does)\s+(?:my\s+)?(?:day|today)\s+(?:look|looking)\b|\bbrief\s+me\b|\b(?:daily\s+)?briefing\b|\bcatch\s+me\s+up\b|\brundown\b|\bwhat(?:'s|\s+is)\s+(?:up|happening)\s+today\b|\bwhat\s+should\s+i\s+know\s+(?:about\s+)?today\b|\bplan\s+for\s+(?:the\s+)?day\b|^(?:anything|something)\s+i\s+should\s+know(?:\s+(?:about\s+)?today)?$|^what'?s\s+(?:happening|going\s+on|up)(?:\s+today)?$|^(?:give\s+me\s+)?(?:my\s+)?(?:daily\s+)?(?:summary|overview)(?:\s+(?:for|of)\s+today)?$/i;
const MAIL_TO_CAL = /\b(?:add|put|copy|save|create|schedule|enter)\b.{0,80}?\b(?:from|in)\s+(?:my|the|that|this|her|his|their|[\p{L}'-]+'s)\s+(?:[\p{L}-]+\s+){0,3}(?:e-?mail|mail|message|inbox)\b.{0,60}\b(?:to|in|into|on)\s+(?:my|the)\s+(?:calendar|cal|diary|schedule|agenda)\b/iu;
const MAIL_TO_MEM = /^(?:remember|note(?:\s+down)?|save|store|keep)\b.{1,80}?\bfrom\s+(?:my|the|that|this|her|his|their|[\p{L}'-]+'s)\s+(?:[\p{L}-]+\s+){0,3}(?:e-?mail|mail|message)\b/iu;
/** "add it to my calendar" right after a mail was read: the event in that mail. */
const IT_TO_CAL = /^(?:add|put|save|copy|enter)\s+(?:it|that|this|the\s+date|the\s+event|the\s+appointment)\s+(?:to|in|into|on)\s+(?:my\s+|the\s+)?(?:calendar|cal|diary|schedule)\b/i;
const ROUTE_ANSWER: Array<[RegExp, AgentName]> = [
  [/^(?:the\s+|my\s+)?(?:calendar|cal|agenda|schedule|diary)\b/i, '@cal'],
  [/^(?:the\s+|my\s+)?(?:mail|e-?mail|e-?mails|inbox|mailbox)\b/i, '@mail'],
  [/^(?:the\s+|my\s+)?(?:memory|memories|mem|notes)\b/i, '@mem'],
];

export function routeAnswer(i: IntentInput): AgentName | null {
  const pending = i.conversation.pending;
  if (pending?.kind !== 'route') return null;
  const text = i.u.text.replace(/^(?:the\s+one\s+in\s+|in\s+|from\s+|on\s+)/i, '');
  for (const [re, agent] of ROUTE_ANSWER) if (re.test(text) && pending.options.includes(agent)) return agent;
  return null;
}

/** A bare pick ("2", "the second one", "the one on Sunday") right after an agent asked "which one?". */
const BARE_PICK = /^(?:the\s+)?(?:#|number\s+|no\.?\s*)?(?:\d{1,2}|first|second|third|fourth|fifth|sixth|last)(?:\s+one)?$|^the\s+one\s+(?:on|from|at|with|about)\s+\S.{0,30}$|^the\s+\S+(?:\s+\S+)?\s+one$|^(?:both|all\s+of\s+them|(?:\d{1,2}\s*(?:,|and|&)\s*)+\d{1,2})$/i;

export function answerTo(i: IntentInput): AgentName | null {
  const last = i.conversation.last;
  if (!last || i.conversation.turn - last.turn > 0 || !BARE_PICK.test(i.u.text)) return null;
  return last.agent;
}

const row = (name: string, match: IntentRow['match'], parse?: IntentRow['parse']): IntentRow => (parse ? { name, match, parse } : { name, match });

export const assistantIntents: IntentTable = {
  agent: 'assistant',
  rows: [
    row('route_answer', (i) => (routeAnswer(i) ? 0.99 : 0), (i) => ({ agent: routeAnswer(i), text: i.conversation.pending?.text ?? '' })),
    row('answer_to_agent', (i) => (answerTo(i) ? 0.96 : 0), (i) => ({ agent: answerTo(i) })),
    row('greeting', (i) => (GREETING.test(i.u.text) ? 0.95 : 0)),
    row('thanks', (i) => (THANKS.test(i.u.text) ? 0.95 : 0)),
    row('help', (i) => (HELP.test(i.u.text) || i.u.text.length === 0 ? 0.9 : 0)),
    row('day_overview', (i) => (OVERVIEW.test(i.u.text) ? 0.92 : 0)),
    row('mail_to_calendar', (i) => (MAIL_TO_CAL.test(i.u.text) || (IT_TO_CAL.test(i.u.text) && i.conversation.focus?.kind === 'mail') ? 0.97 : 0), (i) =>
      IT_TO_CAL.test(i.u.text) && i.conversation.focus?.kind === 'mail' ? { mailId: i.conversation.focus.id } : null,
    ),
    row('mail_to_memory', (i) => (MAIL_TO_MEM.test(i.u.text) ? 0.97 : 0)),
  ],
};
