import * as z from 'zod';
import { IsoDateTime, Uuid } from './common.ts';

export const ConnectionProvider = z.enum(['google', 'imap', 'caldav']).meta({ id: 'ConnectionProvider' });
export type ConnectionProvider = z.infer<typeof ConnectionProvider>;

/** A connected account; never carries a password or token. */
export const Connection = z
  .object({
    id: Uuid,
    provider: ConnectionProvider,
    account: z.string(),
    status: z.enum(['ok', 'error']),
    /** Why the connection is in `error` (e.g. access was revoked) and what to do; null when ok. */
    statusDetail: z.string().nullable(),
    createdAt: IsoDateTime,
  })
  .meta({ id: 'Connection' });
export type Connection = z.infer<typeof Connection>;

export const ConnectionsResponse = z.object({ connections: z.array(Connection) });
export const ConnectionResponse = z.object({ connection: Connection });

const Host = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.-]+$|^\[?[0-9A-Fa-f:]+\]?$/, 'Must be a host name or IP address');
const Port = z.number().int().min(1).max(65535);

/** Settings of any IMAP/SMTP mailbox (Fastmail, iCloud, Outlook, self-hosted, Gmail with an app password). */
export const CreateImapConnectionBody = z
  .object({
    email: z.email().max(255),
    imapHost: Host,
    imapPort: Port,
    /** true: TLS from the start (993); false: STARTTLS, which the server must offer (143). */
    imapSecure: z.boolean(),
    smtpHost: Host,
    smtpPort: Port,
    /** true: TLS from the start (465); false: STARTTLS, which the server must offer (587). */
    smtpSecure: z.boolean(),
    /**
     * Off by default: a server that offers no TLS at all is refused (400 connection_failed).
     * `true` is the user's explicit choice to send the password unencrypted to such a server
     * (STARTTLS is still used where offered).
     */
    allowPlaintext: z.boolean().optional(),
    username: z.string().min(1).max(255),
    password: z.string().min(1).max(1024),
    /** The name recipients see as sender (optional). */
    displayName: z.string().max(100).optional(),
  })
  .meta({
    id: 'CreateImapConnection',
    example: {
      email: 'alice@example.com',
      imapHost: 'imap.example.com',
      imapPort: 993,
      imapSecure: true,
      smtpHost: 'smtp.example.com',
      smtpPort: 465,
      smtpSecure: true,
      username: 'alice@example.com',
      password: 'app-password',
    },
  });
export type CreateImapConnectionBody = z.infer<typeof CreateImapConnectionBody>;

export const GoogleStartResponse = z
  .object({
    /** Open this in the browser that should finish the consent; it goes on to Google from there. */
    url: z.url(),
  })
  .meta({ id: 'GoogleConsentUrl' });

/** `GET /auth/google/start`: the first page of the consent, opened by the browser that will finish it. */
export const GoogleLaunchQuery = z.object({
  state: z.string().max(256).optional(),
  login_hint: z.string().max(320).optional(),
});

/** Why `/auth/google/callback` stored nothing (the `reason` of its redirect to the app). */
export const GoogleConnectFailure = z.enum(['access_denied', 'provider_error', 'invalid_request', 'invalid_state', 'browser_mismatch', 'exchange_failed']);
export type GoogleConnectFailure = z.infer<typeof GoogleConnectFailure>;

export const GoogleCallbackQuery = z.object({
  code: z.string().max(2048).optional(),
  state: z.string().max(256).optional(),
  error: z.string().max(256).optional(),
});
