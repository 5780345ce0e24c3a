/** Provider-neutral shapes shared by the IMAP/SMTP and Gmail clients and the @mail agent. */

export interface MailAddress {
  name: string;
  address: string;
}

export interface MailSummary {
  /** Opaque, provider-specific id (IMAP: mailbox, UIDVALIDITY and UID; Gmail: message id). */
  id: string;
  from: MailAddress;
  subject: string;
  /** When the mailbox received it (ISO 8601). */
  receivedAt: string;
  unread: boolean;
  /** One line of the body, quoted history removed. */
  preview: string;
  hasAttachments: boolean;
}

export interface MailList {
  /** How many messages match in total (the list itself is bounded). */
  total: number;
  messages: MailSummary[];
}

export interface MailAttachment {
  filename: string;
  size: number;
  contentType: string;
}

export interface MailMessage extends MailSummary {
  /** The provider's conversation id where it has one (Gmail). */
  threadId?: string | null;
  to: MailAddress[];
  cc: MailAddress[];
  replyTo: MailAddress[];
  /** The sender's Date header (ISO 8601), falling back to receivedAt. */
  sentAt: string;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  /** Plain text: HTML converted to readable text, quoted history trimmed. */
  text: string;
  /** True when quoted history or a signature was cut from `text`. */
  quotedTrimmed: boolean;
  attachments: MailAttachment[];
}

/** A structured mail search; each provider translates it (IMAP SEARCH, Gmail q). */
export interface MailQuery {
  /** Free-text terms, all of which must match. */
  text?: string[];
  from?: string;
  to?: string;
  subject?: string[];
  unread?: boolean;
  hasAttachment?: boolean;
  /** Received on or after this instant (ISO 8601). */
  since?: string;
  /** Received before this instant (ISO 8601). */
  before?: string;
  /** The user's own provider-syntax query, passed through verbatim where the provider speaks it (Gmail q). */
  raw?: string;
}

export interface MailDraft {
  to: MailAddress[];
  cc: MailAddress[];
  subject: string;
  text: string;
  inReplyTo?: string | null;
  references?: string[];
  /** The provider's conversation to file a reply in (Gmail). */
  threadId?: string | null;
  /** A message forwarded as an attachment (raw RFC 5322). */
  forwardedRaw?: { filename: string; raw: string } | null;
}

export interface SentMail {
  messageId: string;
  accepted: string[];
  rejected: string[];
}

/** What the @mail agent needs from any mailbox. */
export interface MailProvider {
  readonly account: string;
  list(query: MailQuery, limit: number): Promise<MailList>;
  get(id: string): Promise<MailMessage>;
  /** The original message as raw RFC 5322, for forwarding. */
  getRaw(id: string): Promise<string>;
  markRead(id: string, read: boolean): Promise<void>;
  archive(id: string): Promise<void>;
  send(draft: MailDraft): Promise<SentMail>;
  close(): Promise<void>;
}

/** A failure the user can act on (wrong password, revoked access, unknown message). */
export class MailProviderError extends Error {
  readonly code: 'auth_failed' | 'connection_failed' | 'not_found' | 'revoked' | 'rejected';
  constructor(code: MailProviderError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MailProviderError';
    this.code = code;
  }
}
