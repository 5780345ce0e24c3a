import { createHash, randomBytes } from 'node:crypto';

/** Where Google's OAuth endpoints are; tests point them at a local OAuth server. */
export interface GoogleOAuthConfig {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  authUrl: string;
  tokenUrl: string;
  scopes: string[];
  /** How the token endpoint is reached (the server passes its host-policy fetch); global fetch by default. */
  fetch?: typeof globalThis.fetch;
}

export const GOOGLE_AUTH_URL = 'https://accounts.google.com/o/oauth2/v2/auth';
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
/** Read, label (mark read, archive) and send; nothing broader. */
export const GMAIL_SCOPES = ['https://www.googleapis.com/auth/gmail.modify', 'https://www.googleapis.com/auth/gmail.send'];
/** Read and change events, so @cal can move and cancel them in Google Calendar too. */
export const GOOGLE_CALENDAR_SCOPES = ['https://www.googleapis.com/auth/calendar'];

export interface GoogleTokens {
  accessToken: string;
  refreshToken: string;
  /** ISO 8601 instant when the access token stops working. */
  expiresAt: string;
  scope: string;
}

/** The token endpoint said the grant is gone (revoked, expired, password changed): the user must reconnect. */
export class OAuthGrantRevokedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OAuthGrantRevokedError';
  }
}

/** Any other failure at the token endpoint. */
export class OAuthTokenError extends Error {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.name = 'OAuthTokenError';
    this.status = status;
  }
}

const b64url = (buf: Buffer) => buf.toString('base64url');

/** The S256 challenge of a PKCE verifier (RFC 7636). */
export function pkceChallenge(verifier: string): string {
  return b64url(createHash('sha256').update(verifier).digest());
}

/** A PKCE pair (RFC 7636, S256). */
export function createPkce(): { verifier: string; challenge: string } {
  const verifier = b64url(randomBytes(48));
  return { verifier, challenge: pkceChallenge(verifier) };
}

/** An unguessable `state` value. */
export function createState(): string {
  return b64url(randomBytes(32));
}

/** The consent URL: offline access (a refresh token) and PKCE. */
export function buildConsentUrl(cfg: GoogleOAuthConfig, p: { state: string; codeChallenge: string; loginHint?: string }): string {
  const url = new URL(cfg.authUrl);
  url.searchParams.set('client_id', cfg.clientId);
  url.searchParams.set('redirect_uri', cfg.redirectUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', cfg.scopes.join(' '));
  url.searchParams.set('state', p.state);
  url.searchParams.set('code_challenge', p.codeChallenge);
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('access_type', 'offline');
  // Google only returns a refresh token on first consent unless asked again.
  url.searchParams.set('prompt', 'consent');
  url.searchParams.set('include_granted_scopes', 'true');
  if (p.loginHint) url.searchParams.set('login_hint', p.loginHint);
  return url.toString();
}

interface TokenResponse {
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
  scope?: string;
  error?: string;
  error_description?: string;
}

async function tokenRequest(cfg: GoogleOAuthConfig, body: Record<string, string>, now: number): Promise<TokenResponse & { expiresAt: string }> {
  let res: Response;
  try {
    res = await (cfg.fetch ?? fetch)(cfg.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ client_id: cfg.clientId, client_secret: cfg.clientSecret, ...body }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (err) {
    throw new OAuthTokenError(`Google's token endpoint could not be reached: ${(err as Error).message}`, 0);
  }
  const json = (await res.json().catch(() => ({}))) as TokenResponse;
  if (!res.ok || json.error) {
    if (json.error === 'invalid_grant') {
      throw new OAuthGrantRevokedError(json.error_description ? `Google access was revoked: ${json.error_description}` : 'Google access was revoked or has expired');
    }
    throw new OAuthTokenError(`Google's token endpoint answered ${res.status}${json.error ? ` (${json.error})` : ''}`, res.status);
  }
  if (!json.access_token || typeof json.expires_in !== 'number') {
    throw new OAuthTokenError("Google's token endpoint answered without an access token", res.status);
  }
  return { ...json, expiresAt: new Date(now + json.expires_in * 1000).toISOString() };
}

/** Trades the authorization code (and the PKCE verifier) for tokens. */
export async function exchangeCode(cfg: GoogleOAuthConfig, code: string, codeVerifier: string, now = Date.now()): Promise<GoogleTokens> {
  const t = await tokenRequest(cfg, { grant_type: 'authorization_code', code, code_verifier: codeVerifier, redirect_uri: cfg.redirectUri }, now);
  if (!t.refresh_token) throw new OAuthTokenError('Google did not grant offline access (no refresh token); connect again', 400);
  return { accessToken: t.access_token!, refreshToken: t.refresh_token, expiresAt: t.expiresAt, scope: t.scope ?? cfg.scopes.join(' ') };
}

/** A new access token from the refresh token; Google may or may not rotate the refresh token. */
export async function refreshTokens(cfg: GoogleOAuthConfig, current: GoogleTokens, now = Date.now()): Promise<GoogleTokens> {
  const t = await tokenRequest(cfg, { grant_type: 'refresh_token', refresh_token: current.refreshToken }, now);
  return {
    accessToken: t.access_token!,
    refreshToken: t.refresh_token ?? current.refreshToken,
    expiresAt: t.expiresAt,
    scope: t.scope ?? current.scope,
  };
}

/** Where tokens of a connection live (encrypted, in the real server). */
export interface TokenStore {
  load(connectionId: string): Promise<GoogleTokens | null>;
  save(connectionId: string, tokens: GoogleTokens): Promise<void>;
  markError(connectionId: string, message: string): Promise<void>;
}

export const REVOKED_MESSAGE = 'Google access for this mailbox was revoked or has expired. Connect Gmail again in Settings → Connections (or POST /api/connections/google/start).';

/**
 * Hands out valid access tokens, refreshing shortly before expiry. Refreshes are
 * single-flight per connection: concurrent callers share one token request.
 */
export class GoogleTokenManager {
  readonly #cfg: GoogleOAuthConfig;
  readonly #store: TokenStore;
  readonly #skewMs: number;
  readonly #now: () => number;
  readonly #inflight = new Map<string, Promise<string>>();

  constructor(cfg: GoogleOAuthConfig, store: TokenStore, opts: { skewMs?: number; now?: () => number } = {}) {
    this.#cfg = cfg;
    this.#store = store;
    this.#skewMs = opts.skewMs ?? 120_000;
    this.#now = opts.now ?? Date.now;
  }

  #fresh(t: GoogleTokens): boolean {
    return Date.parse(t.expiresAt) - this.#skewMs > this.#now();
  }

  /** A valid access token; `force` refreshes even if the stored one looks valid (after a 401). */
  async getAccessToken(connectionId: string, opts: { force?: boolean } = {}): Promise<string> {
    // Join a refresh already under way before touching the store, so no caller can slip past it.
    const running = this.#inflight.get(connectionId);
    if (running) return running;
    const tokens = await this.#store.load(connectionId);
    if (!tokens) throw new OAuthGrantRevokedError('This Google connection has no tokens; connect Gmail again');
    if (!opts.force && this.#fresh(tokens)) return tokens.accessToken;
    let p = this.#inflight.get(connectionId);
    if (!p) {
      p = this.#refresh(connectionId, opts.force === true ? tokens.accessToken : null).finally(() => this.#inflight.delete(connectionId));
      this.#inflight.set(connectionId, p);
    }
    return p;
  }

  async #refresh(connectionId: string, rejectedToken: string | null): Promise<string> {
    // Another caller may have finished a refresh between our read and now.
    const current = await this.#store.load(connectionId);
    if (!current) throw new OAuthGrantRevokedError('This Google connection has no tokens; connect Gmail again');
    if (this.#fresh(current) && current.accessToken !== rejectedToken) return current.accessToken;
    let next: GoogleTokens;
    try {
      next = await refreshTokens(this.#cfg, current, this.#now());
    } catch (err) {
      if (err instanceof OAuthGrantRevokedError) {
        await this.#store.markError(connectionId, REVOKED_MESSAGE);
        throw new OAuthGrantRevokedError(REVOKED_MESSAGE);
      }
      throw err;
    }
    await this.#store.save(connectionId, next);
    return next.accessToken;
  }
}
