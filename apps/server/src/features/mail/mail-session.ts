// What every @mail tool needs: the user's mailbox (opened per call, closed after),
// the last listing kept in agent_state, and failures turned into plain words.
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
import { notFoundError } from '../../lib/errors.ts';
import { AgentError, type AgentContext } from '../../agents/types.ts';
import type { MailTarget } from '../../agents/mail/mail-intent.ts';

// App steps only, in the words the app's screens use (the API reference covers the endpoints).
export const CONNECT_HELP = [
  '@mail is not connected to a mailbox yet. To connect one in the app:',
  '1. Open **Settings → Connections**.',
  '2. Choose **Connect Google** for Gmail (where it is offered), or fill in **Mail (IMAP / SMTP)** with your mail server and an app password.',
  'Then ask me "anything new?".',
].join('\n');

export class MailNotConnectedError extends AgentError {
  constructor() {
    super(CONNECT_HELP);
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

export async function loadListing(ctx: AgentContext, connectionId: string): Promise<ListedMail[] | null> {
  const state = await ctx.state.get<MailState>();
  const listing = state?.listing;
  return listing && listing.connectionId === connectionId ? listing.items : null;
}

export async function saveListing(ctx: AgentContext, connectionId: string, label: string, items: MailSummary[]): Promise<void> {
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
  ctx: AgentContext,
  fn: (mailbox: MailProvider, connection: ConnectionRow) => Promise<T>,
  connectionId?: string,
): Promise<T> {
  const connection = connectionId ? await getMailConnection(ctx.app, ctx.user.id, connectionId) : await findMailConnection(ctx.app, ctx.user.id);
  if (!connection) {
    if (connectionId) throw new AgentError('that mailbox is no longer connected, so nothing was done');
    throw new MailNotConnectedError();
  }
  let mailbox: MailProvider;
  try {
    mailbox = await openMailbox(ctx.app, ctx.user.id, connection);
  } catch (err) {
    if (err instanceof CredentialsUnreadableError) {
      await markConnectionError(ctx.app, ctx.user.id, connection.id, err.message);
      throw new AgentError(err.message, { cause: err });
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
          throw new AgentError(`the mail server refused the login (${err.message}); connect the mailbox again with the current password`, { cause: err });
        }
        case 'revoked':
          throw new AgentError(err.message, { cause: err });
        case 'not_found':
          throw new AgentError('that mail is no longer in the mailbox (moved or deleted); say "show unread" to get a fresh list', { cause: err });
        case 'rejected':
          throw new AgentError(err.message, { cause: err });
        default:
          throw new AgentError(`the mail server could not be reached (${err.message})`, { cause: err });
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
  ctx: AgentContext,
  mailbox: MailProvider,
  connection: ConnectionRow,
  target: MailTarget | { kind: 'id'; id: string },
): Promise<{ id: string; index: number | null }> {
  if (target.kind === 'id') return { id: target.id, index: null };
  const listing = await loadListing(ctx, connection.id);
  if (target.kind === 'index') {
    if (!listing) throw new AgentError(`I have no list to count from yet; say "show unread" or "anything new?" first, then "read ${target.index}"`);
    const item = listing[target.index - 1];
    if (!item) throw new AgentError(`the last list has ${listing.length} mail${listing.length === 1 ? '' : 's'}, so there is no number ${target.index}`);
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
