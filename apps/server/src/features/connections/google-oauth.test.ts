import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startOAuthServer, type OAuthTestServer } from '../../../test/helpers/oauth-server.ts';
import {
  buildConsentUrl,
  createPkce,
  createState,
  exchangeCode,
  GoogleTokenManager,
  OAuthGrantRevokedError,
  OAuthTokenError,
  REVOKED_MESSAGE,
  type GoogleOAuthConfig,
  type GoogleTokens,
  type TokenStore,
} from './google-oauth.ts';

let oauth: OAuthTestServer;
let cfg: GoogleOAuthConfig;

before(async () => {
  oauth = await startOAuthServer();
  cfg = {
    clientId: 'lifeos-test',
    clientSecret: 'test-secret',
    redirectUri: 'http://127.0.0.1:9/auth/google/callback',
    authUrl: oauth.authUrl,
    tokenUrl: oauth.tokenUrl,
    scopes: ['https://www.googleapis.com/auth/gmail.modify'],
  };
});
after(() => oauth?.stop());

/** Follows the consent URL like a browser whose user clicks "Allow": returns the callback's query. */
async function consent(url: string): Promise<URLSearchParams> {
  const res = await fetch(url, { redirect: 'manual' });
  assert.equal(res.status, 302);
  const location = new URL(res.headers.get('location')!);
  assert.equal(`${location.origin}${location.pathname}`, cfg.redirectUri);
  return location.searchParams;
}

function memoryStore(initial: Record<string, GoogleTokens>) {
  const tokens = new Map(Object.entries(initial));
  const errors = new Map<string, string>();
  const store: TokenStore = {
    load: async (id) => {
      await new Promise((r) => setTimeout(r, 2)); // a database round trip
      return tokens.get(id) ?? null;
    },
    save: async (id, t) => void tokens.set(id, t),
    markError: async (id, m) => void errors.set(id, m),
  };
  return { store, tokens, errors };
}

async function connect(): Promise<GoogleTokens> {
  const pkce = createPkce();
  const state = createState();
  const params = await consent(buildConsentUrl(cfg, { state, codeChallenge: pkce.challenge }));
  assert.equal(params.get('state'), state);
  return exchangeCode(cfg, params.get('code')!, pkce.verifier);
}

test('when the user consents, then the code is exchanged with the PKCE verifier for tokens', async () => {
  const pkce = createPkce();
  const url = new URL(buildConsentUrl(cfg, { state: 'abc', codeChallenge: pkce.challenge }));
  assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
  assert.equal(url.searchParams.get('access_type'), 'offline');
  const params = await consent(url.toString());
  const before = oauth.tokenRequests.length;
  const tokens = await exchangeCode(cfg, params.get('code')!, pkce.verifier);
  assert.equal(oauth.tokenRequests[before]!.codeVerifier, pkce.verifier);
  assert.ok(await oauth.verifyAccessToken(tokens.accessToken));
  assert.ok(tokens.refreshToken.length > 0);
  assert.ok(Date.parse(tokens.expiresAt) > Date.now() + 3000_000);
});

test('when the verifier does not match the challenge, then the exchange fails', async () => {
  const pkce = createPkce();
  const params = await consent(buildConsentUrl(cfg, { state: 's', codeChallenge: pkce.challenge }));
  await assert.rejects(exchangeCode(cfg, params.get('code')!, createPkce().verifier), OAuthTokenError);
});

test('when ten callers need a token at once after expiry, then exactly one refresh request is made', async () => {
  const tokens = await connect();
  const { store, tokens: saved } = memoryStore({ c1: { ...tokens, expiresAt: new Date(Date.now() - 1000).toISOString() } });
  const manager = new GoogleTokenManager(cfg, store);
  const before = oauth.tokenRequests.length;
  const results = await Promise.all(Array.from({ length: 10 }, () => manager.getAccessToken('c1')));
  const refreshes = oauth.tokenRequests.slice(before).filter((r) => r.grantType === 'refresh_token');
  assert.equal(refreshes.length, 1);
  assert.equal(new Set(results).size, 1);
  assert.notEqual(results[0], tokens.accessToken);
  assert.ok(await oauth.verifyAccessToken(results[0]!));
  assert.equal(saved.get('c1')!.accessToken, results[0]);
  assert.equal(saved.get('c1')!.refreshToken, tokens.refreshToken);
  // A fresh token is served from the store without asking again.
  await Promise.all(Array.from({ length: 10 }, () => manager.getAccessToken('c1')));
  assert.equal(oauth.tokenRequests.length - before, 1);
});

test('when the token is about to expire, then it is refreshed before it does', async () => {
  const tokens = await connect();
  const { store } = memoryStore({ c2: { ...tokens, expiresAt: new Date(Date.now() + 60_000).toISOString() } });
  const manager = new GoogleTokenManager(cfg, store, { skewMs: 120_000 });
  const before = oauth.tokenRequests.length;
  const t = await manager.getAccessToken('c2');
  assert.notEqual(t, tokens.accessToken);
  assert.equal(oauth.tokenRequests.length - before, 1);
});

test('when the grant was revoked, then the connection is marked error with a clear message', async () => {
  const tokens = await connect();
  oauth.revoke(tokens.refreshToken);
  const { store, errors } = memoryStore({ c3: { ...tokens, expiresAt: new Date(0).toISOString() } });
  const manager = new GoogleTokenManager(cfg, store);
  const before = oauth.tokenRequests.length;
  const results = await Promise.allSettled(Array.from({ length: 5 }, () => manager.getAccessToken('c3')));
  assert.ok(results.every((r) => r.status === 'rejected' && r.reason instanceof OAuthGrantRevokedError));
  assert.equal(oauth.tokenRequests.length - before, 1);
  assert.equal(oauth.tokenRequests.at(-1)!.status, 400);
  assert.equal(errors.get('c3'), REVOKED_MESSAGE);
});
