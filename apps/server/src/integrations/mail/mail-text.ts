import { convert } from 'html-to-text';

/** Readable plain text from an HTML body: links kept as "text [url]", images and styles dropped. */
export function htmlToPlainText(html: string): string {
  return convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'style', format: 'skip' },
      { selector: 'script', format: 'skip' },
      { selector: 'head', format: 'skip' },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true, ignoreHref: false } },
      { selector: 'h1', options: { uppercase: false } },
      { selector: 'h2', options: { uppercase: false } },
      { selector: 'h3', options: { uppercase: false } },
      { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
    ],
  }).trim();
}

/** The body as plain text: the text part when the sender gave one, else the HTML part converted. */
export function bodyAsText(text: string | undefined | null, html: string | false | undefined | null): string {
  const plain = (text ?? '').replace(/\r\n/g, '\n');
  if (plain.trim().length > 0) return plain.trim();
  if (typeof html === 'string' && html.trim().length > 0) return htmlToPlainText(html);
  return '';
}

// Lines that start the quoted history of a reply or forward, in the forms the
// common clients write them (Gmail, Apple Mail, Thunderbird, Outlook).
const QUOTE_HEADER_PATTERNS: RegExp[] = [
  /^On .{1,200}wrote:\s*$/i,
  /^Am .{1,200}schrieb .{0,200}:\s*$/i,
  /^Le .{1,200}a écrit\s*:\s*$/i,
  /^-{2,}\s*Original Message\s*-{2,}\s*$/i,
  /^-{2,}\s*Ursprüngliche Nachricht\s*-{2,}\s*$/i,
  /^_{10,}\s*$/,
  /^From:\s.+$/i,
];

/**
 * Cuts quoted history and the signature from a mail body, so a long thread reads
 * as the newest message only. Returns whether anything was cut.
 */
export function trimQuotedHistory(text: string): { text: string; trimmed: boolean } {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  let end = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    // "From:" only counts as a quote header when Sent/Date follows (Outlook's block).
    if (/^From:\s/i.test(line)) {
      const next = lines.slice(i + 1, i + 4).join('\n');
      if (!/^(Sent|Date|Gesendet):\s/im.test(next)) continue;
    }
    if (QUOTE_HEADER_PATTERNS.some((p) => p.test(line))) {
      end = i;
      break;
    }
    // Clients wrap a long "On <date>, <name> <address> wrote:" over two lines.
    const next = lines[i + 1]?.trim() ?? '';
    if (/^On\s/i.test(line) && /wrote:\s*$/i.test(next) && line.length + next.length < 300) {
      end = i;
      break;
    }
    if (/^--\s?$/.test(lines[i]!)) {
      end = i;
      break;
    }
    if (line.startsWith('>')) {
      // A block of quoted lines that runs to the end (blank lines allowed) is history.
      const rest = lines.slice(i).every((l) => l.trim() === '' || l.trim().startsWith('>'));
      if (rest) {
        end = i;
        break;
      }
    }
  }
  if (end === lines.length) return { text: text.trim(), trimmed: false };
  const kept = lines.slice(0, end).join('\n').trim();
  // Never return nothing: a mail that is only a quote keeps its text.
  if (kept.length === 0) return { text: text.trim(), trimmed: false };
  return { text: kept, trimmed: true };
}

// Characters that could make mail content look like something else on screen:
// control characters and bidirectional overrides.
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069\u200E\u200F]/g;

/** One line of untrusted text for a listing: no line breaks, no control or bidi characters, bounded. */
export function oneLine(s: string, max: number): string {
  const flat = s.replace(UNSAFE_CHARS, '').replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  return flat.slice(0, Math.max(0, max - 1)).trimEnd() + '…';
}

/** Multi-line untrusted text with control and bidi characters removed. */
export function safeText(s: string): string {
  return s.replace(/\r\n/g, '\n').replace(UNSAFE_CHARS, '');
}

/** A one-line preview of a body: the first lines of the newest message, not the greeting alone. */
export function previewOf(body: string, max = 100): string {
  const { text } = trimQuotedHistory(body);
  return oneLine(text, max);
}
