// Signing in to an MCP server with the server's own OAuth (authorization code +
// PKCE), through the SDK client's `auth()`: RFC 9728 protected-resource
// metadata, RFC 8414 server metadata, dynamic client registration, the code
// exchange and refreshes. LifeOS only keeps what the SDK hands it (sealed per
// user and row) and binds each sign-in to the user and to the browser that
// opened it, like the Google consent: a state is single use, and the callback
// stores tokens only for the browser holding the cookie the launch gave it.
import { randomBytes } from 'node:crypto';
import {
  auth as runOAuth,
  type OAuthClientMetadata,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
  type StoredOAuthClientInformation,
  type StoredOAuthTokens,
} from '@modelcontextprotocol/client';
import type { McpSignInFailure } from '@lifeos/contract';
import * as z from 'zod';
import type { AppContext } from '../../context.ts';
import { safeFetch } from '../../lib/host-policy.ts';
import { logEvent } from '../../lib/events.ts';
import { claimConsentState, hostPolicy, saveConsentState, takeConsentState } from '../connections/connections.service.ts';
import * as repo from './mcp-client.repo.ts';

/** The `provider` of the pending consents (oauth_states). */
const CONSENT_PROVIDER = 'mcp';
const CONSENT_TTL_MS = 10 * 60_000;
/** The app opens the launch URL right after asking for it; an older one is refused. */
const LAUNCH_TTL_MS = 2 * 60_000;

/** What LifeOS keeps of a server's OAuth, sealed as one document. */
interface OAuthDocument {
  redirectUrl?: string;
  client?: StoredOAuthClientInformation;
  tokens?: StoredOAuthTokens;
  discovery?: OAuthDiscoveryState;
}

/** The sealed part of a pending consent: which server, the PKCE verifier, and where the browser goes. */
const PendingSignIn = z.object({ serverId: z.uuid(), codeVerifier: z.string().min(43), authorizationUrl: z.url() });

export const callbackPath = '/auth/mcp/callback';
export const launchPath = '/auth/mcp/start';

/**
 * The SDK's view of one user's server: every save is written through to the
 * sealed document at once (a refresh rotates the refresh token; losing it would
 * end the sign-in). The authorization URL and verifier of a new sign-in stay in
 * memory; the caller puts them into the pending consent.
 */
export class McpOAuthProvider implements OAuthClientProvider {
  readonly #ctx: AppContext;
  readonly #userId: string;
  readonly #serverId: string;
  readonly #doc: OAuthDocument;
  #state: string | undefined;
  #verifier: string | undefined;
  authorizationUrl: URL | undefined;

  constructor(ctx: AppContext, userId: string, serverId: string, doc: OAuthDocument, options: { state?: string; codeVerifier?: string } = {}) {
    this.#ctx = ctx;
    this.#userId = userId;
    this.#serverId = serverId;
    this.#doc = doc;
    this.#state = options.state;
    this.#verifier = options.codeVerifier;
  }

  get redirectUrl(): string | undefined {
    return this.#doc.redirectUrl;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'LifeOS',
      redirect_uris: this.#doc.redirectUrl ? [this.#doc.redirectUrl] : [],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  get signedIn(): boolean {
    return Boolean(this.#doc.tokens?.access_token);
  }

  state(): string {
    this.#state ??= randomBytes(32).toString('base64url');
    return this.#state;
  }

  clientInformation() {
    return this.#doc.client;
  }

  async saveClientInformation(client: StoredOAuthClientInformation) {
    this.#doc.client = client;
    await this.#persist();
  }

  tokens() {
    return this.#doc.tokens;
  }

  async saveTokens(tokens: StoredOAuthTokens) {
    this.#doc.tokens = tokens;
    await this.#persist();
  }

  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }

  saveCodeVerifier(verifier: string) {
    this.#verifier = verifier;
  }

  codeVerifier(): string {
    if (!this.#verifier) throw new Error('no PKCE verifier for this sign-in');
    return this.#verifier;
  }

  async saveDiscoveryState(state: OAuthDiscoveryState) {
    this.#doc.discovery = state;
    await this.#persist();
  }

  discoveryState() {
    return this.#doc.discovery;
  }

  async invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery') {
    if (scope === 'all' || scope === 'client') delete this.#doc.client;
    if (scope === 'all' || scope === 'tokens') delete this.#doc.tokens;
    if (scope === 'all' || scope === 'discovery') delete this.#doc.discovery;
    if (scope === 'all' || scope === 'verifier') this.#verifier = undefined;
    await this.#persist();
  }

  async #persist() {
    await repo.saveMcpServerOAuth(this.#ctx.db, this.#ctx.secrets, this.#userId, this.#serverId, JSON.stringify(this.#doc));
  }
}

/** The provider of a server that signs in with OAuth, loaded from its sealed document. */
export async function oauthProviderFor(ctx: AppContext, userId: string, serverId: string, options: { state?: string; codeVerifier?: string } = {}): Promise<McpOAuthProvider> {
  const stored = await repo.readMcpServerOAuth(ctx.db, ctx.secrets, userId, serverId);
  return new McpOAuthProvider(ctx, userId, serverId, stored ? (JSON.parse(stored) as OAuthDocument) : {}, options);
}

/** Every OAuth request (metadata, registration, token) goes through the host policy. */
export const oauthFetch = (ctx: AppContext) => safeFetch(hostPolicy(ctx));

export class McpSignInError extends Error {
  override name = 'McpSignInError';
}

/**
 * Starts a sign-in: discovery, registration (once) and a PKCE verifier, through the SDK.
 * Returns the launch URL for the browser, or null when the stored refresh token still works.
 * `base` is this server's public origin: the authorization server sends the browser back there.
 */
export async function startMcpSignIn(ctx: AppContext, userId: string, server: { id: string; url: string }, base: string): Promise<string | null> {
  const stored = await repo.readMcpServerOAuth(ctx.db, ctx.secrets, userId, server.id);
  const doc: OAuthDocument = stored ? (JSON.parse(stored) as OAuthDocument) : {};
  const redirectUrl = `${base}${callbackPath}`;
  if (doc.redirectUrl !== redirectUrl) {
    // A client registered for another callback address cannot be used for this one.
    delete doc.client;
    doc.redirectUrl = redirectUrl;
  }
  const provider = new McpOAuthProvider(ctx, userId, server.id, doc);
  let result: Awaited<ReturnType<typeof runOAuth>>;
  try {
    result = await runOAuth(provider, { serverUrl: server.url, fetchFn: oauthFetch(ctx) });
  } catch (err) {
    ctx.log.warn({ err: (err as Error)?.message, server: server.id }, 'MCP OAuth discovery or registration failed');
    throw new McpSignInError(`its OAuth sign-in could not be started (${(err as Error)?.message ?? 'no authorization server'})`, { cause: err });
  }
  if (result === 'AUTHORIZED') return null;
  const pending = PendingSignIn.parse({ serverId: server.id, codeVerifier: provider.codeVerifier(), authorizationUrl: provider.authorizationUrl?.toString() });
  const state = provider.state();
  await saveConsentState(ctx, { userId, provider: CONSENT_PROVIDER, state, secret: JSON.stringify(pending), ttlMs: CONSENT_TTL_MS });
  return `${base}${launchPath}?${new URLSearchParams({ state }).toString()}`;
}

/** The cookie that binds a sign-in to the browser it runs in (HttpOnly, SameSite=Lax, on `/auth/mcp/`). */
export function signInCookie(ctx: AppContext, secure: boolean) {
  const isSecure = secure || ctx.config.env === 'production';
  return {
    name: isSecure ? '__Secure-lifeos_mcp_consent' : 'lifeos_mcp_consent',
    options: { httpOnly: true as const, sameSite: 'lax' as const, secure: isSecure, path: '/auth/mcp/', maxAge: CONSENT_TTL_MS },
  };
}

/** Where the browser goes after the sign-in: the app's connections screen, with the outcome. */
function appRedirect(ctx: AppContext, outcome: { status: 'connected'; server: string } | { status: 'error'; reason: McpSignInFailure; server?: string }): string {
  const base = (ctx.config.appUrl ?? '').replace(/\/+$/, '');
  const params = new URLSearchParams({ provider: 'mcp', ...outcome });
  return `${base}/settings/connections?${params.toString()}`;
}

/** The first browser to open a fresh state is bound to it (a nonce in its cookie) and goes on to the authorization server. */
export async function launchMcpSignIn(ctx: AppContext, query: { state?: string | undefined }): Promise<{ location: string; nonce?: string }> {
  if (!query.state) return { location: appRedirect(ctx, { status: 'error', reason: 'invalid_request' }) };
  const nonce = randomBytes(32).toString('base64url');
  const secret = await claimConsentState(ctx, { provider: CONSENT_PROVIDER, state: query.state, browserNonce: nonce, launchTtlMs: LAUNCH_TTL_MS });
  if (!secret) return { location: appRedirect(ctx, { status: 'error', reason: 'invalid_state' }) };
  return { location: PendingSignIn.parse(JSON.parse(secret)).authorizationUrl, nonce };
}

/**
 * The authorization server's redirect: the state is used up (even when refused), the browser
 * must be the one that opened the sign-in, then the SDK exchanges the code with the stored
 * verifier and LifeOS keeps the tokens. `listTools` connects with them and stores the tools.
 */
export async function finishMcpSignIn(
  ctx: AppContext,
  query: { code?: string | undefined; state?: string | undefined; error?: string | undefined; iss?: string | undefined },
  browserNonce: string | undefined,
  listTools: (userId: string, serverId: string) => Promise<void>,
): Promise<string> {
  if (!query.state) return appRedirect(ctx, { status: 'error', reason: 'invalid_request' });
  const taken = await takeConsentState(ctx, { provider: CONSENT_PROVIDER, state: query.state, browserNonce });
  if ('refused' in taken) {
    if (taken.refused === 'browser_mismatch') logEvent(ctx, 'connection.failed', { userId: taken.userId, provider: 'mcp', reason: 'browser_mismatch' });
    return appRedirect(ctx, { status: 'error', reason: taken.refused });
  }
  const pending = PendingSignIn.parse(JSON.parse(taken.secret));
  if (query.error) return appRedirect(ctx, { status: 'error', reason: query.error === 'access_denied' ? 'access_denied' : 'provider_error', server: pending.serverId });
  if (!query.code) return appRedirect(ctx, { status: 'error', reason: 'invalid_request', server: pending.serverId });
  const server = await repo.getMcpServer(ctx.db, taken.userId, pending.serverId);
  if (!server || server.auth !== 'oauth') return appRedirect(ctx, { status: 'error', reason: 'invalid_state' });
  const provider = await oauthProviderFor(ctx, taken.userId, server.id, { codeVerifier: pending.codeVerifier });
  try {
    const result = await runOAuth(provider, {
      serverUrl: server.url,
      authorizationCode: query.code,
      ...(query.iss ? { iss: query.iss } : {}),
      fetchFn: oauthFetch(ctx),
    });
    if (result !== 'AUTHORIZED') throw new Error('the code was not exchanged');
    await listTools(taken.userId, server.id);
  } catch (err) {
    ctx.log.warn({ err: (err as Error)?.message, server: server.id }, 'MCP OAuth sign-in failed');
    logEvent(ctx, 'connection.failed', { userId: taken.userId, provider: 'mcp', reason: 'exchange_failed' });
    return appRedirect(ctx, { status: 'error', reason: 'exchange_failed', server: server.id });
  }
  logEvent(ctx, 'connection.created', { userId: taken.userId, provider: 'mcp' });
  return appRedirect(ctx, { status: 'connected', server: server.id });
}
