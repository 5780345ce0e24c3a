// What every mail use case needs: the user's mailbox (opened per call, closed
// after), the last listing kept in the caller's state (agent_state for @mail),
// and failures thrown as DomainErrors in plain words (the runtime shows them).
import type { PendingAction } from '@lifeos/contract';
import type { AppContext } from '../../context.ts';
import type { ConnectionRow } from '../connections/connections.repo.ts';
import {
  CredentialsUnreadableError,
  findMailConnection,
  getMailConnection,
  markConnectionError,
  markConnectionOk,
  openMailbox,
} from '../connections/mailboxes.ts';
import { MailProviderError, type MailAddress, type MailProvider, type MailSummary } from '../../integrations/mail/mail.types.ts';
import { DomainError, notFoundError, type ErrorCategory } from '../../lib/errors.ts';

/** Which mail a command means: a number of the last listing, or a sender and/or words of it. */
export type MailTarget = { kind: 'index'; index: number } | { kind: 'match'; from?: string; about?: string };

/** Who runs a mail use case: the signed-in user, the run's clock, where the last listing is kept, and how a send is proposed. */
export interface MailCaller {
  readonly app: AppContext;
  readonly user: { readonly id: string };
  readonly now: Date;
  readonly state: { get<T extends Record<string, unknown>>(): Promise<T | undefined>; set(value: Record<string, unknown>): Promise<void> };
  /** Stores an action that runs only when the user confirms. */
  proposeAction(input: { kind: string; summary: string; payload: Record<string, unknown> }): Promise<PendingAction>;
}

const mailError = (code: string, userMessage: string, cause?: unknown, category: ErrorCategory = 'USER') =>
  new DomainError({ code, category, userMessage, ...(cause === undefined ? {} : { cause }) });

// App steps only, in the words the app's screens use (the API reference covers the endpoints).
export const CONNECT_HELP = [
  '@mail is not connected to a mailbox yet. To connect one in the app:',
  '1. Open **Settings → Connections**.',
  '2. Choose **Connect Google** for Gmail (where it is offered), or fill in **Mail (IMAP / SMTP)** with your mail server and an app password.',
  'Then ask me "anything new?".',
].join('\n');

export class MailNotConnectedError extends DomainError {
  override name = 'MailNotConnectedError';
  constructor() {
    super({ code: 'mail_not_connected', category: 'USER', userMessage: CONNECT_HELP });
  }
}

/** A remembered item of the last listing: enough to resolve "read 2" and "the one from Anna". */
export interface ListedMail {
  id: string;
  from: MailAddress;
  subject: string;
  preview: string;
}

export interface MailState extends Record<string, unknown> {
  listing?: { connectionId: string; label: string; savedAt: string; items: ListedMail[] };
}

export async function loadListing(ctx: MailCaller, connectionId: string): Promise<ListedMail[] | null> {
  const state = await ctx.state.get<MailState>();
  const listing = state?.listing;
  return listing && listing.connectionId === connectionId ? listing.items : null;
}

export async function saveListing(ctx: MailCaller, connectionId: string, label: string, items: MailSummary[]): Promise<void> {
  const state = (await ctx.state.get<MailState>()) ?? {};
  await ctx.state.set({
    ...state,
    listing: {
      connectionId,
      label,
      savedAt: ctx.now.toISOString(),
      items: items.map((m) => ({ id: m.id, from: m.from, subject: m.subject, preview: m.preview })),
    },
  });
}

/** Runs `fn` with the user's mailbox (or a given connection of theirs); maps provider failures to messages. */
export async function withMailbox<T>(
  ctx: MailCaller,
  fn: (mailbox: MailProvider, connection: ConnectionRow) => Promise<T>,
  connectionId?: string,
): Promise<T> {
  const connection = connectionId ? await getMailConnection(ctx.app, ctx.user.id, connectionId) : await findMailConnection(ctx.app, ctx.user.id);
  if (!connection) {
    if (connectionId) throw mailError('mail_not_connected', 'that mailbox is no longer connected, so nothing was done');
    throw new MailNotConnectedError();
  }
  let mailbox: MailProvider;
  try {
    mailbox = await openMailbox(ctx.app, ctx.user.id, connection);
  } catch (err) {
    if (err instanceof CredentialsUnreadableError) {
      await markConnectionError(ctx.app, ctx.user.id, connection.id, err.message);
      throw mailError('credentials_unreadable', err.message, err);
    }
    throw err;
  }
  try {
    const result = await fn(mailbox, connection);
    await markConnectionOk(ctx.app, ctx.user.id, connection);
    return result;
  } catch (err) {
    if (err instanceof MailProviderError) {
      switch (err.code) {
        case 'auth_failed': {
          const detail = `${err.message}. Connect the mailbox again with the current password (or app password).`;
          await markConnectionError(ctx.app, ctx.user.id, connection.id, detail);
          throw mailError('mail_auth_failed', `the mail server refused the login (${err.message}); connect the mailbox again with the current password`, err);
        }
        case 'revoked':
          throw mailError('mail_revoked', err.message, err);
        case 'not_found':
          throw mailError('mail_gone', 'that mail is no longer in the mailbox (moved or deleted); say "show unread" to get a fresh list', err);
        case 'rejected':
          throw mailError('mail_rejected', err.message, err);
        default:
          throw mailError('mail_unreachable', `the mail server could not be reached (${err.message})`, err, 'THIRD_PARTY');
      }
    }
    throw err;
  } finally {
    await mailbox.close().catch(() => undefined);
  }
}

const norm = (s: string) => s.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '');

function fromMatches(a: MailAddress, needle: string): boolean {
  const n = norm(needle.trim());
  return n.length > 0 && (norm(a.name).includes(n) || norm(a.address).includes(n));
}

function aboutMatches(m: { subject: string; preview: string }, about: string): boolean {
  const words = norm(about).split(/\s+/).filter((w) => w.length > 1);
  const hay = norm(`${m.subject} ${m.preview}`);
  return words.length > 0 && words.every((w) => hay.includes(w));
}

/** Which mail a command means: a number of the last listing, a description matched there, or a mailbox search. */
export async function resolveTarget(
  ctx: MailCaller,
  mailbox: MailProvider,
  connection: ConnectionRow,
  target: MailTarget | { kind: 'id'; id: string },
): Promise<{ id: string; index: number | null }> {
  if (target.kind === 'id') return { id: target.id, index: null };
  const listing = await loadListing(ctx, connection.id);
  if (target.kind === 'index') {
    if (!listing) throw mailError('mail_no_listing', `I have no list to count from yet; say "show unread" or "anything new?" first, then "read ${target.index}"`);
    const item = listing[target.index - 1];
    if (!item) throw mailError('mail_not_in_listing', `the last list has ${listing.length} mail${listing.length === 1 ? '' : 's'}, so there is no number ${target.index}`);
    return { id: item.id, index: target.index };
  }
  if (listing) {
    const i = listing.findIndex((m) => (!target.from || fromMatches(m.from, target.from)) && (!target.about || aboutMatches(m, target.about)));
    if (i >= 0) return { id: listing[i]!.id, index: i + 1 };
  }
  const found = await mailbox.list(
    { ...(target.from ? { from: target.from } : {}), ...(target.about ? { text: target.about.split(/\s+/).filter(Boolean) } : {}) },
    1,
  );
  const first = found.messages[0];
  if (!first) {
    const what = [target.about ? `about "${target.about}"` : '', target.from ? `from ${target.from}` : ''].filter(Boolean).join(' ');
    throw notFoundError(`I could not find a mail ${what}`);
  }
  return { id: first.id, index: null };
}
