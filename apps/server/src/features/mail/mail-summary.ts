/** Extractive summaries of a mail without a model: key sentences, dates, amounts, links, requests. */

export interface MailDigest {
  keySentences: string[];
  dates: string[];
  amounts: string[];
  links: string[];
  actions: string[];
  /** The mail contains text addressed to an AI assistant; shown as a warning, never obeyed. */
  suspicious: boolean;
}

const GREETING = /^(?:hi|hello|hey|dear|hallo|hej|good (?:morning|afternoon|evening)|greetings)\b[^.!?]{0,40}[,!:]?$/i;
const SIGN_OFF = /^(?:best(?: regards| wishes)?|kind regards|warm regards|regards|many thanks|thanks(?: again)?|thank you|cheers|sincerely|yours(?: sincerely| truly)?|all the best|br|viele grüße|liebe grüße|mit freundlichen grüßen|sent from my \w+)\b[^.!?]{0,30}[,!.]?$/i;
const FOOTER = /\b(?:unsubscribe|manage (?:your )?preferences|view (?:this email )?in (?:your|a) browser|privacy policy|you are receiving this)\b/i;

const WEEKDAY = '(?:mon|tues|wednes|thurs|fri|satur|sun)day';
const MONTH = '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const DATE_RE = new RegExp(
  [
    `\\b(?:(?:by|on|until|till|before|due|from|after|this|next)\\s+)?${WEEKDAY}(?:,?\\s+\\d{1,2}(?:st|nd|rd|th)?\\s+${MONTH}(?:\\s+\\d{4})?)?(?:\\s+(?:at\\s+)?\\d{1,2}(?::\\d{2})?\\s*(?:am|pm)?)?`,
    `\\b(?:(?:by|on|until|till|before|due|from|after)\\s+)?\\d{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH}\\b(?:\\s+\\d{4})?`,
    `\\b(?:(?:by|on|until|till|before|due|from|after)\\s+)?${MONTH}\\s+\\d{1,2}(?:st|nd|rd|th)?\\b(?:,?\\s+\\d{4})?`,
    `\\b(?:(?:by|on|until|before|due)\\s+)?\\d{4}-\\d{2}-\\d{2}\\b`,
    `\\b(?:(?:by|on|until|before|due)\\s+)?\\d{1,2}[./]\\d{1,2}[./]\\d{2,4}\\b`,
    `\\b(?:(?:by|until|before)\\s+)?(?:today|tonight|tomorrow|next week|end of (?:the )?(?:day|week|month)|eod|eow)\\b`,
    `\\b(?:at\\s+)?\\d{1,2}(?::\\d{2})?\\s*(?:am|pm)\\b`,
    `\\bat\\s+\\d{1,2}:\\d{2}\\b`,
  ].join('|'),
  'gi',
);

const CURRENCY_CODES = '(?:EUR|USD|GBP|CHF|CAD|AUD|JPY|SEK|NOK|DKK|PLN)';
const NUMBER = '\\d{1,3}(?:[.,\\u00a0 ]\\d{3})*(?:[.,]\\d{1,2})?|\\d+(?:[.,]\\d{1,2})?';
const AMOUNT_RE = new RegExp(
  `(?:[€$£¥]\\s?(?:${NUMBER})|\\b${CURRENCY_CODES}\\s?(?:${NUMBER})|(?:${NUMBER})\\s?(?:[€$£¥]|${CURRENCY_CODES}\\b|euros?\\b|dollars?\\b|pounds?\\b))`,
  'gi',
);

const LINK_RE = /\bhttps?:\/\/[^\s<>"'\])]+/gi;

const ACTION_RE = new RegExp(
  [
    '\\b(?:please|pls|kindly)\\b',
    '\\b(?:could|can|would|will) you\\b',
    '\\blet (?:me|us) know\\b',
    '\\b(?:need|needs|require|requires) (?:you|your)\\b',
    '\\b(?:you (?:must|need to|have to|should))\\b',
    '\\b(?:make sure|don\'t forget|do not forget|remember to)\\b',
    '\\b(?:reply|respond|rsvp|confirm|sign|pay|submit|complete|review|approve|register|renew|book)\\b[^.?!]{0,60}\\b(?:by|before|until)\\b',
    '\\b(?:action required|due (?:on|by)|deadline)\\b',
  ].join('|'),
  'i',
);

// Text that addresses an assistant instead of the reader: a sign of prompt injection.
const INJECTION_RE =
  /\b(?:ignore|disregard|forget)\b[^.]{0,40}\b(?:previous|prior|above|earlier|all)\b[^.]{0,20}\b(?:instructions?|prompts?|rules?|messages?)\b|\b(?:you are now|act as|new instructions?|system prompt|as an ai|ai assistant|language model)\b|\bforward (?:all|every|everything)\b/i;

export function looksLikePromptInjection(text: string): boolean {
  return INJECTION_RE.test(text);
}

function unique(items: string[], max: number): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of items) {
    const item = raw.replace(/\s+/g, ' ').trim();
    const key = item.toLowerCase();
    if (!item || seen.has(key)) continue;
    // A shorter form already covered by a longer one ("Friday" inside "by Friday").
    if (out.some((o) => o.toLowerCase().includes(key))) continue;
    for (let i = out.length - 1; i >= 0; i--) if (key.includes(out[i]!.toLowerCase())) out.splice(i, 1);
    seen.add(key);
    out.push(item);
    if (out.length >= max) break;
  }
  return out;
}

/** The sentences of the newest part of a body, without greeting, sign-off and footer. */
export function contentSentences(text: string): string[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n').map((l) => l.trim());
  const kept: string[] = [];
  for (const line of lines) {
    if (line === '') {
      kept.push('');
      continue;
    }
    if (SIGN_OFF.test(line)) break;
    if (GREETING.test(line) || FOOTER.test(line)) continue;
    kept.push(line);
  }
  const paragraphs = kept.join('\n').split(/\n{2,}/).map((p) => p.replace(/\n/g, ' ').trim()).filter(Boolean);
  const sentences: string[] = [];
  for (const p of paragraphs) {
    // Split after . ! ? when a new sentence starts; "EUR 12.40" and "e.g. this" stay whole.
    for (const s of p.split(/(?<=[.!?])\s+(?=["“(]?[A-ZÀ-Ý0-9])/)) {
      const t = s.trim();
      if (t.length > 0) sentences.push(t);
    }
  }
  return sentences;
}

/** Picks the few sentences that carry the message, and lists dates, amounts, links and requests. */
export function digestMail(mail: { subject: string; text: string }, maxSentences = 3): MailDigest {
  const sentences = contentSentences(mail.text);
  const subjectWords = new Set(
    mail.subject
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((w) => w.length > 3),
  );
  const scored = sentences.map((s, i) => {
    let score = 1 / (1 + i * 0.35);
    if (ACTION_RE.test(s) || /\byou\b[^.]*\?$/i.test(s)) score += 2;
    if (new RegExp(DATE_RE.source, 'i').test(s)) score += 1;
    if (new RegExp(AMOUNT_RE.source, 'i').test(s)) score += 1;
    const words = s.toLowerCase().split(/[^\p{L}\p{N}]+/u);
    if (words.some((w) => subjectWords.has(w))) score += 0.5;
    if (s.length < 15) score -= 1;
    if (s.length > 300) score -= 0.5;
    if (LINK_RE.test(s) && s.replace(LINK_RE, '').trim().length < 10) score -= 1;
    LINK_RE.lastIndex = 0;
    return { s, i, score };
  });
  const top = [...scored]
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .slice(0, maxSentences)
    .sort((a, b) => a.i - b.i)
    .map((x) => (x.s.length > 240 ? `${x.s.slice(0, 239).trimEnd()}…` : x.s));
  const body = sentences.join(' ');
  const links = unique((mail.text.match(LINK_RE) ?? []).map((l) => l.replace(/[.,;:!?]+$/, '')), 5);
  return {
    keySentences: top,
    dates: unique(body.match(DATE_RE) ?? [], 6),
    amounts: unique(body.match(AMOUNT_RE) ?? [], 6),
    links,
    actions: unique(sentences.filter((s) => ACTION_RE.test(s) || /\byou\b[^.]*\?$/i.test(s)), 4),
    suspicious: looksLikePromptInjection(`${mail.subject}\n${mail.text}`),
  };
}
