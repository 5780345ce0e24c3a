// @mem's rows for the classifier: a thin adapter over mem-intent.ts, which
// still reads the request itself when @mem answers.
import type { IntentRow, IntentTable } from '../intents.ts';
import { parseMemIntent } from './mem-intent.ts';

const REMEMBER = /^(?:remember|note(?:\s+down)?|note\s+to\s+self|save|store|memori[sz]e|keep\s+in\s+mind|don'?t\s+forget|do\s+not\s+forget|make\s+a\s+note|jot\s+down|write\s+down|for\s+the\s+record|fyi|just\s+so\s+you\s+know)\b/i;
const LIST = /\bwhat\s+(?:do|did)\s+you\s+(?:know|remember)\b|\b(?:show|list)\s+(?:me\s+)?(?:all\s+)?(?:my\s+)?(?:memories|notes|facts)\b|\bwhat\s+have\s+i\s+told\s+you\b/i;
const RECALL = /^(?:what(?:'s|s|\s+is|\s+are|\s+was)|who(?:'s|s|\s+is|\s+are)|where(?:'s|\s+is|\s+do|\s+does)|which)\s+(?:my|our)\s+(?!day\b|week\b|schedule\b|calendar\b|agenda\b|plans?\b|inbox\b|mail|e-?mail|unread\b|next\b)\w+/i;
const ASK_MEMORY = /^(?:do|did)\s+you\s+(?:still\s+)?(?:remember|recall|know)\b|\b(?:memory|memories)\b/i;
const STATEMENT = /^(?:my|our)\s+[\p{L}' -]{2,40}?\s+(?:is|are|was|were|lives?|works?)\s+\S/iu;
const PERSONAL_FACT = /\b(?:birthday|anniversary|name|address|phone|number|code|password|pin|size|allergy|allergic|blood\s+type|licen[cs]e|passport|plate|wifi|wi-fi|locker|favou?rite)\b/i;
const WHERE_DID_I = /^(?:where|what|when|who|which)\s+(?:did|do|have)\s+i\s+(?:park|put|leave|left|store|hide|keep|say|tell\s+you|buy|get)\b/i;
const PREFERENCE = /^i\s+(?:like|love|hate|prefer|am\s+allergic|'m\s+allergic|don'?t\s+(?:like|eat|drink)|live|work|was\s+born|have\s+an?\s+(?:allergy|dog|cat))\b/i;

const row = (name: string, match: IntentRow['match']): IntentRow => ({ name, match });

export const memIntents: IntentTable = {
  agent: '@mem',
  rows: [
    row('remember', (i) => (REMEMBER.test(i.u.text) && parseMemIntent(i.u.text).kind === 'remember' ? 0.9 : 0)),
    row('forget', (i) =>
      /^forget\b/i.test(i.u.text) || /^(?:delete|remove|erase|wipe|clear)\b.*\b(?:memor(?:y|ies)|you\s+know|about\s+me|notes?|facts?)\b/i.test(i.u.text) ? 0.88 : 0,
    ),
    row('list', (i) => (LIST.test(i.u.text) ? 0.88 : 0)),
    row('ask_memory', (i) => (ASK_MEMORY.test(i.u.text) ? 0.8 : 0)),
    row('recall', (i) => {
      if (WHERE_DID_I.test(i.u.text)) return 0.8;
      if (!RECALL.test(i.u.text) && !/^when(?:'s|\s+is|\s+are)\s+(?:my|our)\s+/i.test(i.u.text)) return 0;
      if (i.u.text.split(/\s+/).length > 9) return 0;
      // "what's my wifi password?", "when is my sister's birthday?": facts the user told, not events.
      return PERSONAL_FACT.test(i.u.text) ? (/\b(?:birthday|anniversary)\b/i.test(i.u.text) ? 0.78 : 0.85) : 0.62;
    }),
    row('statement', (i) => (!i.u.question && (STATEMENT.test(i.u.text) || PREFERENCE.test(i.u.text)) ? 0.6 : 0)),
  ],
};
