// Connected accounts: an IMAP/SMTP mailbox is stored only after a real login;
// Gmail is connected through Google's OAuth consent (PKCE, state bound to the user
// and to the browser that opened the consent).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Connection, CreateImapConnectionBody, GoogleConnectFailure } from '@lifeos/contract';
import type { AppContext } from '../../context.ts';
import type { AuthInfo } from '../../http/auth.ts';
import { HttpError, notFound } from '../../http/errors.ts';
import { logEvent } from '../../lib/events.ts';
import { verifyImapSmtpAccount, type ImapSmtpAccount } from '../../integrations/imap-smtp/imap-smtp.client.ts';
import { MailProviderError } from '../../integrations/mail/mail.types.ts';
import {
  buildConsentUrl,
  createPkce,
  createState,
  exchangeCode,
  GMAIL_SCOPES,
  GOOGLE_CALENDAR_SCOPES,
  OAuthTokenError,
  pkceChallenge,
  type GoogleOAuthConfig,
  type GoogleTokens,
} from './google-oauth.ts';
import { GmailMailbox } from '../../integrations/gmail/gmail.client.ts';
import * as repo from './connections.repo.ts';
import { claimOAuthState, hashOAuthValue, saveOAuthState, takeOAuthState } from './oauth-states.repo.ts';
import { disallowedHostReason, safeFetch, type HostPolicy } from '../../lib/host-policy.ts';

export const MAIL_PROVIDERS = ['imap', 'google'] as const;
const CONSENT_TTL_MS = 10 * 60_000;
/** The app opens the consent right after asking for it; a launch URL older than this is refused. */
const LAUNCH_TTL_MS = 2 * 60_000;

/** Non-secret settings of an IMAP connection, as stored in `settings`. */
export interface ImapSettings {
  email: string;
  displayName?: string;
  imapHost: string;
  imapPort: number;
  imapSecure: boolean;
  smtpHost: string;
  smtpPort: number;
  smtpSecure: boolean;
  /** The user chose servers without TLS (absent: TLS or STARTTLS is required). */
  allowPlaintext?: boolean;
  username: string;
}

export interface ImapSecret {
  password: string;
}

export function toConnection(row: repo.ConnectionRow): Connection {
  return {
    id: row.id,
    provider: row.provider as Connection['provider'],
    account: row.account,
    status: row.status === 'error' ? 'error' : 'ok',
    statusDetail: row.status === 'error' ? (row.statusDetail ?? 'The connection stopped working; connect it again') : null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** The host policy of every outgoing connection the server makes for a user (mail, calendars, Google). */
export function hostPolicy(ctx: AppContext): HostPolicy {
  return { allowPrivate: ctx.config.allowPrivateHosts };
}

export function imapAccount(settings: ImapSettings, secret: ImapSecret, hosts: HostPolicy): ImapSmtpAccount {
  const plain = settings.allowPlaintext === true;
  return {
    email: settings.email,
    displayName: settings.displayName ?? '',
    imap: { host: settings.imapHost, port: settings.imapPort, secure: settings.imapSecure, allowPlaintext: plain, user: settings.username, pass: secret.password },
    smtp: { host: settings.smtpHost, port: settings.smtpPort, secure: settings.smtpSecure, allowPlaintext: plain, user: settings.username, pass: secret.password },
    hosts,
  };
}

export async function listUserConnections(ctx: AppContext, auth: AuthInfo): Promise<Connection[]> {
  return (await repo.listConnections(ctx.db, auth.userId)).map(toConnection);
}

export async function createImapConnection(ctx: AppContext, auth: AuthInfo, body: CreateImapConnectionBody): Promise<Connection> {
  for (const host of new Set([body.imapHost, body.smtpHost])) {
    const reason = await disallowedHostReason(host, ctx.config.allowPrivateHosts);
    if (reason) throw new HttpError(400, 'connection_failed', `Cannot connect: ${reason}`);
  }
  const settings: ImapSettings = {
    email: body.email.trim().toLowerCase(),
    ...(body.displayName ? { displayName: body.displayName.trim() } : {}),
    imapHost: body.imapHost,
    imapPort: body.imapPort,
    imapSecure: body.imapSecure,
    smtpHost: body.smtpHost,
    smtpPort: body.smtpPort,
    smtpSecure: body.smtpSecure,
    ...(body.allowPlaintext ? { allowPlaintext: true } : {}),
    username: body.username,
  };
  const secret: ImapSecret = { password: body.password };
  try {
    await verifyImapSmtpAccount(imapAccount(settings, secret, hostPolicy(ctx)));
  } catch (err) {
    if (err instanceof MailProviderError) {
      logEvent(ctx, 'connection.failed', { userId: auth.userId, provider: 'imap', reason: err.code });
      throw new HttpError(400, 'connection_failed', err.message);
    }
    throw err;
  }
  const row = await repo.upsertConnection(ctx.db, ctx.secrets, {
    userId: auth.userId,
    provider: 'imap',
    account: settings.email,
    settings: { ...settings },
    secret,
  });
  logEvent(ctx, 'connection.created', { userId: auth.userId, provider: 'imap' });
  return toConnection(row);
}

export async function deleteUserConnection(ctx: AppContext, auth: AuthInfo, id: string): Promise<void> {
  const row = await repo.getConnection(ctx.db, auth.userId, id);
  if (!row) throw notFound('Connection');
  let tokens: GoogleTokens | undefined;
  if (row.provider === 'google') tokens = await repo.readConnectionSecret<GoogleTokens>(ctx.db, ctx.secrets, auth.userId, id).catch(() => undefined);
  if (!(await repo.deleteConnection(ctx.db, auth.userId, id))) throw notFound('Connection');
  logEvent(ctx, 'connection.deleted', { userId: auth.userId, provider: row.provider });
  // Tell Google too, so the grant does not outlive the connection (best effort).
  if (tokens) {
    await safeFetch(hostPolicy(ctx))(ctx.config.google.revokeUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.refreshToken }),
      signal: AbortSignal.timeout(5000),
    }).catch((err: unknown) => ctx.log.warn({ err }, 'could not revoke the Google grant'));
  }
}

/** Google's OAuth settings from the configuration; 503 when the server has none. */
export function googleOAuthConfig(ctx: AppContext): GoogleOAuthConfig {
  const g = ctx.config.google;
  if (!g.clientId || !g.clientSecret || !g.redirectUri) {
    throw new HttpError(503, 'service_unavailable', 'Gmail is not configured on this server (GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET, GOOGLE_REDIRECT_URI); connect the mailbox with IMAP instead');
  }
  return {
    clientId: g.clientId,
    clientSecret: g.clientSecret,
    redirectUri: g.redirectUri,
    authUrl: g.authUrl,
    tokenUrl: g.tokenUrl,
    scopes: [...GMAIL_SCOPES, ...GOOGLE_CALENDAR_SCOPES],
    fetch: safeFetch(hostPolicy(ctx)),
  };
}

/**
 * Where the app sends the browser: our own `/auth/google/start` next to the callback (so
 * the binding cookie is set on the host the callback is on), which goes on to Google.
 */
export async function startGoogleConnection(ctx: AppContext, auth: AuthInfo): Promise<string> {
  const cfg = googleOAuthConfig(ctx);
  const pkce = createPkce();
  const state = createState();
  const now = ctx.now();
  await saveOAuthState(ctx.db, ctx.secrets, {
    userId: auth.userId,
    provider: 'google',
    state,
    codeVerifier: pkce.verifier,
    expiresAt: new Date(now.getTime() + CONSENT_TTL_MS),
    now,
  });
  const launch = new URL('start', cfg.redirectUri);
  launch.search = new URLSearchParams({ state, login_hint: auth.user.email }).toString();
  return launch.toString();
}

/** The cookie that binds a consent to the browser it runs in: HttpOnly, SameSite=Lax, on the callback's folder. */
export interface BrowserBindingCookie {
  name: string;
  options: { httpOnly: true; sameSite: 'lax'; secure: boolean; path: string; maxAge: number };
}

export function browserBindingCookie(ctx: AppContext): BrowserBindingCookie {
  const redirect = new URL(googleOAuthConfig(ctx).redirectUri);
  const secure = ctx.config.env === 'production' || redirect.protocol === 'https:';
  return {
    name: secure ? '__Secure-lifeos_google_consent' : 'lifeos_google_consent',
    options: { httpOnly: true, sameSite: 'lax', secure, path: new URL('.', redirect).pathname, maxAge: CONSENT_TTL_MS },
  };
}

/**
 * The browser opens the consent: the first browser to open a fresh state gets a random nonce
 * in its cookie (the state keeps the nonce's hash), then goes to Google. The callback later
 * stores tokens only for the browser holding that nonce, so a consent URL handed to someone
 * else (another browser) connects nothing.
 * NOTE: a launch URL forwarded before anyone opened it would bind the browser that opens it;
 * the short launch window and the single claim keep that window small.
 */
export async function launchGoogleConnection(
  ctx: AppContext,
  query: { state?: string | undefined; login_hint?: string | undefined },
): Promise<{ location: string; nonce?: string }> {
  const cfg = googleOAuthConfig(ctx);
  if (!query.state) return { location: appRedirect(ctx, { status: 'error', reason: 'invalid_request' }) };
  const nonce = randomBytes(32).toString('base64url');
  const now = ctx.now();
  const claimed = await claimOAuthState(ctx.db, ctx.secrets, {
    provider: 'google',
    state: query.state,
    browserNonceHash: hashOAuthValue(nonce),
    createdAfter: new Date(now.getTime() - LAUNCH_TTL_MS),
    now,
  });
  if (!claimed) return { location: appRedirect(ctx, { status: 'error', reason: 'invalid_state' }) };
  const loginHint = query.login_hint && /^[^\s@]+@[^\s@]+$/.test(query.login_hint) ? query.login_hint : undefined;
  return {
    location: buildConsentUrl(cfg, { state: query.state, codeChallenge: pkceChallenge(claimed.codeVerifier), ...(loginHint ? { loginHint } : {}) }),
    nonce,
  };
}

/** Where the browser goes after the consent: the app's connections screen, with the outcome. */
function appRedirect(ctx: AppContext, outcome: { status: 'connected' } | { status: 'error'; reason: GoogleConnectFailure }): string {
  const base = (ctx.config.appUrl ?? '').replace(/\/+$/, '');
  const params = new URLSearchParams({ provider: 'google', ...outcome });
  return `${base}/settings/connections?${params.toString()}`;
}

function sameNonce(storedHash: string | null, nonce: string | undefined): boolean {
  if (!storedHash || !nonce) return false;
  const a = Buffer.from(storedHash, 'hex');
  const b = Buffer.from(hashOAuthValue(nonce), 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Handles Google's redirect: consumes the state, checks the browser is the one that opened the
 * consent, exchanges the code, stores the tokens. Returns where to send the browser.
 */
export async function finishGoogleConnection(
  ctx: AppContext,
  query: { code?: string | undefined; state?: string | undefined; error?: string | undefined },
  browserNonce: string | undefined,
): Promise<string> {
  if (query.error) return appRedirect(ctx, { status: 'error', reason: query.error === 'access_denied' ? 'access_denied' : 'provider_error' });
  if (!query.code || !query.state) return appRedirect(ctx, { status: 'error', reason: 'invalid_request' });
  const cfg = googleOAuthConfig(ctx);
  // Taken (used up) even when the browser is wrong: a consent finished elsewhere is dead.
  const pending = await takeOAuthState(ctx.db, ctx.secrets, { provider: 'google', state: query.state, now: ctx.now() });
  if (!pending) return appRedirect(ctx, { status: 'error', reason: 'invalid_state' });
  if (!sameNonce(pending.browserNonceHash, browserNonce)) {
    logEvent(ctx, 'connection.failed', { userId: pending.userId, provider: 'google', reason: 'browser_mismatch' });
    return appRedirect(ctx, { status: 'error', reason: 'browser_mismatch' });
  }
  let tokens: GoogleTokens;
  let email: string;
  try {
    // Token lifetimes are real time, whatever clock the app runs on.
    tokens = await exchangeCode(cfg, query.code, pending.codeVerifier);
    const gmail = new GmailMailbox({ account: '', rootUrl: ctx.config.google.gmailApiUrl, fetch: cfg.fetch, getAccessToken: async () => tokens.accessToken });
    email = (await gmail.profileEmail()).toLowerCase();
  } catch (err) {
    ctx.log.warn({ err }, 'Google connection failed');
    logEvent(ctx, 'connection.failed', { userId: pending.userId, provider: 'google', reason: err instanceof OAuthTokenError ? 'token' : 'gmail' });
    return appRedirect(ctx, { status: 'error', reason: 'exchange_failed' });
  }
  await repo.upsertConnection(ctx.db, ctx.secrets, {
    userId: pending.userId,
    provider: 'google',
    account: email,
    settings: { email, scope: tokens.scope },
    secret: tokens,
  });
  logEvent(ctx, 'connection.created', { userId: pending.userId, provider: 'google' });
  return appRedirect(ctx, { status: 'connected' });
}

/**
 * Pending consents of other OAuth flows (MCP servers' own authorization servers): the same
 * single-use, user-bound, browser-claimed states as Google's. `secret` is sealed (it holds the
 * PKCE verifier); it comes back only to the browser that claimed the state, or to the callback.
 */
export const saveConsentState = (ctx: AppContext, input: { userId: string; provider: string; state: string; secret: string; ttlMs: number }) => {
  const now = ctx.now();
  return saveOAuthState(ctx.db, ctx.secrets, { userId: input.userId, provider: input.provider, state: input.state, codeVerifier: input.secret, expiresAt: new Date(now.getTime() + input.ttlMs), now });
};

export const claimConsentState = async (ctx: AppContext, input: { provider: string; state: string; browserNonce: string; launchTtlMs: number }) => {
  const now = ctx.now();
  const claimed = await claimOAuthState(ctx.db, ctx.secrets, { provider: input.provider, state: input.state, browserNonceHash: hashOAuthValue(input.browserNonce), createdAfter: new Date(now.getTime() - input.launchTtlMs), now });
  return claimed?.codeVerifier;
};

/** The consent for `state`, used up; undefined when unknown, used, expired, or finished in another browser than the one that claimed it. */
export async function takeConsentState(
  ctx: AppContext,
  input: { provider: string; state: string; browserNonce: string | undefined },
): Promise<{ userId: string; secret: string } | { refused: 'invalid_state' } | { refused: 'browser_mismatch'; userId: string }> {
  const pending = await takeOAuthState(ctx.db, ctx.secrets, { provider: input.provider, state: input.state, now: ctx.now() });
  if (!pending) return { refused: 'invalid_state' };
  if (!sameNonce(pending.browserNonceHash, input.browserNonce)) return { refused: 'browser_mismatch', userId: pending.userId };
  return { userId: pending.userId, secret: pending.codeVerifier };
}

// ---- for other features (calendar): the user's connections, read and marked through this service ----

export type { ConnectionRow } from './connections.repo.ts';

/** The user's connections, optionally of one provider. */
export const userConnections = (ctx: AppContext, userId: string, provider?: string): Promise<repo.ConnectionRow[]> => repo.listConnections(ctx.db, userId, provider);

/** The user's connections for the account export (no secrets). */
export const exportUserConnections = (ctx: AppContext, userId: string) => repo.listConnections(ctx.db, userId);

/** One connection of the user's, or undefined. */
export const userConnection = (ctx: AppContext, userId: string, id: string): Promise<repo.ConnectionRow | undefined> => repo.getConnection(ctx.db, userId, id);

/** The opened secret of one of the user's connections. */
export const connectionSecret = <T>(ctx: AppContext, userId: string, id: string): Promise<T | undefined> => repo.readConnectionSecret<T>(ctx.db, ctx.secrets, userId, id);

/** Records whether a connection works, so the app can say so. */
export const setConnectionStatus = (ctx: AppContext, userId: string, id: string, status: 'ok' | 'error', detail: string | null): Promise<void> =>
  repo.setConnectionStatus(ctx.db, userId, id, status, detail);
