// The whole OAuth 2.1 dance an MCP client does with LifeOS, over real HTTP:
// discovery from the 401, dynamic registration, authorization with PKCE and a
// consent answered by the signed-in user, token, a tools call limited to the
// granted scopes, refresh with rotation (and reuse ending the grant), revocation.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { as, registerUser, request } from './helpers/http.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { form, pkce } from './helpers/oauth-client.ts';

const REDIRECT = 'http://127.0.0.1:33418/callback';


async function mcpTools(server: TestServer, token: string): Promise<string[]> {
  const client = new Client({ name: 'oauth-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  try {
    return (await client.listTools()).tools.map((t) => t.name);
  } finally {
    await client.close();
  }
}

describe('OAuth 2.1 for MCP clients', () => {
  let server: TestServer;
  let user: Awaited<ReturnType<typeof registerUser>>;
  let clientId: string;

  before(async () => {
    server = await startTestServer();
    user = await registerUser(server.url);
  });
  after(() => server?.close());

  /** authorize → consent (the user answers in the app) → the redirect with the code. */
  async function authorize(scope: string, approve = true, p = pkce(), state = randomBytes(8).toString('hex')) {
    const url = new URL(`${server.url}/oauth/authorize`);
    for (const [k, v] of Object.entries({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT, scope, state, code_challenge: p.challenge, code_challenge_method: 'S256', resource: `${server.url}/mcp` })) {
      url.searchParams.set(k, v);
    }
    const res = await fetch(url, { redirect: 'manual' });
    assert.equal(res.status, 302);
    const consent = new URL(res.headers.get('location')!, server.url);
    assert.equal(consent.pathname, '/oauth/consent');
    const requestId = consent.searchParams.get('request')!;
    const shown = await as(server.url, user.accessToken).get(`/api/oauth/requests/${requestId}`);
    assert.equal(shown.status, 200);
    assert.equal(shown.body.request.client.name, 'Test Desktop');
    assert.deepEqual(shown.body.request.scopes, scope.split(' '));
    const decided = await as(server.url, user.accessToken).post(`/api/oauth/requests/${requestId}`, { approve });
    assert.equal(decided.status, 200);
    const back = new URL(decided.body.redirectTo);
    assert.equal(`${back.origin}${back.pathname}`, REDIRECT);
    assert.equal(back.searchParams.get('state'), state);
    return { code: back.searchParams.get('code'), error: back.searchParams.get('error'), verifier: p.verifier, requestId };
  }

  it('when a client discovers the server, then the metadata documents say how to get a token', async () => {
    const res = await fetch(`${server.url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const resourceMetadata = /resource_metadata="([^"]+)"/.exec(res.headers.get('www-authenticate') ?? '')![1]!;
    const prm = (await (await fetch(resourceMetadata)).json()) as { authorization_servers: string[] };
    const as_ = (await (await fetch(`${prm.authorization_servers[0]}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    assert.equal(as_.issuer, prm.authorization_servers[0]);
    assert.deepEqual(as_.code_challenge_methods_supported, ['S256']);
    assert.ok(String(as_.registration_endpoint).endsWith('/oauth/register'));
    assert.ok(String(as_.token_endpoint).endsWith('/oauth/token'));
  });

  it('when a client registers, then it gets a public client id; bad redirect URIs are refused', async () => {
    const ok = await request(server.url, 'POST', '/oauth/register', { body: { client_name: 'Test Desktop', redirect_uris: [REDIRECT] } });
    assert.equal(ok.status, 201);
    assert.equal(ok.body.token_endpoint_auth_method, 'none');
    clientId = ok.body.client_id;
    for (const bad of [['javascript:alert(1)'], ['http://evil.example/cb'], [], ['not a url']]) {
      const res = await request(server.url, 'POST', '/oauth/register', { body: { client_name: 'x', redirect_uris: bad } });
      assert.equal(res.status, 400, JSON.stringify(bad));
      assert.equal(typeof res.body.error, 'string');
    }
    const secretClient = await request(server.url, 'POST', '/oauth/register', {
      body: { redirect_uris: [REDIRECT], token_endpoint_auth_method: 'client_secret_basic' },
    });
    assert.equal(secretClient.status, 400);
  });

  it('when the user approves, then the code buys tokens whose tools match the granted scopes; refresh rotates; revoke ends it', async () => {
    const { code, verifier } = await authorize('cal.read mem.read');
    assert.ok(code);

    const wrongVerifier = await form(`${server.url}/oauth/token`, { grant_type: 'authorization_code', code: code!, client_id: clientId, redirect_uri: REDIRECT, code_verifier: pkce().verifier });
    assert.equal(wrongVerifier.status, 400);
    assert.equal(wrongVerifier.body.error, 'invalid_grant');
    // A failed attempt used the code up: PKCE failures must not leave it open to guessing.
    const { code: code2, verifier: verifier2 } = await authorize('cal.read mem.read');
    const token = await form(`${server.url}/oauth/token`, { grant_type: 'authorization_code', code: code2!, client_id: clientId, redirect_uri: REDIRECT, code_verifier: verifier2 });
    assert.equal(token.status, 200, JSON.stringify(token.body));
    assert.equal(token.body.token_type, 'Bearer');
    assert.equal(token.body.scope, 'cal.read mem.read');
    void verifier;

    const tools = await mcpTools(server, String(token.body.access_token));
    assert.ok(tools.includes('cal_list_events') && tools.includes('mem_search_memories'));
    assert.ok(!tools.includes('cal_create_event') && !tools.includes('mem_remember') && !tools.some((t) => t.startsWith('mail_')), tools.join(', '));

    const grants = await as(server.url, user.accessToken).get('/api/oauth/grants');
    assert.equal(grants.body.grants.length, 1);
    assert.equal(grants.body.grants[0].clientName, 'Test Desktop');

    const refreshed = await form(`${server.url}/oauth/token`, { grant_type: 'refresh_token', refresh_token: String(token.body.refresh_token), client_id: clientId });
    assert.equal(refreshed.status, 200);
    assert.notEqual(refreshed.body.refresh_token, token.body.refresh_token);
    assert.ok((await mcpTools(server, String(refreshed.body.access_token))).length > 0);

    const revoked = await form(`${server.url}/oauth/revoke`, { token: String(refreshed.body.refresh_token) });
    assert.equal(revoked.status, 200);
    const after = await fetch(`${server.url}/mcp`, { method: 'POST', headers: { authorization: `Bearer ${refreshed.body.access_token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) });
    assert.equal(after.status, 401);
  });

  it('when a code is used twice, then the second use fails and the grant of the first ends', async () => {
    const { code, verifier } = await authorize('mem.read');
    const first = await form(`${server.url}/oauth/token`, { grant_type: 'authorization_code', code: code!, client_id: clientId, redirect_uri: REDIRECT, code_verifier: verifier });
    assert.equal(first.status, 200);
    const second = await form(`${server.url}/oauth/token`, { grant_type: 'authorization_code', code: code!, client_id: clientId, redirect_uri: REDIRECT, code_verifier: verifier });
    assert.equal(second.status, 400);
    assert.equal(second.body.error, 'invalid_grant');
    const res = await fetch(`${server.url}/mcp`, { method: 'POST', headers: { authorization: `Bearer ${first.body.access_token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) });
    assert.equal(res.status, 401);
  });

  it('when an old refresh token comes back after rotation, then the whole grant ends', async () => {
    const { code, verifier } = await authorize('cal.read');
    const token = await form(`${server.url}/oauth/token`, { grant_type: 'authorization_code', code: code!, client_id: clientId, redirect_uri: REDIRECT, code_verifier: verifier });
    const rotated = await form(`${server.url}/oauth/token`, { grant_type: 'refresh_token', refresh_token: String(token.body.refresh_token), client_id: clientId });
    assert.equal(rotated.status, 200);
    const replay = await form(`${server.url}/oauth/token`, { grant_type: 'refresh_token', refresh_token: String(token.body.refresh_token), client_id: clientId });
    assert.equal(replay.status, 400);
    const useRotated = await form(`${server.url}/oauth/token`, { grant_type: 'refresh_token', refresh_token: String(rotated.body.refresh_token), client_id: clientId });
    assert.equal(useRotated.status, 400, 'the successor died with the grant');
  });

  it('when the user denies, then the client gets access_denied and no code', async () => {
    const { code, error } = await authorize('cal.read', false);
    assert.equal(code, null);
    assert.equal(error, 'access_denied');
  });

  it('when the request is malformed, then unknown clients see a page and known ones get an error redirect', async () => {
    const unknown = await fetch(`${server.url}/oauth/authorize?response_type=code&client_id=nope&redirect_uri=${encodeURIComponent(REDIRECT)}`, { redirect: 'manual' });
    assert.equal(unknown.status, 400);
    const foreignRedirect = await fetch(`${server.url}/oauth/authorize?response_type=code&client_id=${clientId}&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`, { redirect: 'manual' });
    assert.equal(foreignRedirect.status, 400, 'never redirected to an unregistered URI');
    const plain = await fetch(`${server.url}/oauth/authorize?response_type=code&client_id=${clientId}&redirect_uri=${encodeURIComponent(REDIRECT)}&code_challenge=abc&code_challenge_method=plain`, { redirect: 'manual' });
    assert.equal(plain.status, 302);
    assert.equal(new URL(plain.headers.get('location')!).searchParams.get('error'), 'invalid_request');
  });

  it("when a user disconnects a client in the app, then its tokens stop at once; another user's grant is 404", async () => {
    const { code, verifier } = await authorize('cal.read');
    const token = await form(`${server.url}/oauth/token`, { grant_type: 'authorization_code', code: code!, client_id: clientId, redirect_uri: REDIRECT, code_verifier: verifier });
    const { body } = await as(server.url, user.accessToken).get('/api/oauth/grants');
    const other = await registerUser(server.url);
    assert.equal((await as(server.url, other.accessToken).delete(`/api/oauth/grants/${body.grants[0].id}`)).status, 404);
    assert.equal((await as(server.url, user.accessToken).delete(`/api/oauth/grants/${body.grants[0].id}`)).status, 204);
    const res = await fetch(`${server.url}/mcp`, { method: 'POST', headers: { authorization: `Bearer ${token.body.access_token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) });
    assert.equal(res.status, 401);
  });
});
