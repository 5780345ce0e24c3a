// Finds what a follow-up points at: "it", "that", "the second one", "the one on
// Sunday", "the dentist one", "her" — against the conversation's referents.
import { pickOption } from '../lib/nl/choice.ts';
import { parseOrdinal } from '../lib/nl/numbers.ts';
import type { ConversationState, Referent, ReferentKind } from './conversation.ts';

export interface FoundReference {
  referent: Referent;
  /** The text with the reference replaced by `placeholder`. */
  text: string;
  how: 'pronoun' | 'ordinal' | 'description';
  /** 1-based position in the last listing, when the referent came from it. */
  position: number | null;
}

const NOUNS: Record<ReferentKind, string> = {
  event: '(?:event|meeting|appointment|entry|call|one)',
  mail: '(?:e-?mail|mail|message|one)',
  memory: '(?:memory|note|fact|one)',
};
const WORD_ORDINALS = 'first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last';

function pronounRe(kind: ReferentKind): RegExp {
  const people = kind === 'mail' ? '|her|him|them' : '';
  return new RegExp(`\\b(?:(?:that|this)\\s+${NOUNS[kind]}|it|that|this${people})\\b`, 'i');
}

const clip = (s: string, start: number, end: number, placeholder: string) => `${s.slice(0, start)}${placeholder}${s.slice(end)}`;

/** The referent of `kind` the text points at, if any (needs the conversation to hold one). */
export function findReference(text: string, conversation: ConversationState, kind: ReferentKind, timeZone: string, placeholder: string): FoundReference | null {
  const listing = conversation.listing?.kind === kind ? conversation.listing : undefined;
  const focus = conversation.focus?.kind === kind ? conversation.focus : undefined;

  if (listing) {
    const items = listing.items;
    // "the second one", "the 2nd one", "the last event", "number 2"
    const ord = new RegExp(`\\b(?:the\\s+)?(?:(${WORD_ORDINALS})(?:\\s+${NOUNS[kind]})?|(\\d{1,2}(?:st|nd|rd|th))\\s+${NOUNS[kind]}|(?:number|no\\.?|#)\\s*(\\d{1,2}))\\b`, 'i').exec(text);
    if (ord) {
      const k = ord[1] ? parseOrdinal(ord[1])! : ord[2] ? parseOrdinal(ord[2])! : Number(ord[3]);
      const item = items[k === -1 ? items.length - 1 : k - 1];
      if (item) return { referent: item, text: clip(text, ord.index, ord.index + ord[0].length, placeholder), how: 'ordinal', position: items.indexOf(item) + 1 };
    }
    // "the one on Sunday", "the one from Anna", "the dentist one"
    const desc = new RegExp(`\\bthe\\s+one\\s+(?:on|from|at|with|about|for|in)\\s+([\\p{L}\\p{N}' ]{2,40}?)(?=$|[,.!?]|\\s+(?:to|by|for|until|till|at|as|and|from)\\b)|\\bthe\\s+([\\p{L}\\p{N}']{2,30}(?:\\s+[\\p{L}\\p{N}']{2,30})?)\\s+one\\b`, 'iu').exec(text);
    if (desc) {
      const answer = desc[1] ?? desc[2]!;
      const options = items.map((it) => ({ label: `${it.label} ${it.from ?? ''}`, at: it.at ? new Date(it.at) : null }));
      const pick = pickOption(answer, options, timeZone);
      if (pick.kind === 'index') return { referent: items[pick.index]!, text: clip(text, desc.index, desc.index + desc[0].length, placeholder), how: 'description', position: pick.index + 1 };
    }
  }
  const pro = pronounRe(kind).exec(text);
  if (pro) {
    const newest = focus && (!listing || focus.turn >= listing.turn) ? focus : listing?.items.length === 1 ? listing.items[0] : focus;
    if (newest) {
      const position = listing ? listing.items.findIndex((it) => it.id === newest.id) + 1 : 0;
      return { referent: newest, text: clip(text, pro.index, pro.index + pro[0].length, placeholder), how: 'pronoun', position: position || null };
    }
  }
  return null;
}
