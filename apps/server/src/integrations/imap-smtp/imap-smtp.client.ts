import { ImapFlow, type SearchObject, type MessageStructureObject, type ImapFlowError } from 'imapflow';
import nodemailer from 'nodemailer';
import { simpleParser } from 'mailparser';
import type { MailDraft, MailList, MailMessage, MailProvider, MailQuery, MailSummary, SentMail } from '../mail/mail.types.ts';
import { MailProviderError } from '../mail/mail.types.ts';
import { composeMail } from '../mail/compose.ts';
import { parseRawMessage } from '../mail/parse-message.ts';
import { bodyAsText, previewOf } from '../mail/mail-text.ts';
import { checkedConnectTarget, HostNotAllowedError, type HostPolicy } from '../../lib/host-policy.ts';
import { inSpan } from '../../lib/telemetry.ts';

export interface ServerSettings {
  host: string;
  port: number;
  /** true: TLS from the start (993/465); false: STARTTLS, which the server must offer (143/587). */
  secure: boolean;
  /**
   * With `secure: false` only: the user chose a server without TLS. STARTTLS is still used
   * when offered, but a server without it gets the password in plaintext.
   */
  allowPlaintext?: boolean;
  user: string;
  pass: string;
}

export interface ImapSmtpAccount {
  email: string;
  /** The name shown as sender; empty for none. */
  displayName?: string;
  imap: ServerSettings;
  smtp: ServerSettings;
  /** Which hosts may be connected to; the socket goes to the address that was checked. */
  hosts: HostPolicy;
}

/** Where to connect: a checked address (never resolved again), and the name for TLS. */
async function target(s: ServerSettings, hosts: HostPolicy, protocol: 'IMAP' | 'SMTP'): Promise<{ host: string; servername: string | undefined }> {
  try {
    return await checkedConnectTarget(s.host, hosts);
  } catch (err) {
    if (err instanceof HostNotAllowedError) throw new MailProviderError('connection_failed', `Cannot connect to the ${protocol} server: ${err.message}`, { cause: err });
    throw err;
  }
}

const INBOX = 'INBOX';
// Enough of the source for a preview line without downloading attachments.
const PREVIEW_BYTES = 16 * 1024;
const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;

async function imapClient(s: ServerSettings, hosts: HostPolicy): Promise<ImapFlow> {
  const to = await target(s, hosts, 'IMAP');
  return new ImapFlow({
    host: to.host,
    ...(to.servername ? { servername: to.servername } : {}),
    port: s.port,
    secure: s.secure,
    // Without TLS from the start, STARTTLS is required unless the user chose plaintext.
    ...(s.secure || s.allowPlaintext ? {} : { doSTARTTLS: true }),
    auth: { user: s.user, pass: s.pass },
    logger: false,
    connectionTimeout: 15_000,
    greetingTimeout: 10_000,
    socketTimeout: 60_000,
    // NOTE: certificates are verified (the default); self-signed servers are not supported.
  });
}

async function smtpTransport(s: ServerSettings, hosts: HostPolicy) {
  const to = await target(s, hosts, 'SMTP');
  return nodemailer.createTransport({
    host: to.host,
    ...(to.servername ? { servername: to.servername } : {}),
    port: s.port,
    secure: s.secure,
    requireTLS: !s.secure && !s.allowPlaintext,
    auth: { user: s.user, pass: s.pass },
    connectionTimeout: 15_000,
    greetingTimeout: 10_000,
    socketTimeout: 60_000,
  });
}

/** The server's own words for a failed IMAP connect or login, never our stack. */
function imapFailure(err: unknown, host: string, port: number): MailProviderError {
  const e = err as ImapFlowError & { code?: string };
  if (e.authenticationFailed) {
    const reason = e.responseText || (typeof e.response === 'string' ? e.response : '') || 'authentication failed';
    return new MailProviderError('auth_failed', `IMAP login failed: ${reason}`, { cause: err });
  }
  if (e.code === 'ECONNREFUSED') return new MailProviderError('connection_failed', `IMAP server ${host}:${port} refused the connection`, { cause: err });
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return new MailProviderError('connection_failed', `IMAP server ${host} was not found`, { cause: err });
  if (e.code === 'ETIMEDOUT' || e.code === 'CONNECT_TIMEOUT' || e.code === 'GREETING_TIMEOUT') {
    return new MailProviderError('connection_failed', `IMAP server ${host}:${port} did not answer in time`, { cause: err });
  }
  if (/does not support STARTTLS|STARTTLS is not possible/i.test(e.message)) {
    return new MailProviderError(
      'connection_failed',
      `IMAP server ${host}:${port} offers no TLS (${e.message}); the password is only sent encrypted. Use TLS (imapSecure: true), or set allowPlaintext: true to send it unencrypted`,
      { cause: err },
    );
  }
  if (e.tlsFailed || /certificate|SSL|TLS|wrong version/i.test(e.message)) {
    return new MailProviderError('connection_failed', `TLS to ${host}:${port} failed: ${e.message}`, { cause: err });
  }
  return new MailProviderError('connection_failed', `IMAP connection to ${host}:${port} failed: ${e.responseText ?? e.message}`, { cause: err });
}

function smtpFailure(err: unknown, host: string, port: number): MailProviderError {
  const e = err as Error & { code?: string; response?: string; responseCode?: number };
  if (e.code === 'EAUTH') return new MailProviderError('auth_failed', `SMTP login failed: ${e.response ?? e.message}`, { cause: err });
  if (e.code === 'ETLS' || /STARTTLS/.test(e.message)) {
    return new MailProviderError(
      'connection_failed',
      `SMTP server ${host}:${port} did not start TLS (${e.response ?? e.message}); the password is only sent encrypted. Use TLS (smtpSecure: true), or set allowPlaintext: true to send it unencrypted`,
      { cause: err },
    );
  }
  if (e.code === 'EENVELOPE' || e.code === 'EMESSAGE') return new MailProviderError('rejected', `SMTP server rejected the mail: ${e.response ?? e.message}`, { cause: err });
  return new MailProviderError('connection_failed', `SMTP connection to ${host}:${port} failed: ${e.response ?? e.message}`, { cause: err });
}

/**
 * Logs in to IMAP and SMTP once and logs out, to check settings before anything is stored.
 * Throws MailProviderError with the server's reason.
 */
export async function verifyImapSmtpAccount(account: ImapSmtpAccount): Promise<void> {
  const client = await imapClient(account.imap, account.hosts);
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    throw imapFailure(err, account.imap.host, account.imap.port);
  }
  await client.logout().catch(() => {});
  const transport = await smtpTransport(account.smtp, account.hosts);
  try {
    await transport.verify();
  } catch (err) {
    throw smtpFailure(err, account.smtp.host, account.smtp.port);
  } finally {
    transport.close();
  }
}

/** Our message id: mailbox, UIDVALIDITY and UID, so a stale id never names another message. */
export function encodeImapId(mailbox: string, uidValidity: bigint | number, uid: number): string {
  return `${mailbox}:${uidValidity}:${uid}`;
}

export function decodeImapId(id: string): { mailbox: string; uidValidity: string; uid: number } | null {
  const m = /^(.+):(\d+):(\d+)$/.exec(id);
  if (!m) return null;
  return { mailbox: m[1]!, uidValidity: m[2]!, uid: Number(m[3]) };
}

/** Translates a MailQuery into IMAP SEARCH criteria; further terms come back separately. */
export function toImapSearch(q: MailQuery): { base: SearchObject; extra: SearchObject[] } {
  const base: SearchObject = {};
  const texts = [...(q.text ?? [])];
  const subjects = [...(q.subject ?? [])];
  const first = texts.shift();
  if (first) base.text = first;
  if (q.from) base.from = q.from;
  if (q.to) base.to = q.to;
  const subj = subjects.shift();
  if (subj) base.subject = subj;
  if (q.unread === true) base.seen = false;
  if (q.unread === false) base.seen = true;
  // IMAP SINCE/BEFORE compare whole days; exact instants are applied after fetching.
  if (q.since) base.since = new Date(q.since);
  if (q.before) base.before = new Date(new Date(q.before).getTime() + 24 * 3600 * 1000);
  // No IMAP criterion for attachments; multipart/mixed is the usual carrier.
  if (q.hasAttachment) base.header = { 'Content-Type': 'multipart/mixed' };
  if (Object.keys(base).length === 0) base.all = true;
  const extra: SearchObject[] = [...texts.map((t) => ({ text: t })), ...subjects.map((s) => ({ subject: s }))];
  return { base, extra };
}

function hasAttachmentParts(node: MessageStructureObject | undefined): boolean {
  if (!node) return false;
  if (node.disposition === 'attachment') return true;
  if (node.dispositionParameters?.filename || node.parameters?.name) {
    if (!node.type.startsWith('text/') && !node.type.startsWith('multipart/')) return true;
  }
  return (node.childNodes ?? []).some(hasAttachmentParts);
}

/** A mailbox reached over IMAP (reading) and SMTP (sending). One IMAP connection, opened on first use. */
export class ImapSmtpMailbox implements MailProvider {
  readonly account: string;
  readonly #settings: ImapSmtpAccount;
  #client: ImapFlow | null = null;

  constructor(settings: ImapSmtpAccount) {
    this.#settings = settings;
    this.account = settings.email;
  }

  async #imap(): Promise<ImapFlow> {
    if (this.#client?.usable) return this.#client;
    const client = await imapClient(this.#settings.imap, this.#settings.hosts);
    // Without a listener a dropped socket would crash the process.
    client.on('error', () => {});
    try {
      await inSpan('imap connect', { 'server.address': this.#settings.imap.host }, () => client.connect(), 'client');
    } catch (err) {
      throw imapFailure(err, this.#settings.imap.host, this.#settings.imap.port);
    }
    this.#client = client;
    return client;
  }

  async #withMailbox<T>(mailbox: string, fn: (client: ImapFlow, uidValidity: bigint) => Promise<T>): Promise<T> {
    const client = await this.#imap();
    const lock = await client.getMailboxLock(mailbox);
    try {
      const mb = client.mailbox;
      if (!mb) throw new MailProviderError('connection_failed', `Mailbox ${mailbox} could not be opened`);
      return await fn(client, mb.uidValidity);
    } finally {
      lock.release();
    }
  }

  async #resolve(id: string): Promise<{ mailbox: string; uid: number; uidValidity: string }> {
    const ref = decodeImapId(id);
    if (!ref) throw new MailProviderError('not_found', 'That message id is not valid');
    return ref;
  }

  async list(query: MailQuery, limit: number): Promise<MailList> {
    return this.#withMailbox(INBOX, async (client, uidValidity) => {
      const { base, extra } = toImapSearch(query);
      let uids = (await client.search(base, { uid: true })) || [];
      // imapflow takes one criterion per key; further terms are intersected (IMAP SEARCH is AND).
      for (const crit of extra) {
        const more = new Set((await client.search(crit, { uid: true })) || []);
        uids = uids.filter((u) => more.has(u));
      }
      uids.sort((a, b) => b - a);
      const since = query.since ? Date.parse(query.since) : null;
      const before = query.before ? Date.parse(query.before) : null;
      const exact = since !== null || before !== null;
      // With exact instants, fetch a few more than asked so the day-granular SEARCH can be narrowed.
      const candidates = exact ? uids.slice(0, Math.max(limit * 4, 50)) : uids.slice(0, limit);
      const summaries: MailSummary[] = [];
      if (candidates.length > 0) {
        for await (const msg of client.fetch(
          candidates.join(','),
          { uid: true, envelope: true, flags: true, internalDate: true, bodyStructure: true, source: { maxLength: PREVIEW_BYTES } },
          { uid: true },
        )) {
          const received = msg.internalDate ? new Date(msg.internalDate) : new Date(msg.envelope?.date ?? 0);
          if (since !== null && received.getTime() < since) continue;
          if (before !== null && received.getTime() >= before) continue;
          let preview = '';
          if (msg.source) {
            const parsed = await simpleParser(msg.source, { skipImageLinks: true, skipTextToHtml: true }).catch(() => null);
            if (parsed) preview = previewOf(bodyAsText(parsed.text, parsed.html));
          }
          const from = msg.envelope?.from?.[0];
          summaries.push({
            id: encodeImapId(INBOX, uidValidity, msg.uid),
            from: { name: from?.name ?? '', address: from?.address ?? '' },
            subject: msg.envelope?.subject ?? '',
            receivedAt: received.toISOString(),
            unread: !msg.flags?.has('\\Seen'),
            preview,
            hasAttachments: hasAttachmentParts(msg.bodyStructure),
          });
        }
      }
      summaries.sort((a, b) => Date.parse(b.receivedAt) - Date.parse(a.receivedAt));
      // The exact-instant filter may drop some of the day-granular matches.
      const total = exact ? uids.length - (candidates.length - summaries.length) : uids.length;
      return { total, messages: summaries.slice(0, limit) };
    });
  }

  async #fetchSource(id: string): Promise<{ source: Buffer; receivedAt: Date; unread: boolean }> {
    const ref = await this.#resolve(id);
    return this.#withMailbox(ref.mailbox, async (client, uidValidity) => {
      if (String(uidValidity) !== ref.uidValidity) throw new MailProviderError('not_found', 'That message is no longer in the mailbox');
      const msg = await client.fetchOne(String(ref.uid), { uid: true, flags: true, internalDate: true, size: true }, { uid: true });
      if (!msg) throw new MailProviderError('not_found', 'That message is no longer in the mailbox');
      if ((msg.size ?? 0) > MAX_MESSAGE_BYTES) throw new MailProviderError('rejected', 'That message is too large to open here');
      // download() reads BODY.PEEK, so opening a mail does not mark it read on the server.
      const full = await client.fetchOne(String(ref.uid), { uid: true, source: true }, { uid: true });
      if (!full || !full.source) throw new MailProviderError('not_found', 'That message is no longer in the mailbox');
      return {
        source: full.source,
        receivedAt: msg.internalDate ? new Date(msg.internalDate) : new Date(),
        unread: !msg.flags?.has('\\Seen'),
      };
    });
  }

  async get(id: string): Promise<MailMessage> {
    const { source, receivedAt, unread } = await this.#fetchSource(id);
    return parseRawMessage(source, { id, receivedAt, unread });
  }

  async getRaw(id: string): Promise<string> {
    const { source } = await this.#fetchSource(id);
    return source.toString('utf8');
  }

  async markRead(id: string, read: boolean): Promise<void> {
    const ref = await this.#resolve(id);
    await this.#withMailbox(ref.mailbox, async (client, uidValidity) => {
      if (String(uidValidity) !== ref.uidValidity) throw new MailProviderError('not_found', 'That message is no longer in the mailbox');
      const ok = read
        ? await client.messageFlagsAdd(String(ref.uid), ['\\Seen'], { uid: true })
        : await client.messageFlagsRemove(String(ref.uid), ['\\Seen'], { uid: true });
      if (!ok) throw new MailProviderError('not_found', 'That message is no longer in the mailbox');
    });
  }

  /** The archive folder: the one marked \Archive, else one named Archive (created if missing). */
  async #archiveMailbox(client: ImapFlow): Promise<string> {
    const boxes = await client.list();
    const special = boxes.find((b) => b.specialUse === '\\Archive');
    if (special) return special.path;
    const named = boxes.find((b) => b.name.toLowerCase() === 'archive');
    if (named) return named.path;
    const created = await client.mailboxCreate('Archive');
    return created.path;
  }

  async archive(id: string): Promise<void> {
    const ref = await this.#resolve(id);
    const client = await this.#imap();
    const target = await this.#archiveMailbox(client);
    await this.#withMailbox(ref.mailbox, async (c, uidValidity) => {
      if (String(uidValidity) !== ref.uidValidity) throw new MailProviderError('not_found', 'That message is no longer in the mailbox');
      const moved = await c.messageMove(String(ref.uid), target, { uid: true });
      if (!moved || moved.uidMap?.size === 0) throw new MailProviderError('not_found', 'That message is no longer in the mailbox');
    });
  }

  async send(draft: MailDraft): Promise<SentMail> {
    const from = { name: this.#settings.displayName ?? '', address: this.#settings.email };
    const mail = await composeMail(from, draft);
    const transport = await smtpTransport(this.#settings.smtp, this.#settings.hosts);
    let info;
    try {
      info = await inSpan('smtp send', { 'server.address': this.#settings.smtp.host }, () => transport.sendMail({ envelope: mail.envelope, raw: mail.raw }), 'client');
    } catch (err) {
      throw smtpFailure(err, this.#settings.smtp.host, this.#settings.smtp.port);
    } finally {
      transport.close();
    }
    await this.#saveToSent(mail.raw).catch(() => {
      // NOTE: a copy in Sent is a courtesy; the mail itself went out.
    });
    return {
      messageId: mail.messageId,
      accepted: (info.accepted ?? []).map(String),
      rejected: (info.rejected ?? []).map(String),
    };
  }

  /** Many IMAP providers do not file what SMTP sent; put a copy in \Sent like a mail client would. */
  async #saveToSent(raw: Buffer): Promise<void> {
    const client = await this.#imap();
    const boxes = await client.list();
    const sent = boxes.find((b) => b.specialUse === '\\Sent');
    // Gmail files SMTP mail itself; a second copy would duplicate it.
    if (!sent || /gmail/i.test(this.#settings.imap.host)) return;
    await client.append(sent.path, raw, ['\\Seen']);
  }

  async close(): Promise<void> {
    const c = this.#client;
    this.#client = null;
    if (c?.usable) await c.logout().catch(() => {});
  }
}
