// Opens a user's mailbox from the stored (encrypted) connection: IMAP/SMTP or
// Gmail (its access tokens come from the Google token manager, google-tokens.ts).
import type { AppContext } from '../../context.ts';
import { SecretBoxError } from '../../lib/secret-box.ts';
import { ImapSmtpMailbox } from '../../integrations/imap-smtp/imap-smtp.client.ts';
import { GmailMailbox } from '../../integrations/gmail/gmail.client.ts';
import { OAuthGrantRevokedError } from './google-oauth.ts';
import { MailProviderError, type MailProvider } from '../../integrations/mail/mail.types.ts';
import * as repo from './connections.repo.ts';
import { safeFetch } from '../../lib/host-policy.ts';
import { hostPolicy, imapAccount, MAIL_PROVIDERS, type ImapSecret, type ImapSettings } from './connections.service.ts';

/** The stored credentials cannot be read (the encryption key changed or the value was tampered with). */
export class CredentialsUnreadableError extends Error {
  override name = 'CredentialsUnreadableError';
}

export async function readSecret<T>(ctx: AppContext, userId: string, connectionId: string): Promise<T | null> {
  try {
    return (await repo.readConnectionSecret<T>(ctx.db, ctx.secrets, userId, connectionId)) ?? null;
  } catch (err) {
    if (err instanceof SecretBoxError) {
      throw new CredentialsUnreadableError('The stored credentials of this mailbox cannot be decrypted (the server key changed); connect the mailbox again', { cause: err });
    }
    throw err;
  }
}

/** The mailbox @mail works with: the newest working mail connection, else the newest one. */
export async function findMailConnection(ctx: AppContext, userId: string): Promise<repo.ConnectionRow | undefined> {
  const rows = (await repo.listConnections(ctx.db, userId)).filter((r) => (MAIL_PROVIDERS as readonly string[]).includes(r.provider));
  return rows.find((r) => r.status === 'ok') ?? rows[0];
}

export async function getMailConnection(ctx: AppContext, userId: string, connectionId: string): Promise<repo.ConnectionRow | undefined> {
  const row = await repo.getConnection(ctx.db, userId, connectionId);
  return row && (MAIL_PROVIDERS as readonly string[]).includes(row.provider) ? row : undefined;
}

export async function openMailbox(ctx: AppContext, userId: string, connection: repo.ConnectionRow): Promise<MailProvider> {
  if (connection.provider === 'imap') {
    const secret = await readSecret<ImapSecret>(ctx, userId, connection.id);
    if (!secret) throw new CredentialsUnreadableError('This mailbox has no stored password; connect it again');
    return new ImapSmtpMailbox(imapAccount(connection.settings as unknown as ImapSettings, secret, hostPolicy(ctx)));
  }
  if (connection.provider === 'google') {
    return new GmailMailbox({
      account: connection.account,
      rootUrl: ctx.config.google.gmailApiUrl,
      fetch: safeFetch(hostPolicy(ctx)),
      getAccessToken: (opts) =>
        ctx.googleTokens.getAccessToken(userId, connection.id, opts).catch((err: unknown) => {
          if (err instanceof OAuthGrantRevokedError) throw new MailProviderError('revoked', err.message, { cause: err });
          throw err;
        }),
    });
  }
  throw new MailProviderError('connection_failed', `Unsupported provider ${connection.provider}`);
}

/** Records that a connection stopped working (wrong password, revoked grant), so the app can say so. */
export async function markConnectionError(ctx: AppContext, userId: string, connectionId: string, detail: string): Promise<void> {
  await repo.setConnectionStatus(ctx.db, userId, connectionId, 'error', detail);
}

export async function markConnectionOk(ctx: AppContext, userId: string, connection: repo.ConnectionRow): Promise<void> {
  if (connection.status !== 'ok') await repo.setConnectionStatus(ctx.db, userId, connection.id, 'ok', null);
}
