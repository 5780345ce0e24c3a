import type { MailAddress, MailQuery } from '../../integrations/mail/mail.types.ts';
import { DATE_PHRASE, resolveDateRange, zonedMidnight } from '../../lib/time/date-range.ts';

/** Which mail a command is about: a number from the last listing, or a description. */
import type { MailTarget } from '../../features/mail/mail.service.ts';

export type { MailTarget };

export type MailIntent =
  | { kind: 'triage'; query: MailQuery; label: string }
  | { kind: 'search'; query: MailQuery; label: string }
  | { kind: 'read'; target: MailTarget }
  | { kind: 'summarize'; target: MailTarget }
  | { kind: 'summarize_list'; query: MailQuery; label: string }
  | { kind: 'reply'; target: MailTarget; body: string }
  | { kind: 'compose'; to: MailAddress[]; cc: MailAddress[]; subject: string; body: string }
  | { kind: 'forward'; target: MailTarget; to: MailAddress[]; note: string }
  | { kind: 'mark'; target: MailTarget; read: boolean }
  | { kind: 'archive'; target: MailTarget }
  | { kind: 'clarify'; message: string }
  | { kind: 'help' };

export interface IntentContext {
  now: Date;
  timeZone: string;
}

const EMAIL = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;
const EMAIL_G = new RegExp(EMAIL.source, 'g');

const ORDINALS: Record<string, number> = {
  first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10,
  '1st': 1, '2nd': 2, '3rd': 3, '4th': 4, '5th': 5, '6th': 6, '7th': 7, '8th': 8, '9th': 9, '10th': 10,
  latest: 1, newest: 1, last: 1, 'most recent': 1, top: 1,
};

const MAIL_NOUN = '(?:e-?mails?|mails?|messages?|ones?|notes?)';

/** Strips the mention, politeness and trailing punctuation; keeps the case of what matters. */
export function normalizeCommand(content: string): string {
  let s = content.replace(/(^|\s)@mail\b[:,]?/gi, ' ').replace(/\s+/g, ' ').trim();
  const fillers = /^(?:hey|hi|ok(?:ay)?|so|please|pls|kindly|can you|could you|would you|will you|i want to|i'd like to|i would like to|let's|lets|go ahead and|just)\b[\s,]*/i;
  for (let i = 0; i < 4 && fillers.test(s); i++) s = s.replace(fillers, '');
  s = s.replace(/[\s,]*\b(?:please|for me|thanks|thank you)\s*[?!.]*$/i, '');
  return s.trim();
}

function stripEndPunct(s: string): string {
  return s.replace(/[\s?!.]+$/, '').trim();
}

/** "2", "#2", "number 2", "the second one", "the latest", "the one from Anna", "the invoice from Hetzner", "Anna's mail". */
export function parseTarget(raw: string): MailTarget | null {
  const s = stripEndPunct(raw).replace(/^(?:the|my|that|this)\s+/i, '').trim();
  if (s.length === 0) return null;
  const num = new RegExp(`^(?:(?:${MAIL_NOUN}|number|no\\.?|nr\\.?|#)\\s*)?#?(\\d{1,3})$`, 'i').exec(s);
  if (num) return { kind: 'index', index: Number(num[1]) };
  const ord = new RegExp(`^(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|1st|2nd|3rd|[4-9]th|10th|latest|newest|last|most recent|top)(?:\\s+${MAIL_NOUN})?(?:\\s+(?:in the list|on the list))?$`, 'i').exec(s);
  if (ord) return { kind: 'index', index: ORDINALS[ord[1]!.toLowerCase()]! };
  // "(the) <about>? (one|mail) from <name> (about <topic>)?"
  const from = new RegExp(`^(?:(.+?)\\s+)?(?:${MAIL_NOUN}\\s+)?from\\s+(.+?)(?:\\s+(?:about|regarding|on)\\s+(.+))?$`, 'i').exec(s);
  if (from) {
    const about = [from[1], from[3]].filter((x) => x && !new RegExp(`^${MAIL_NOUN}$`, 'i').test(x)).join(' ').trim();
    const name = from[2]!.replace(/^(?:the|my)\s+/i, '').trim();
    return { kind: 'match', from: name, ...(about ? { about: stripNoun(about) } : {}) };
  }
  const about = new RegExp(`^(?:${MAIL_NOUN}\\s+)?(?:about|regarding|on|re)\\s+(?:the\\s+)?(.+)$`, 'i').exec(s);
  if (about) return { kind: 'match', about: stripNoun(about[1]!) };
  const possessive = new RegExp(`^(.+?)['’]s\\s+${MAIL_NOUN}$`, 'i').exec(s);
  if (possessive) return { kind: 'match', from: possessive[1]! };
  const topicNoun = new RegExp(`^(.+?)\\s+${MAIL_NOUN}$`, 'i').exec(s);
  if (topicNoun) return { kind: 'match', about: topicNoun[1]! };
  // A bare name or word: a person ("reply to Anna") when capitalised, else a topic.
  if (/^[A-ZÀ-Ý][\p{L}'’-]*(?:\s+[A-ZÀ-Ý][\p{L}'’-]*){0,2}$/u.test(s)) return { kind: 'match', from: s };
  if (/^[\p{L}\d'’ -]{2,60}$/u.test(s)) return { kind: 'match', about: s };
  return null;
}

function stripNoun(s: string): string {
  return s.replace(new RegExp(`\\s+${MAIL_NOUN}$`, 'i'), '').replace(/^(?:the|my)\s+/i, '').trim();
}

/** Addresses in "a@x.com, b@y.org and Anna <c@z.net>"; names without an address are reported back. */
export function parseAddressList(s: string): { addresses: MailAddress[]; unresolved: string[] } {
  const addresses: MailAddress[] = [];
  const unresolved: string[] = [];
  for (const part of s.split(/\s*(?:,|;|\band\b)\s*/i)) {
    const p = part.trim();
    if (!p) continue;
    const angle = /^(.*?)\s*<([^>]+)>$/.exec(p);
    if (angle && EMAIL.test(angle[2]!)) {
      addresses.push({ name: angle[1]!.replace(/^"|"$/g, '').trim(), address: angle[2]!.trim() });
      continue;
    }
    const m = p.match(EMAIL_G);
    if (m && m.length > 0) for (const a of m) addresses.push({ name: '', address: a });
    else unresolved.push(p);
  }
  return { addresses, unresolved };
}

const PROVIDER_TOKEN = /(?:^|\s)-?(?:from|to|cc|subject|is|has|after|before|newer_than|older_than|in|label|filename):\S/i;

/** Gmail-style search syntax ("from:bank subject:statement is:unread after:2026/11/01") into a MailQuery; `raw` keeps the original. */
export function parseProviderQuery(raw: string, ctx: IntentContext): MailQuery {
  const q: MailQuery = { raw: raw.trim() };
  const tokens = raw.match(/-?[A-Za-z_]+:"[^"]*"|-?[A-Za-z_]+:\S+|"[^"]*"|\S+/g) ?? [];
  const day = (v: string): Date | null => {
    const m = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(v);
    return m ? zonedMidnight(Number(m[1]), Number(m[2]), Number(m[3]), ctx.timeZone) : null;
  };
  for (const tok of tokens) {
    const kv = /^(-?)([A-Za-z_]+):(.*)$/.exec(tok);
    if (!kv) {
      const word = tok.replace(/^"|"$/g, '');
      if (word) (q.text ??= []).push(word);
      continue;
    }
    const [, neg, keyRaw, valRaw] = kv;
    const key = keyRaw!.toLowerCase();
    const val = valRaw!.replace(/^"|"$/g, '');
    // Negations only reach Gmail through `raw`; IMAP gets the positive terms.
    if (neg) continue;
    switch (key) {
      case 'from': q.from = val; break;
      case 'to': q.to = val; break;
      case 'subject': (q.subject ??= []).push(val); break;
      case 'is':
        if (/^(unread|new)$/i.test(val)) q.unread = true;
        else if (/^(read|seen)$/i.test(val)) q.unread = false;
        break;
      case 'has': if (/^attachments?$/i.test(val)) q.hasAttachment = true; break;
      case 'after': { const d = day(val); if (d) q.since = d.toISOString(); break; }
      case 'before': { const d = day(val); if (d) q.before = d.toISOString(); break; }
      case 'newer_than':
      case 'older_than': {
        const m = /^(\d+)([dmy])$/i.exec(val);
        if (!m) break;
        const n = Number(m[1]);
        const ms = { d: 86_400_000, m: 30 * 86_400_000, y: 365 * 86_400_000 }[m[2]!.toLowerCase() as 'd' | 'm' | 'y'];
        const t = new Date(ctx.now.getTime() - n * ms).toISOString();
        if (key === 'newer_than') q.since = t;
        else q.before = t;
        break;
      }
      default:
        // in:, label:, filename:, cc: are Gmail-only; they still go to Gmail through `raw`.
        break;
    }
  }
  return q;
}

const FILLER_WORDS = new Set(
  ('a an the my me all any anything something everything mails mail emails email e-mails e-mail messages message ones one ' +
    'show find search look for list get got did do i have there is are some of please received came come arrived in ' +
    'what whats what\'s that which recent recently latest new newest inbox stuff').split(' '),
);

/** A natural query ("the invoice from Hetzner", "mails about the lease from last month") into a MailQuery. */
export function parseNaturalQuery(phrase: string, ctx: IntentContext): { query: MailQuery; label: string } {
  let s = ` ${stripEndPunct(phrase)} `;
  const query: MailQuery = {};
  const labels: string[] = [];
  if (/\b(?:unread|unseen|not (?:yet )?read)\b/i.test(s)) {
    query.unread = true;
    s = s.replace(/\b(?:unread|unseen|not (?:yet )?read)\b/gi, ' ');
    labels.push('unread');
  }
  if (/\bwith (?:an? )?attachments?\b|\bhas attachments?\b/i.test(s)) {
    query.hasAttachment = true;
    s = s.replace(/\bwith (?:an? )?attachments?\b|\bhas attachments?\b/gi, ' ');
    labels.push('with attachments');
  }
  const dm = DATE_PHRASE.exec(s);
  if (dm) {
    const range = resolveDateRange(dm[0], ctx.now, ctx.timeZone);
    if (range) {
      if (range.since) query.since = range.since;
      if (range.before) query.before = range.before;
      s = s.slice(0, dm.index) + ' ' + s.slice(dm.index + dm[0].length);
      labels.push(range.label);
    }
  }
  const to = /\b(?:sent\s+)?to\s+([^\s,]+@[^\s,]+)/i.exec(s);
  if (to) {
    query.to = to[1]!;
    s = s.replace(to[0], ' ');
    labels.push(`to ${query.to}`);
  }
  const from = /\bfrom\s+(?:the\s+|my\s+)?(.+?)(?=\s+(?:about|regarding|concerning|re|on|with|that|which|subject|titled|mentioning|containing)\b|\s*$)/i.exec(s);
  if (from) {
    query.from = from[1]!.trim();
    s = s.replace(from[0], ' ');
    labels.push(`from ${query.from}`);
  }
  const about = /\b(?:about|regarding|concerning|re|mentioning|containing|titled|subject)\s+(.+?)\s*$/i.exec(s);
  let topicWords: string[] = [];
  if (about) {
    topicWords = about[1]!.split(/\s+/);
    s = s.replace(about[0], ' ');
  }
  const rest = s.split(/\s+/).filter((w) => w.length > 0);
  const words = [...topicWords, ...rest]
    .map((w) => w.replace(/^["'(]+|["'),.;:!?]+$/g, ''))
    .filter((w) => w.length > 0 && !FILLER_WORDS.has(w.toLowerCase()));
  if (words.length > 0) {
    query.text = words;
    labels.unshift(`"${words.join(' ')}"`);
  }
  return { query, label: labels.join(', ') };
}

function queryFor(phrase: string, ctx: IntentContext): { query: MailQuery; label: string } {
  if (PROVIDER_TOKEN.test(` ${phrase}`)) {
    const query = parseProviderQuery(phrase, ctx);
    return { query, label: query.raw ?? phrase };
  }
  return parseNaturalQuery(phrase, ctx);
}

function isTriageQuery(q: MailQuery): boolean {
  return !q.raw && !q.text?.length && !q.subject?.length && !q.hasAttachment && !q.to;
}

function listIntent(phrase: string, ctx: IntentContext, defaultUnread: boolean): MailIntent {
  const { query, label } = queryFor(phrase, ctx);
  if (isTriageQuery(query)) {
    // Asking for what is new without a date means the unread mail; a date means everything that came in.
    if (defaultUnread && query.unread === undefined && !query.since && !query.from) query.unread = true;
    const l = label || (query.unread ? 'unread' : 'inbox');
    return { kind: 'triage', query, label: query.unread && !/unread/.test(l) ? `unread, ${l}` : l };
  }
  return { kind: 'search', query, label };
}

const SUMMARY_LIST = /^(?:all\s+)?(?:of\s+)?(?:my\s+|the\s+)?(?:unread|new|today'?s|latest|recent)(?:\s+(?:e-?mails?|mails?|messages?))?(?:\s+.*)?$|^(?:my\s+)?(?:inbox|e-?mails?|mails?)(?:\s+.*)?$|^everything(?:\s+new)?(?:\s+.*)?$|^what(?:'s| is)\s+new$/i;

/** Reads an ordinary request to @mail; only the user's words are parsed, never mail content. */
export function parseMailIntent(content: string, ctx: IntentContext): MailIntent {
  const s = normalizeCommand(content);
  if (s.length === 0 || /^(?:help|what can you do|how does this work|\?)$/i.test(s)) return { kind: 'help' };

  // Write commands first: their free-text bodies may contain any other keyword.
  const reply = /^(?:reply|respond|answer|write back)\s+(?:to\s+)?(.+?)\s*(?::|\s-\s|\bsaying\b|\bwith\b|\bthat\b)\s*([\s\S]+)$/i.exec(s);
  if (reply) {
    const target = parseTarget(reply[1]!);
    const body = reply[2]!.replace(/^[:\s]+/, '').trim();
    if (!target) return { kind: 'clarify', message: `Which mail should I reply to? Say for example "reply to 2: ${body}".` };
    if (!body) return { kind: 'clarify', message: 'What should the reply say? For example "reply to 2: thanks, Thursday works".' };
    return { kind: 'reply', target, body };
  }
  if (/^(?:reply|respond|answer)\b/i.test(s)) {
    return { kind: 'clarify', message: 'Tell me which mail and what to say, for example "reply to 2: thanks, Thursday works".' };
  }

  const compose = /^(?:write|send|compose|draft|e-?mail|mail)\s+(?:an?\s+(?:new\s+|short\s+)?(?:e-?mail|mail|message|note)\s+)?to\s+([\s\S]+)$/i.exec(s);
  if (compose) return parseCompose(compose[1]!);

  const forward = /^(?:forward|fwd|fw|pass on|send on)\s+(.+?)\s+to\s+(.+?)(?:\s*(?::|\bsaying\b|\bwith the note\b|\bwith\b)\s*([\s\S]+))?$/i.exec(s);
  if (forward) {
    const target = parseTarget(forward[1]!);
    const { addresses, unresolved } = parseAddressList(forward[2]!);
    if (!target) return { kind: 'clarify', message: 'Which mail should I forward? Say for example "forward 3 to anna@example.com".' };
    if (unresolved.length > 0 || addresses.length === 0) {
      return { kind: 'clarify', message: `I need an email address for ${unresolved.join(', ') || 'the recipient'}, for example "forward 3 to anna@example.com".` };
    }
    return { kind: 'forward', target, to: addresses, note: (forward[3] ?? '').trim() };
  }

  const mark = /^mark\s+(.+?)\s+(?:as\s+)?(read|unread|seen|unseen|new|done)$/i.exec(stripEndPunct(s));
  if (mark) {
    const target = parseTarget(mark[1]!);
    if (!target) return { kind: 'clarify', message: 'Which mail? Say for example "mark 2 as read".' };
    return { kind: 'mark', target, read: /^(read|seen|done)$/i.test(mark[2]!) };
  }

  const archive = /^(?:archive|file away)\s+(.+)$/i.exec(s) ?? /^move\s+(.+?)\s+to\s+(?:the\s+)?archive$/i.exec(stripEndPunct(s));
  if (archive) {
    const target = parseTarget(archive[1]!);
    if (!target) return { kind: 'clarify', message: 'Which mail should I archive? Say for example "archive 1".' };
    return { kind: 'archive', target };
  }

  const summarize = /^(?:summari[sz]e|sum up|give me a summary of|a summary of|summary of|tl;?dr(?:\s+of)?|recap)\s*(.*)$/i.exec(s);
  if (summarize) {
    const rest = stripEndPunct(summarize[1]!);
    if (rest === '' || SUMMARY_LIST.test(rest)) {
      const intent = listIntent(rest.replace(/^(?:all\s+)?(?:of\s+)?/i, ''), ctx, true);
      if (intent.kind === 'triage' || intent.kind === 'search') return { kind: 'summarize_list', query: intent.query, label: intent.label };
    }
    const target = parseTarget(rest);
    if (target) return { kind: 'summarize', target };
    return { kind: 'clarify', message: 'Which mail should I summarize? Say "summarize 1" or "summarize my unread".' };
  }

  const read = /^(?:read|open|view|display|show(?:\s+me)?)\s+(.+?)(?:\s+(?:to me|again|in full))?$/i.exec(stripEndPunct(s));
  if (read) {
    const target = parseTarget(read[1]!);
    const verb = s.split(/\s/)[0]!.toLowerCase();
    // "show me mails from Anna" is a listing; "show 2" and "show the one from Anna" are one mail.
    const isOne =
      target &&
      (target.kind === 'index' || verb === 'read' || verb === 'open' || /^(?:the\s+)?(?:one|last one|latest one)\b/i.test(read[1]!) || /^the\s+\S+\s+from\b/i.test(read[1]!));
    if (target && isOne && !/^(?:my\s+)?(?:unread|new|inbox|mails?|e-?mails?|messages?)\b/i.test(read[1]!)) return { kind: 'read', target };
  }

  // Triage: what is new.
  const triageNew = /^(?:is there\s+|are there\s+|do i have\s+|did i get\s+|got\s+)?(?:anything|something|any)\s+new\b\s*(.*)$|^what'?s\s+new\b\s*(.*)$|^what\s+is\s+new\b\s*(.*)$|^(?:any\s+)?new\s+(?:e-?mails?|mails?|messages?)\b\s*(.*)$/i.exec(stripEndPunct(s));
  if (triageNew) return listIntent(triageNew.slice(1).find((x) => x !== undefined) ?? '', ctx, true);
  const cameIn = /^what\s+(?:came|come|has come|arrived|has arrived|did i get|have i got)\s*(?:in)?\s*(.*)$/i.exec(stripEndPunct(s));
  if (cameIn) return listIntent(cameIn[1]!, ctx, false);
  if (/^(?:check|check my|show my|open my|go through my)?\s*(?:e-?mails?|mails?|inbox)$/i.test(stripEndPunct(s))) {
    return { kind: 'triage', query: { unread: true }, label: 'unread' };
  }

  // Listing and search verbs.
  const list = /^(?:find|search(?:\s+for)?|look\s+(?:for|up)|locate|where(?:'s| is)|get me|show(?:\s+me)?|list|give me|any|do i have(?:\s+any)?|did i get(?:\s+any)?|is there(?:\s+an?)?|are there(?:\s+any)?|have i got(?:\s+any)?)\b\s*(.*)$/i.exec(s);
  if (list) {
    const verb = s.split(/\s/)[0]!.toLowerCase();
    const intent = listIntent(list[1]!, ctx, false);
    // "find ..." is always a search, even for "find mails from Anna".
    if ((verb === 'find' || verb === 'search' || verb === 'look' || verb === 'locate' || verb === 'where' || verb === "where's") && intent.kind === 'triage') {
      return { kind: 'search', query: intent.query, label: intent.label };
    }
    return intent;
  }
  // "unread", "unread from Anna", "mails from Anna today", or provider syntax on its own.
  if (/^(?:unread|new)\b/i.test(s) || /^(?:e-?mails?|mails?|messages?)\s+(?:from|about|since|today|yesterday|this|last)\b/i.test(s) || PROVIDER_TOKEN.test(` ${s}`)) {
    return listIntent(s, ctx, false);
  }
  return { kind: 'help' };
}

/** "jo@example.com subject Dinner: are you free Friday?", "jo@x.com cc b@y.com about Dinner: ...", "jo@x.com: text". */
function parseCompose(rest: string): MailIntent {
  const m = /^(.+?)(?:\s+cc\s+(.+?))?(?:\s+(?:with\s+(?:the\s+)?)?(?:subject|titled|about|re)\s*:?\s*(?:"([^"]+)"|([^:]+?)))?\s*(?::|\bsaying\b|\bthat\b)\s*([\s\S]+)$/i.exec(rest);
  if (!m) {
    return { kind: 'clarify', message: 'Tell me the address and the text, for example "write to jo@example.com subject Dinner: are you free Friday?".' };
  }
  const to = parseAddressList(m[1]!);
  const cc = m[2] ? parseAddressList(m[2]) : { addresses: [], unresolved: [] };
  const unresolved = [...to.unresolved, ...cc.unresolved];
  if (unresolved.length > 0 || to.addresses.length === 0) {
    return { kind: 'clarify', message: `I need an email address for ${unresolved.join(', ') || 'the recipient'}, for example "write to jo@example.com subject Dinner: are you free Friday?".` };
  }
  const body = m[5]!.trim();
  let subject = (m[3] ?? m[4] ?? '').trim();
  if (!subject) {
    // No subject given: the start of the text, as people write short mails.
    const firstLine = body.split('\n')[0]!;
    subject = firstLine.length <= 60 ? firstLine : `${firstLine.slice(0, 57).replace(/\s+\S*$/, '')}…`;
    subject = subject.charAt(0).toUpperCase() + subject.slice(1);
  }
  return { kind: 'compose', to: to.addresses, cc: cc.addresses, subject, body };
}
