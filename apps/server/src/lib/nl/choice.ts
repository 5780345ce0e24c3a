// Answers to "which one?": a number, an ordinal, a day ("the one on Sunday"),
// or a word of the title ("the dentist one"). Pure; the options come in.
import { DateTime } from 'luxon';
import { ORDINAL_SOURCE, parseNumber, parseOrdinal } from './numbers.ts';

export interface ChoiceOption {
  /** Words to match ("Dentist", "Anna Berg — Lease renewal"). */
  label: string;
  /** When the option happens or arrived, if it has a time. */
  at?: Date | null;
}

export type ChoiceAnswer = { kind: 'index'; index: number } | { kind: 'ambiguous'; indexes: number[] } | { kind: 'none' };

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const FILLER = new Set(['the', 'one', 'ones', 'a', 'an', 'that', 'this', 'on', 'at', 'from', 'in', 'with', 'please', 'i', 'mean', 'meant', 'event', 'mail', 'email', 'memory', 'yes', 'no', 'its', "it's", 'it', 'is', 'number', 'no.', 'option', 'about', 'for', 'of', 'my']);

const words = (s: string) =>
  s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

/** A short answer that picks exactly one of `options` (or says it matches several or none). */
export function pickOption(answer: string, options: ChoiceOption[], timeZone: string): ChoiceAnswer {
  const t = answer.trim().toLowerCase().replace(/[.!?]+$/, '').replace(/^(?:i\s+mean\s+|i\s+meant\s+|(?:yes|no|ok|okay)[, ]+)/, '');
  if (!t || t.length > 80) return { kind: 'none' };
  const n = options.length;
  const at = (i: number): ChoiceAnswer => (i >= 1 && i <= n ? { kind: 'index', index: i - 1 } : { kind: 'none' });

  const num = /^(?:the\s+|number\s+|no\.?\s*|#|option\s+)?(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)(?:\s+(?:one|please))?$/.exec(t);
  if (num) return at(parseNumber(num[1]!)!);
  const ord = new RegExp(`^(?:the\\s+)?(${ORDINAL_SOURCE})(?:\\s+(?:one|event|mail|e-?mail|memory|option|please))*$`).exec(t);
  if (ord) {
    const k = parseOrdinal(ord[1]!)!;
    return at(k === -1 ? n : k);
  }

  // A weekday or "the 14th": options happening on that day.
  const day = new RegExp(`\\b(${WEEKDAYS.join('|')}|mon|tue|tues|wed|thu|thurs|fri|sat|sun)(?:day)?(?:'s)?\\b|\\b(?:the\\s+)?(\\d{1,2})(?:st|nd|rd|th)\\b`).exec(t);
  if (day) {
    const matches: number[] = [];
    options.forEach((o, i) => {
      if (!o.at) return;
      const dt = DateTime.fromJSDate(o.at, { zone: timeZone });
      if (day[1] ? WEEKDAYS[dt.weekday - 1]!.startsWith(day[1].slice(0, 3)) : dt.day === Number(day[2])) matches.push(i);
    });
    if (matches.length === 1) return { kind: 'index', index: matches[0]! };
    if (matches.length > 1) return { kind: 'ambiguous', indexes: matches };
  }

  // Words of a title: every content word of the answer appears in the option.
  const wanted = words(t).filter((w) => !FILLER.has(w) && !WEEKDAYS.includes(w));
  if (wanted.length === 0) return { kind: 'none' };
  const hits = options
    .map((o, i) => ({ i, have: words(o.label) }))
    .filter(({ have }) => wanted.every((w) => have.some((h) => h === w || (w.length >= 4 && h.startsWith(w)))))
    .map(({ i }) => i);
  if (hits.length === 1) return { kind: 'index', index: hits[0]! };
  if (hits.length > 1) return { kind: 'ambiguous', indexes: hits };
  return { kind: 'none' };
}
