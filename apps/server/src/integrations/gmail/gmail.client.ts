import { gmail, type gmail_v1 } from '@googleapis/gmail';
import type { MailAddress, MailAttachment, MailDraft, MailList, MailMessage, MailProvider, MailQuery, MailSummary, SentMail } from '../mail/mail.types.ts';
import { MailProviderError } from '../mail/mail.types.ts';
import { composeMail } from '../mail/compose.ts';
import { bodyAsText, previewOf, trimQuotedHistory } from '../mail/mail-text.ts';

export interface GmailMailboxOptions {
  account: string;
  displayName?: string;
  /** Gmail's API root; tests point it at a local server. */
  rootUrl?: string;
  /** How Gmail is reached (the server passes its host-policy fetch); global fetch by default. */
  fetch?: typeof globalThis.fetch | undefined;
  /** A valid access token; `force` asks for a fresh one after the API said 401. */
  getAccessToken: (opts?: { force?: boolean }) => Promise<string>;
}

type Part = gmail_v1.Schema$MessagePart;

function header(part: Part | undefined, name: string): string {
  const h = part?.headers?.find((x) => x.name?.toLowerCase() === name.toLowerCase());
  return h?.value ?? '';
}

/** "Anna Berg <anna@example.net>, bob@example.com" → addresses (names may be quoted). */
export function parseAddressHeader(value: string): MailAddress[] {
  const out: MailAddress[] = [];
  // Split on commas that are outside quotes and angle brackets.
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  let angle = false;
  for (const ch of value) {
    if (ch === '"') quoted = !quoted;
    else if (ch === '<') angle = true;
    else if (ch === '>') angle = false;
    if (ch === ',' && !quoted && !angle) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  for (const p of parts) {
    const t = p.trim();
    if (!t) continue;
    const m = /^(.*?)\s*<([^>]+)>$/.exec(t);
    if (m) out.push({ name: m[1]!.replace(/^"|"$/g, '').replace(/\\"/g, '"').trim(), address: m[2]!.trim() });
    else out.push({ name: '', address: t });
  }
  return out;
}

function decodeData(data: string | null | undefined): string {
  return data ? Buffer.from(data, 'base64url').toString('utf8') : '';
}

/** Walks the MIME tree Gmail returns: the first text/plain and text/html bodies, and the attachments. */
function walk(part: Part | undefined, acc: { text?: string; html?: string; attachments: MailAttachment[] }): void {
  if (!part) return;
  const mime = (part.mimeType ?? '').toLowerCase();
  if (part.filename && (part.body?.attachmentId || part.body?.size)) {
    acc.attachments.push({ filename: part.filename, size: part.body?.size ?? 0, contentType: mime });
    return;
  }
  if (mime === 'text/plain' && acc.text === undefined) acc.text = decodeData(part.body?.data);
  else if (mime === 'text/html' && acc.html === undefined) acc.html = decodeData(part.body?.data);
  for (const child of part.parts ?? []) walk(child, acc);
}

/** Gmail search syntax for a structured query; the user's own syntax passes through unchanged. */
export function toGmailQuery(q: MailQuery): string {
  if (q.raw) return q.raw;
  const quote = (s: string) => (/[\s"()]/.test(s) ? `"${s.replace(/"/g, '')}"` : s);
  const terms: string[] = [];
  if (q.from) terms.push(`from:${quote(q.from)}`);
  if (q.to) terms.push(`to:${quote(q.to)}`);
  for (const s of q.subject ?? []) terms.push(`subject:${quote(s)}`);
  if (q.unread === true) terms.push('is:unread');
  if (q.unread === false) terms.push('is:read');
  if (q.hasAttachment) terms.push('has:attachment');
  // Gmail accepts Unix seconds for after:/before:, which keeps the user's time zone exact.
  if (q.since) terms.push(`after:${Math.floor(Date.parse(q.since) / 1000)}`);
  if (q.before) terms.push(`before:${Math.floor(Date.parse(q.before) / 1000)}`);
  for (const t of q.text ?? []) terms.push(quote(t));
  return terms.join(' ');
}

interface GaxiosLikeError {
  status?: number;
  response?: { status?: number; data?: { error?: { message?: string } } };
  message: string;
}

/** Gmail through its REST API (the `@googleapis/gmail` client), authorised per call with a fresh token. */
export class GmailMailbox implements MailProvider {
  readonly account: string;
  readonly #opts: GmailMailboxOptions;
  readonly #api: gmail_v1.Gmail;

  constructor(opts: GmailMailboxOptions) {
    this.#opts = opts;
    this.account = opts.account;
    this.#api = gmail({ version: 'v1', ...(opts.rootUrl ? { rootUrl: opts.rootUrl } : {}), ...(opts.fetch ? { fetchImplementation: opts.fetch } : {}), retry: false });
  }

  /** Runs a call with a bearer token; one retry with a refreshed token when Gmail says 401. */
  async #call<T>(fn: (headers: { Authorization: string }) => Promise<{ data: T }>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      let token: string;
      try {
        token = await this.#opts.getAccessToken(attempt > 0 ? { force: true } : undefined);
      } catch (err) {
        // The caller reports a revoked grant as a MailProviderError('revoked'); anything else is a sign-in failure.
        if (err instanceof MailProviderError) throw err;
        throw new MailProviderError('connection_failed', `Google sign-in failed: ${(err as Error).message}`, { cause: err });
      }
      try {
        const res = await fn({ Authorization: `Bearer ${token}` });
        return res.data;
      } catch (err) {
        const e = err as GaxiosLikeError;
        const status = e.status ?? e.response?.status;
        const detail = e.response?.data?.error?.message ?? e.message;
        if (status === 401 && attempt === 0) continue;
        if (status === 401) throw new MailProviderError('revoked', `Gmail rejected the access token: ${detail}`, { cause: err });
        if (status === 404) throw new MailProviderError('not_found', 'That message is no longer in the mailbox', { cause: err });
        if (status === 400) throw new MailProviderError('rejected', `Gmail rejected the request: ${detail}`, { cause: err });
        throw new MailProviderError('connection_failed', `Gmail answered ${status ?? 'nothing'}: ${detail}`, { cause: err });
      }
    }
  }

  async #getFull(id: string): Promise<gmail_v1.Schema$Message> {
    return this.#call((headers) => this.#api.users.messages.get({ userId: 'me', id, format: 'full' }, { headers }));
  }

  #toMessage(m: gmail_v1.Schema$Message): MailMessage {
    const p = m.payload;
    const acc: { text?: string; html?: string; attachments: MailAttachment[] } = { attachments: [] };
    walk(p, acc);
    const body = bodyAsText(acc.text, acc.html);
    const trimmed = trimQuotedHistory(body);
    const receivedAt = new Date(Number(m.internalDate ?? Date.now()));
    const dateHeader = Date.parse(header(p, 'Date'));
    const refs = header(p, 'References').split(/\s+/).filter(Boolean);
    return {
      id: m.id!,
      threadId: m.threadId ?? null,
      from: parseAddressHeader(header(p, 'From'))[0] ?? { name: '', address: '' },
      subject: header(p, 'Subject'),
      receivedAt: receivedAt.toISOString(),
      sentAt: Number.isNaN(dateHeader) ? receivedAt.toISOString() : new Date(dateHeader).toISOString(),
      unread: (m.labelIds ?? []).includes('UNREAD'),
      preview: previewOf(trimmed.text),
      hasAttachments: acc.attachments.length > 0,
      to: parseAddressHeader(header(p, 'To')),
      cc: parseAddressHeader(header(p, 'Cc')),
      replyTo: parseAddressHeader(header(p, 'Reply-To')),
      messageId: header(p, 'Message-ID') || header(p, 'Message-Id') || null,
      inReplyTo: header(p, 'In-Reply-To') || null,
      references: refs,
      text: trimmed.text,
      quotedTrimmed: trimmed.trimmed,
      attachments: acc.attachments,
    };
  }

  async list(query: MailQuery, limit: number): Promise<MailList> {
    const q = toGmailQuery(query);
    const res = await this.#call((headers) =>
      this.#api.users.messages.list(
        // The user's own syntax searches all mail as Gmail does; our triage looks at the inbox.
        { userId: 'me', q: q || undefined, maxResults: limit, ...(query.raw ? {} : { labelIds: ['INBOX'] }) },
        { headers },
      ),
    );
    const ids = (res.messages ?? []).map((m) => m.id!).filter(Boolean);
    const full = await Promise.all(ids.map((id) => this.#getFull(id)));
    const messages: MailSummary[] = full.map((m) => {
      const msg = this.#toMessage(m);
      return {
        id: msg.id,
        from: msg.from,
        subject: msg.subject,
        receivedAt: msg.receivedAt,
        unread: msg.unread,
        preview: msg.preview,
        hasAttachments: msg.hasAttachments,
      };
    });
    messages.sort((a, b) => Date.parse(b.receivedAt) - Date.parse(a.receivedAt));
    // NOTE: Gmail only estimates the total; it is at least what we hold.
    return { total: Math.max(res.resultSizeEstimate ?? 0, messages.length), messages };
  }

  async get(id: string): Promise<MailMessage> {
    return this.#toMessage(await this.#getFull(id));
  }

  async getRaw(id: string): Promise<string> {
    const m = await this.#call((headers) => this.#api.users.messages.get({ userId: 'me', id, format: 'raw' }, { headers }));
    return decodeData(m.raw);
  }

  async markRead(id: string, read: boolean): Promise<void> {
    await this.#call((headers) =>
      this.#api.users.messages.modify(
        { userId: 'me', id, requestBody: read ? { removeLabelIds: ['UNREAD'] } : { addLabelIds: ['UNREAD'] } },
        { headers },
      ),
    );
  }

  async archive(id: string): Promise<void> {
    await this.#call((headers) => this.#api.users.messages.modify({ userId: 'me', id, requestBody: { removeLabelIds: ['INBOX'] } }, { headers }));
  }

  async send(draft: MailDraft): Promise<SentMail> {
    const mail = await composeMail({ name: this.#opts.displayName ?? '', address: this.account }, draft);
    const sent = await this.#call((headers) =>
      this.#api.users.messages.send(
        {
          userId: 'me',
          requestBody: { raw: mail.raw.toString('base64url'), ...(draft.threadId ? { threadId: draft.threadId } : {}) },
        },
        { headers },
      ),
    );
    if (!sent.id) throw new MailProviderError('rejected', 'Gmail did not accept the mail');
    return { messageId: mail.messageId, accepted: mail.envelope.to, rejected: [] };
  }

  /** The mailbox's address, as Gmail knows it (used to name a new connection). */
  async profileEmail(): Promise<string> {
    const p = await this.#call((headers) => this.#api.users.getProfile({ userId: 'me' }, { headers }));
    if (!p.emailAddress) throw new MailProviderError('connection_failed', 'Gmail did not say which address this is');
    return p.emailAddress;
  }

  async close(): Promise<void> {
    // Stateless HTTP: nothing to close.
  }
}
