// LifeOS's OAuth 2.1 authorization server, for MCP clients (Claude Desktop's
// remote connectors and the like): dynamic registration of public clients, or
// a client_id that is the URL of the client's metadata document (fetched, checked, cached),
// authorization code with PKCE (S256 only), consent in the signed-in app,
// rotating refresh tokens, revocation. Tokens are opaque random strings with a
// recognisable prefix; only their SHA-256 is stored.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AppContext } from '../../context.ts';
import { HttpError, notFound } from '../../http/errors.ts';
import type { AuthInfo } from '../../http/auth.ts';
import { toUser } from '../auth/auth.service.ts';
import { hostPolicy } from '../connections/connections.service.ts';
import { safeFetch } from '../../lib/host-policy.ts';
import { SCOPES, type Scope } from '@lifeos/contract';
import * as repo from './oauth.repo.ts';
import { checkMetadataUrl, CIMD_KEY_PREFIX, ClientMetadataError, clientKeyFor, fetchClientMetadata, isMetadataUrl } from './client-metadata.ts';

export const ACCESS_TOKEN_PREFIX = 'lifeos_oat_';
const REFRESH_TOKEN_PREFIX = 'lifeos_ort_';
const CODE_PREFIX = 'lifeos_oac_';
export const ACCESS_TOKEN_TTL_S = 3600;
const REFRESH_TOKEN_TTL_MS = 30 * 86_400_000;
const CONSENT_TTL_MS = 10 * 60_000;
const CODE_TTL_MS = 60_000;
const MAX_REDIRECT_URIS = 10;

/** An error in the OAuth wire format (RFC 6749 §5.2), answered as `{ error, error_description }`. */
export class OAuthProtocolError extends Error {
  override name = 'OAuthProtocolError';
  readonly code: string;
  readonly status: number;
  constructor(code: string, description: string, status = 400) {
    super(description);
    this.code = code;
    this.status = status;
  }
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const secret = (prefix: string) => prefix + randomBytes(32).toString('base64url');

function isLoopback(url: URL) {
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

/** https, http on loopback (RFC 8252 §7.3), or an app's private-use scheme (§7.1); never script or data URLs. */
function checkRedirectUri(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2000) throw new OAuthProtocolError('invalid_redirect_uri', 'redirect_uris must be URLs');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new OAuthProtocolError('invalid_redirect_uri', `${value} is not an absolute URL`);
  }
  if (url.hash) throw new OAuthProtocolError('invalid_redirect_uri', 'a redirect URI must not have a fragment');
  const scheme = url.protocol.slice(0, -1);
  const privateUse = /^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+$/i.test(scheme) || /^[a-z][a-z0-9+-]{2,}$/i.test(scheme);
  if (url.protocol === 'https:' || isLoopback(url)) return value;
  if (['http', 'javascript', 'data', 'file', 'blob', 'vbscript', 'about', 'ftp', 'ws', 'wss'].includes(scheme) || !privateUse) {
    throw new OAuthProtocolError('invalid_redirect_uri', `${value}: use https, http on localhost, or an app's own scheme`);
  }
  return value;
}

export interface RegistrationInput {
  redirect_uris?: unknown;
  client_name?: unknown;
  grant_types?: unknown;
  response_types?: unknown;
  token_endpoint_auth_method?: unknown;
  client_uri?: unknown;
  logo_uri?: unknown;
  scope?: unknown;
}

/** RFC 7591: every client is public (no secret) and must use PKCE. */
export async function registerClient(ctx: AppContext, input: RegistrationInput) {
  if (!Array.isArray(input.redirect_uris) || input.redirect_uris.length === 0 || input.redirect_uris.length > MAX_REDIRECT_URIS) {
    throw new OAuthProtocolError('invalid_redirect_uri', `redirect_uris must list 1 to ${MAX_REDIRECT_URIS} URLs`);
  }
  const redirectUris = input.redirect_uris.map(checkRedirectUri);
  const method = input.token_endpoint_auth_method ?? 'none';
  if (method !== 'none') {
    throw new OAuthProtocolError('invalid_client_metadata', 'only public clients are supported: token_endpoint_auth_method must be "none" (PKCE protects the code)');
  }
  const grantTypes = (input.grant_types as unknown[] | undefined) ?? ['authorization_code', 'refresh_token'];
  if (!Array.isArray(grantTypes) || grantTypes.some((g) => g !== 'authorization_code' && g !== 'refresh_token')) {
    throw new OAuthProtocolError('invalid_client_metadata', 'grant_types may hold authorization_code and refresh_token only');
  }
  const responseTypes = (input.response_types as unknown[] | undefined) ?? ['code'];
  if (!Array.isArray(responseTypes) || responseTypes.some((r) => r !== 'code')) {
    throw new OAuthProtocolError('invalid_client_metadata', 'response_types may hold code only');
  }
  const name = typeof input.client_name === 'string' && input.client_name.trim() ? input.client_name.trim().slice(0, 200) : 'An MCP client';
  const clientUri = typeof input.client_uri === 'string' && /^https:\/\//.test(input.client_uri) ? input.client_uri.slice(0, 500) : undefined;
  const row = await repo.insertClient(ctx.db, {
    id: `lifeos_client_${randomBytes(16).toString('base64url')}`,
    name,
    redirectUris,
    metadata: { grantTypes, ...(clientUri ? { clientUri } : {}) },
  });
  return {
    client_id: row.id,
    client_id_issued_at: Math.floor(row.createdAt.getTime() / 1000),
    client_name: row.name,
    redirect_uris: row.redirectUris,
    grant_types: grantTypes,
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    ...(clientUri ? { client_uri: clientUri } : {}),
  };
}

function parseScopes(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [...SCOPES].filter((s) => s !== 'chat');
  if (typeof value !== 'string') throw new OAuthProtocolError('invalid_scope', 'scope must be a space-separated string');
  const scopes = [...new Set(value.split(/\s+/).filter(Boolean))];
  const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length) throw new OAuthProtocolError('invalid_scope', `unknown scope ${unknown.join(', ')}; supported: ${SCOPES.join(' ')}`);
  return scopes;
}

function redirectMatches(registered: string[], given: string): boolean {
  if (registered.includes(given)) return true;
  // Native apps on loopback get an ephemeral port (RFC 8252 §7.3): the port may differ.
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    return false;
  }
  if (!isLoopback(url)) return false;
  return registered.some((r) => {
    const reg = new URL(r);
    return isLoopback(reg) && reg.hostname === url.hostname && reg.pathname === url.pathname && reg.search === url.search;
  });
}

/**
 * The client a client_id names: a registered one, or the one whose metadata document is at
 * that URL (the cached copy while fresh, else fetched again under the host policy).
 */
async function resolveClient(ctx: AppContext, clientId: string): Promise<repo.ClientRow | undefined> {
  if (!isMetadataUrl(clientId)) {
    const registered = await repo.findClient(ctx.db, clientId);
    // A document's cached copy is reached through its URL only, so the freshness rules hold.
    return registered?.metadataUrl ? undefined : registered;
  }
  const url = checkMetadataUrl(clientId, ctx.config.allowPrivateHosts);
  const id = clientKeyFor(url.href);
  const cached = await repo.findClient(ctx.db, id);
  const now = ctx.now();
  if (cached?.staleAt && cached.staleAt > now) return cached;
  const doc = await fetchClientMetadata(safeFetch(hostPolicy(ctx)), url);
  const row = await repo.upsertMetadataClient(ctx.db, {
    id,
    metadataUrl: url.href,
    name: doc.name,
    redirectUris: doc.redirectUris,
    metadata: { grantTypes: doc.grantTypes, ...(doc.clientUri ? { clientUri: doc.clientUri } : {}) },
    fetchedAt: now,
    staleAt: new Date(now.getTime() + doc.cacheMs),
  });
  ctx.log.info({ event: 'oauth.client_metadata_fetched', clientId: row.id, host: url.host }, 'oauth.client_metadata_fetched');
  return row;
}

/** The host that publishes a client's metadata document: who is asking, in words a user can check. */
const publisherHost = (client: { metadataUrl: string | null }) => (client.metadataUrl ? new URL(client.metadataUrl).host : null);

export interface AuthorizeQuery {
  response_type?: string;
  client_id?: string;
  redirect_uri?: string;
  scope?: string;
  state?: string;
  code_challenge?: string;
  code_challenge_method?: string;
  resource?: string;
}

/**
 * Checks an authorization request. Problems with the client or redirect URI
 * are shown to the user (never redirected to an unchecked URI); the others go
 * back to the client. A valid request is stored for the consent screen.
 */
export async function startAuthorization(
  ctx: AppContext,
  query: AuthorizeQuery,
  resourceUrl: string,
): Promise<{ kind: 'consent'; requestId: string } | { kind: 'redirect'; url: string } | { kind: 'invalid'; error: string; message: string }> {
  let client: repo.ClientRow | undefined;
  try {
    client = query.client_id ? await resolveClient(ctx, String(query.client_id)) : undefined;
  } catch (err) {
    if (err instanceof ClientMetadataError) return { kind: 'invalid', error: 'invalid_client', message: err.message };
    throw err;
  }
  if (!client) return { kind: 'invalid', error: 'invalid_client', message: 'This application is not registered with this LifeOS server.' };
  const redirectUri = query.redirect_uri ?? (client.redirectUris.length === 1 ? client.redirectUris[0] : undefined);
  if (!redirectUri || !redirectMatches(client.redirectUris, String(redirectUri))) {
    return {
      kind: 'invalid',
      error: 'invalid_request',
      message: client.metadataUrl
        ? 'The application asked to return to an address its metadata document does not list.'
        : 'The application asked to return to an address it did not register.',
    };
  }
  const back = (error: string, description: string) => {
    const url = new URL(redirectUri);
    url.searchParams.set('error', error);
    url.searchParams.set('error_description', description);
    if (query.state) url.searchParams.set('state', String(query.state));
    return { kind: 'redirect' as const, url: url.toString() };
  };
  if (query.response_type !== 'code') return back('unsupported_response_type', 'response_type must be code');
  if (!query.code_challenge || query.code_challenge_method !== 'S256') {
    return back('invalid_request', 'PKCE is required: code_challenge with code_challenge_method=S256');
  }
  if (!/^[A-Za-z0-9_-]{43,128}$/.test(String(query.code_challenge))) return back('invalid_request', 'code_challenge is not a base64url SHA-256');
  if (query.resource && String(query.resource).replace(/\/+$/, '') !== resourceUrl) {
    return back('invalid_target', `this server issues tokens for ${resourceUrl} only`);
  }
  let scopes: string[];
  try {
    scopes = parseScopes(query.scope);
  } catch (err) {
    return back('invalid_scope', (err as Error).message);
  }
  const row = await repo.insertAuthorization(ctx.db, {
    clientId: client.id,
    redirectUri,
    scopes,
    state: query.state ? String(query.state).slice(0, 1000) : null,
    codeChallenge: String(query.code_challenge),
    resource: query.resource ? String(query.resource) : null,
    expiresAt: new Date(ctx.now().getTime() + CONSENT_TTL_MS),
  });
  return { kind: 'consent', requestId: row.id };
}

async function loadPending(ctx: AppContext, id: string) {
  const request = /^[0-9a-f-]{36}$/i.test(id) ? await repo.findAuthorization(ctx.db, id) : undefined;
  if (!request || request.status !== 'pending' || request.expiresAt <= ctx.now()) throw notFound('Authorization request');
  const client = await repo.findClient(ctx.db, request.clientId);
  if (!client) throw notFound('Authorization request');
  return { request, client };
}

/** What the consent screen shows: who asks, for what, and where the answer goes. */
export async function describeRequest(ctx: AppContext, _auth: AuthInfo, id: string) {
  const { request, client } = await loadPending(ctx, id);
  return {
    request: {
      id: request.id,
      client: {
        name: client.name,
        redirectHost: new URL(request.redirectUri).host || new URL(request.redirectUri).protocol,
        host: publisherHost(client),
      },
      scopes: request.scopes,
      expiresAt: request.expiresAt.toISOString(),
    },
  };
}

/** The signed-in user approves or denies; the answer is a URL to send the browser to. */
export async function decide(ctx: AppContext, auth: AuthInfo, id: string, approve: boolean, issuer: string): Promise<{ redirectTo: string }> {
  const { request } = await loadPending(ctx, id);
  const url = new URL(request.redirectUri);
  if (request.state) url.searchParams.set('state', request.state);
  const now = ctx.now();
  if (!approve) {
    if (!(await repo.decideAuthorization(ctx.db, id, now, { userId: auth.userId, status: 'denied' }))) throw notFound('Authorization request');
    url.searchParams.set('error', 'access_denied');
    url.searchParams.set('error_description', 'The user declined.');
    return { redirectTo: url.toString() };
  }
  const code = secret(CODE_PREFIX);
  const ok = await repo.decideAuthorization(ctx.db, id, now, {
    userId: auth.userId,
    status: 'approved',
    codeHash: sha256(code),
    expiresAt: new Date(now.getTime() + CODE_TTL_MS),
  });
  if (!ok) throw new HttpError(409, 'conflict', 'This request was answered already');
  url.searchParams.set('code', code);
  url.searchParams.set('iss', issuer);
  return { redirectTo: url.toString() };
}

async function issueTokens(ctx: AppContext, grant: repo.GrantRow) {
  const access = secret(ACCESS_TOKEN_PREFIX);
  const refresh = secret(REFRESH_TOKEN_PREFIX);
  const now = ctx.now().getTime();
  await repo.insertToken(ctx.db, { grantId: grant.id, kind: 'access', tokenHash: sha256(access), expiresAt: new Date(now + ACCESS_TOKEN_TTL_S * 1000) });
  await repo.insertToken(ctx.db, { grantId: grant.id, kind: 'refresh', tokenHash: sha256(refresh), expiresAt: new Date(now + REFRESH_TOKEN_TTL_MS) });
  return { access_token: access, token_type: 'Bearer', expires_in: ACCESS_TOKEN_TTL_S, refresh_token: refresh, scope: grant.scopes.join(' ') };
}

function verifierMatches(verifier: string, challenge: string): boolean {
  if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return false;
  const computed = Buffer.from(createHash('sha256').update(verifier).digest('base64url'));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}

export interface TokenRequest {
  grant_type?: string;
  code?: string;
  redirect_uri?: string;
  client_id?: string;
  code_verifier?: string;
  refresh_token?: string;
  resource?: string;
}

/** The clients-table id of a client_id at the token endpoint; a URL that breaks the rules is invalid_client. */
function tokenClientKey(ctx: AppContext, clientId: string): string {
  if (!isMetadataUrl(clientId)) {
    if (clientId.startsWith(CIMD_KEY_PREFIX)) throw new OAuthProtocolError('invalid_client', 'this client is known by its metadata document URL; send that as client_id');
    return clientId;
  }
  try {
    return clientKeyFor(checkMetadataUrl(clientId, ctx.config.allowPrivateHosts).href);
  } catch (err) {
    if (err instanceof ClientMetadataError) throw new OAuthProtocolError('invalid_client', err.message);
    throw err;
  }
}

/** The token endpoint: authorization_code (with PKCE) and refresh_token (rotating). */
export async function exchange(ctx: AppContext, body: TokenRequest) {
  const now = ctx.now();
  // The code and the refresh token are bound to the client; its document is not fetched again here.
  const clientId = body.client_id === undefined ? undefined : tokenClientKey(ctx, String(body.client_id));
  if (body.grant_type === 'authorization_code') {
    if (!body.code || !body.client_id || !body.code_verifier) {
      throw new OAuthProtocolError('invalid_request', 'code, client_id and code_verifier are required');
    }
    const { redeemed, replayed } = await repo.redeemCode(ctx.db, sha256(String(body.code)), now);
    if (!redeemed) {
      // A code used twice: whatever it granted is ended (OAuth 2.1 §4.1.3).
      if (replayed?.status === 'used' && replayed.grantId) await repo.revokeGrant(ctx.db, replayed.grantId);
      throw new OAuthProtocolError('invalid_grant', 'the code is invalid, expired or used');
    }
    if (redeemed.clientId !== clientId) throw new OAuthProtocolError('invalid_grant', 'the code was issued to another client');
    if (body.redirect_uri !== undefined && body.redirect_uri !== redeemed.redirectUri) {
      throw new OAuthProtocolError('invalid_grant', 'redirect_uri differs from the authorization request');
    }
    if (!verifierMatches(String(body.code_verifier), redeemed.codeChallenge)) throw new OAuthProtocolError('invalid_grant', 'code_verifier does not match');
    const grant = await repo.insertGrant(ctx.db, { userId: redeemed.userId!, clientId: redeemed.clientId, scopes: redeemed.scopes });
    await repo.setAuthorizationGrant(ctx.db, redeemed.id, grant.id);
    ctx.log.info({ event: 'oauth.granted', userId: grant.userId, clientId: grant.clientId, scopes: grant.scopes }, 'oauth.granted');
    return issueTokens(ctx, grant);
  }
  if (body.grant_type === 'refresh_token') {
    if (!body.refresh_token) throw new OAuthProtocolError('invalid_request', 'refresh_token is required');
    const found = await repo.findLiveToken(ctx.db, sha256(String(body.refresh_token)), 'refresh', now);
    if (!found) throw new OAuthProtocolError('invalid_grant', 'the refresh token is invalid, expired or revoked');
    if (clientId && clientId !== found.grant.clientId) throw new OAuthProtocolError('invalid_grant', 'the token was issued to another client');
    if (found.token.usedAt || !(await repo.useRefreshToken(ctx.db, found.token.id, now))) {
      // Rotation: an old refresh token coming back means it leaked; the grant ends.
      await repo.revokeGrant(ctx.db, found.grant.id);
      ctx.log.warn({ event: 'oauth.refresh_reuse', userId: found.grant.userId, clientId: found.grant.clientId }, 'oauth.refresh_reuse');
      throw new OAuthProtocolError('invalid_grant', 'the refresh token was used already; sign in again');
    }
    return issueTokens(ctx, found.grant);
  }
  throw new OAuthProtocolError('unsupported_grant_type', 'grant_type must be authorization_code or refresh_token');
}

/** RFC 7009: revoking either token of a grant ends the grant; unknown tokens are fine. */
export async function revokeToken(ctx: AppContext, token: string | undefined): Promise<void> {
  if (!token) throw new OAuthProtocolError('invalid_request', 'token is required');
  const hash = sha256(token);
  const now = ctx.now();
  const found = (await repo.findLiveToken(ctx.db, hash, 'refresh', now)) ?? (await repo.findLiveToken(ctx.db, hash, 'access', now));
  if (found) await repo.revokeGrant(ctx.db, found.grant.id);
}

/** An OAuth access token presented at /mcp: the user, with the grant's scopes and the client's name. */
export async function authenticateOAuthAccessToken(ctx: AppContext, token: string): Promise<(AuthInfo & { tokenName: string }) | undefined> {
  if (!token.startsWith(ACCESS_TOKEN_PREFIX)) return undefined;
  const now = ctx.now();
  const found = await repo.findLiveToken(ctx.db, sha256(token), 'access', now);
  if (!found) return undefined;
  const user = found.user;
  await repo.touchGrant(ctx.db, found.grant.id, now);
  return {
    userId: user.id,
    user: toUser(user),
    kind: 'token',
    sessionId: `oauth:${found.grant.id}`,
    scopes: found.grant.scopes.filter((s): s is Scope => (SCOPES as readonly string[]).includes(s)),
    expiresAt: found.token.expiresAt,
    tokenName: found.clientName,
  };
}

export async function listGrants(ctx: AppContext, auth: AuthInfo) {
  const rows = await repo.listGrants(ctx.db, auth.userId);
  return {
    grants: rows.map(({ grant, clientName, metadataUrl }) => ({
      id: grant.id,
      clientName,
      clientHost: publisherHost({ metadataUrl }),
      scopes: grant.scopes,
      createdAt: grant.createdAt.toISOString(),
      lastUsedAt: grant.lastUsedAt?.toISOString() ?? null,
    })),
  };
}

export async function revokeGrantOf(ctx: AppContext, auth: AuthInfo, id: string): Promise<void> {
  if (!/^[0-9a-f-]{36}$/i.test(id) || !(await repo.revokeGrant(ctx.db, id, auth.userId))) throw notFound('Authorization');
}
