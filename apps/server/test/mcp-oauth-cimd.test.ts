// MCP clients that identify themselves by the URL of a Client ID Metadata Document
// instead of registering, over real HTTP: a server in this test publishes the documents
// (over https, trusted through a throwaway certificate, for the SDK's own client; over
// http on loopback for the rest), LifeOS fetches and checks them under its host policy.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { auth, Client, StreamableHTTPClientTransport, UnauthorizedError, type OAuthClientProvider } from '@modelcontextprotocol/client';
import { clientKeyFor } from '../src/features/oauth/client-metadata.ts';
import { as, registerUser } from './helpers/http.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { form, pkce } from './helpers/oauth-client.ts';

const REDIRECT = 'http://127.0.0.1:33419/callback';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** The client's web site: documents by path, and how often each was fetched. */
function documentSite() {
  const routes = new Map<string, Handler>();
  const hits = new Map<string, number>();
  const handler: Handler = (req, res) => {
    const path_ = new URL(req.url!, 'http://x').pathname;
    hits.set(path_, (hits.get(path_) ?? 0) + 1);
    const route = routes.get(path_);
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    route(req, res);
  };
  return { routes, hits, handler };
}

const json = (body: unknown, headers: Record<string, string> = {}): Handler => (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', ...headers }).end(typeof body === 'string' ? body : JSON.stringify(body));
};

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return String((server.address() as AddressInfo).port);
}

const close = (s: http.Server | undefined) => new Promise<void>((r) => (s ? (s.closeAllConnections(), s.close(() => r())) : r()));


function authorizeUrl(server: TestServer, clientId: string, p = pkce(), redirectUri = REDIRECT) {
  const url = new URL(`${server.url}/oauth/authorize`);
  for (const [k, v] of Object.entries({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope: 'mem.read mem.write', state: 's1', code_challenge: p.challenge, code_challenge_method: 'S256', resource: `${server.url}/mcp` })) {
    url.searchParams.set(k, v);
  }
  return url;
}

/** An authorization request as a client that reads JSON errors: the status and the OAuth error, or the consent request id. */
async function tryAuthorize(server: TestServer, clientId: string, redirectUri = REDIRECT) {
  const res = await fetch(authorizeUrl(server, clientId, pkce(), redirectUri), { redirect: 'manual', headers: { accept: 'application/json' } });
  if (res.status === 302) return { status: 302, location: res.headers.get('location')!, body: {} as Record<string, string> };
  return { status: res.status, location: null, body: (await res.json()) as Record<string, string> };
}

describe('Client ID Metadata Documents', () => {
  let server: TestServer;
  let user: Awaited<ReturnType<typeof registerUser>>;
  const site = documentSite();
  let plain: http.Server;
  let base: string;

  before(async () => {
    plain = http.createServer(site.handler);
    base = `http://127.0.0.1:${await listen(plain)}`;
    server = await startTestServer();
    user = await registerUser(server.url);
  });
  after(async () => {
    await server?.close();
    await close(plain);
  });

  /** Publishes a document for `path` whose client_id is its own URL, unless `doc` says otherwise. */
  function publish(path_: string, doc: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
    const url = `${base}${path_}`;
    site.routes.set(path_, json({ client_id: url, client_name: 'Doc Client', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none', ...doc }, headers));
    return url;
  }

  it('when a client reads the server metadata, then it says URL client ids are supported', async () => {
    const meta = (await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    assert.equal(meta.client_id_metadata_document_supported, true);
  });

  it('when a client id is a document URL, then authorize, consent (naming the client and its host), token, a tool call and refresh all work', async () => {
    const clientId = publish('/plain/client.json');
    const p = pkce();
    const res = await fetch(authorizeUrl(server, clientId, p), { redirect: 'manual' });
    assert.equal(res.status, 302);
    const requestId = new URL(res.headers.get('location')!, server.url).searchParams.get('request')!;
    const shown = await as(server.url, user.accessToken).get(`/api/oauth/requests/${requestId}`);
    assert.equal(shown.body.request.client.name, 'Doc Client');
    assert.equal(shown.body.request.client.host, new URL(base).host);
    const decided = await as(server.url, user.accessToken).post(`/api/oauth/requests/${requestId}`, { approve: true });
    const code = new URL(decided.body.redirectTo).searchParams.get('code')!;

    const token = await form(`${server.url}/oauth/token`, { grant_type: 'authorization_code', code, client_id: clientId, redirect_uri: REDIRECT, code_verifier: p.verifier });
    assert.equal(token.status, 200, JSON.stringify(token.body));
    assert.equal(token.body.scope, 'mem.read mem.write');

    const mcp = new Client({ name: 'cimd-plain', version: '1.0.0' });
    await mcp.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token.body.access_token}` } } }));
    const remembered = await mcp.callTool({ name: 'mem_remember', arguments: { fact: 'the bike lock code is 2468' } });
    assert.notEqual(remembered.isError, true);
    await mcp.close();

    const otherClient = await form(`${server.url}/oauth/token`, { grant_type: 'refresh_token', refresh_token: String(token.body.refresh_token), client_id: `${base}/plain/other.json` });
    assert.equal(otherClient.status, 400, 'a refresh token is bound to the client it was issued to');
    const refreshed = await form(`${server.url}/oauth/token`, { grant_type: 'refresh_token', refresh_token: String(token.body.refresh_token), client_id: clientId });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.notEqual(refreshed.body.refresh_token, token.body.refresh_token);

    const byStoredId = await tryAuthorize(server, clientKeyFor(clientId));
    assert.equal(byStoredId.body.error, 'invalid_client', 'the cached copy is reached through its URL only');

    const grants = await as(server.url, user.accessToken).get('/api/oauth/grants');
    const grant = grants.body.grants.find((g: { clientHost: string | null }) => g.clientHost === new URL(base).host);
    assert.equal(grant?.clientName, 'Doc Client');
  });

  it('when the document names another client_id, then the request is refused as invalid_client, also as a page', async () => {
    site.routes.set('/mismatch.json', json({ client_id: `${base}/someone-else.json`, client_name: 'Impostor', redirect_uris: [REDIRECT] }));
    const res = await tryAuthorize(server, `${base}/mismatch.json`);
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'invalid_client');
    assert.match(res.body.error_description!, /another client_id/);
    const page = await fetch(authorizeUrl(server, `${base}/mismatch.json`), { redirect: 'manual' });
    assert.equal(page.status, 400);
    assert.match(await page.text(), /This sign-in link does not work[\s\S]*another client_id/);
  });

  it('when the redirect_uri is not one the document lists, then nothing is redirected and the error says so', async () => {
    const clientId = publish('/listed.json');
    const res = await tryAuthorize(server, clientId, 'https://evil.example/callback');
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'invalid_request');
    assert.match(res.body.error_description!, /does not list/);
  });

  it('when the document is too large, not JSON, redirected, missing or asks for a client secret, then each is refused with a reason', async () => {
    const big = { client_id: `${base}/big.json`, client_name: 'x'.repeat(100), redirect_uris: [REDIRECT], padding: 'y'.repeat(70 * 1024) };
    site.routes.set('/big.json', json(big));
    // The same, streamed without a length: the limit holds while reading too.
    site.routes.set('/big-chunked.json', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(JSON.stringify({ ...big, client_id: `${base}/big-chunked.json` }).slice(0, 40_000));
      res.end(JSON.stringify({ ...big, client_id: `${base}/big-chunked.json` }).slice(40_000));
    });
    site.routes.set('/page.json', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>'));
    site.routes.set('/broken.json', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"client_id": '));
    site.routes.set('/moved.json', (_req, res) => res.writeHead(302, { location: `${base}/listed.json` }).end());
    publish('/secret.json', { token_endpoint_auth_method: 'client_secret_basic' });
    publish('/with-secret.json', { client_secret: 'hunter2' });
    publish('/no-redirects.json', { redirect_uris: [] });
    publish('/script-redirect.json', { redirect_uris: ['javascript:alert(1)'] });
    const cases: Array<[string, RegExp]> = [
      ['/big.json', /larger than 64 KB/],
      ['/big-chunked.json', /larger than 64 KB/],
      ['/page.json', /is not JSON \(content-type text\/html\)/],
      ['/broken.json', /not valid JSON/],
      ['/moved.json', /redirect/],
      ['/gone.json', /HTTP 404/],
      ['/secret.json', /token_endpoint_auth_method/],
      ['/with-secret.json', /client_secret/],
      ['/no-redirects.json', /redirect_uris/],
      ['/script-redirect.json', /redirect URI must be https/],
    ];
    for (const [path_, reason] of cases) {
      const res = await tryAuthorize(server, `${base}${path_}`);
      assert.equal(res.status, 400, path_);
      assert.equal(res.body.error, 'invalid_client', path_);
      assert.match(res.body.error_description!, reason, path_);
    }
  });

  it('when the client_id URL itself breaks the rules, then it is refused before anything is fetched', async () => {
    const before_ = [...site.hits.values()].reduce((a, b) => a + b, 0);
    for (const bad of [`${base}/`, `${base}/a/../b.json`, `${base}/doc.json#frag`, `http://user:pw@127.0.0.1:${new URL(base).port}/doc.json`, `${base.toUpperCase()}/doc.json`]) {
      const res = await tryAuthorize(server, bad);
      assert.equal(res.status, 400, bad);
      assert.equal(res.body.error, 'invalid_client', bad);
    }
    assert.equal([...site.hits.values()].reduce((a, b) => a + b, 0), before_);
    const token = await form(`${server.url}/oauth/token`, { grant_type: 'refresh_token', refresh_token: 'x', client_id: `${base}/a/../b.json` });
    assert.equal(token.status, 400);
    assert.equal(token.body.error, 'invalid_client');
  });

  it('when the document host never answers, then the request is refused after a short wait instead of hanging', async () => {
    site.routes.set('/slow.json', () => {
      // Never answers.
    });
    const res = await tryAuthorize(server, `${base}/slow.json`);
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'invalid_client');
    assert.match(res.body.error_description!, /did not answer/);
  });

  it('when the document is cached, then it is fetched again only after its max-age, which is held to at least five minutes', async () => {
    const clientId = publish('/cached.json', {}, { 'cache-control': 'public, max-age=60' });
    assert.equal((await tryAuthorize(server, clientId)).status, 302);
    assert.equal((await tryAuthorize(server, clientId)).status, 302);
    assert.equal(site.hits.get('/cached.json'), 1);
    // The client changes its name; LifeOS sees it once the copy is stale.
    publish('/cached.json', { client_name: 'Renamed Client' }, { 'cache-control': 'max-age=60' });
    try {
      server.clock.now = new Date(Date.now() + 4 * 60_000);
      assert.equal((await tryAuthorize(server, clientId)).status, 302);
      assert.equal(site.hits.get('/cached.json'), 1, 'max-age=60 still counts as five minutes');
      server.clock.now = new Date(Date.now() + 6 * 60_000);
      const res = await tryAuthorize(server, clientId);
      assert.equal(site.hits.get('/cached.json'), 2);
      const requestId = new URL(res.location!, server.url).searchParams.get('request')!;
      const shown = await as(server.url, user.accessToken).get(`/api/oauth/requests/${requestId}`);
      assert.equal(shown.body.request.client.name, 'Renamed Client');
    } finally {
      server.clock.now = null;
    }
  });

  it('when a registered client asks, then the consent request has no publisher host', async () => {
    const registered = await fetch(`${server.url}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_name: 'Registered', redirect_uris: [REDIRECT] }) });
    const { client_id } = (await registered.json()) as { client_id: string };
    const res = await tryAuthorize(server, client_id);
    const requestId = new URL(res.location!, server.url).searchParams.get('request')!;
    const shown = await as(server.url, user.accessToken).get(`/api/oauth/requests/${requestId}`);
    assert.equal(shown.body.request.client.name, 'Registered');
    assert.equal(shown.body.request.client.host, null);
  });
});

describe('Client ID Metadata Documents with the SDK client', () => {
  let dir: string | undefined;
  let cert: string | undefined;
  try {
    dir = mkdtempSync(path.join(tmpdir(), 'lifeos-cimd-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    cert = readFileSync(path.join(dir, 'cert.pem'), 'utf8');
  } catch {
    cert = undefined;
  }
  const skip = cert ? false : 'openssl is needed to make a certificate for the https document server';
  let server: TestServer;
  let user: Awaited<ReturnType<typeof registerUser>>;
  const site = documentSite();
  let secure: https.Server;
  let clientId: string;

  before(async () => {
    if (!cert) return;
    secure = https.createServer({ cert, key: readFileSync(path.join(dir!, 'key.pem'), 'utf8') }, site.handler);
    clientId = `https://127.0.0.1:${await listen(secure)}/mcp-client.json`;
    // The certificate is trusted by this process only (the server under test runs in it).
    tls.setDefaultCACertificates([...tls.getCACertificates('default'), cert]);
    site.routes.set('/mcp-client.json', json({ client_id: clientId, client_name: 'SDK Desktop', redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' }));
    server = await startTestServer();
    user = await registerUser(server.url);
  });
  after(async () => {
    await server?.close();
    await close(secure);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('when the SDK client offers a clientMetadataUrl, then it signs in without registering, calls a tool and refreshes', { skip }, async () => {
    const store: { info?: unknown; tokens?: { access_token: string; refresh_token?: string }; verifier?: string; authUrl?: URL; discovery?: unknown } = {};
    const provider: OAuthClientProvider = {
      clientMetadataUrl: clientId,
      redirectUrl: REDIRECT,
      clientMetadata: { client_name: 'SDK Desktop', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' },
      clientInformation: () => store.info as never,
      saveClientInformation: (info) => void (store.info = info),
      tokens: () => store.tokens as never,
      saveTokens: (tokens) => void (store.tokens = tokens),
      redirectToAuthorization: (url) => void (store.authUrl = url),
      saveCodeVerifier: (v) => void (store.verifier = v),
      codeVerifier: () => store.verifier!,
      saveDiscoveryState: (state) => void (store.discovery = state),
      discoveryState: () => store.discovery as never,
    };
    const mcpUrl = new URL(`${server.url}/mcp`);
    const first = new Client({ name: 'sdk-cimd', version: '1.0.0' });
    await assert.rejects(first.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider })), UnauthorizedError);
    assert.equal(store.authUrl?.searchParams.get('client_id'), clientId, 'the SDK used the URL as its client_id, no registration');

    const res = await fetch(store.authUrl!, { redirect: 'manual' });
    assert.equal(res.status, 302);
    const requestId = new URL(res.headers.get('location')!, server.url).searchParams.get('request')!;
    const shown = await as(server.url, user.accessToken).get(`/api/oauth/requests/${requestId}`);
    assert.equal(shown.body.request.client.name, 'SDK Desktop');
    assert.equal(shown.body.request.client.host, new URL(clientId).host);
    const decided = await as(server.url, user.accessToken).post(`/api/oauth/requests/${requestId}`, { approve: true });
    const transport = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
    await transport.finishAuth(new URL(decided.body.redirectTo).searchParams);
    assert.ok(store.tokens?.access_token);

    const client = new Client({ name: 'sdk-cimd', version: '1.0.0' });
    await client.connect(transport);
    await client.callTool({ name: 'mem_remember', arguments: { fact: 'the garage opens with 1357' } });
    const found = await client.callTool({ name: 'mem_search_memories', arguments: { query: 'garage' } });
    assert.match(JSON.stringify(found.content), /1357/);
    await client.close();

    const before_ = store.tokens!.refresh_token;
    assert.equal(await auth(provider, { serverUrl: mcpUrl }), 'AUTHORIZED');
    assert.notEqual(store.tokens!.refresh_token, before_, 'the SDK refreshed with the URL client_id');
    const again = new Client({ name: 'sdk-cimd', version: '1.0.0' });
    await again.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }));
    assert.ok((await again.listTools()).tools.some((t) => t.name === 'mem_search_memories'));
    await again.close();
  });
});

describe('Client ID Metadata Documents under the production host policy', () => {
  let server: TestServer;
  const site = documentSite();
  let plain: http.Server;
  let port: string;

  before(async () => {
    plain = http.createServer(site.handler);
    port = await listen(plain);
    site.routes.set('/client.json', json({ client_id: `https://127.0.0.1:${port}/client.json`, redirect_uris: [REDIRECT] }));
    server = await startTestServer({ env: { ALLOW_PRIVATE_HOSTS: 'false' } });
  });
  after(async () => {
    await server?.close();
    await close(plain);
  });

  it('when a document URL names a private address or plain http, then it is refused and nothing is fetched', async () => {
    for (const [clientId, reason] of [
      [`https://127.0.0.1:${port}/client.json`, /127\.0\.0\.1 is not a public address/],
      [`https://localhost:${port}/client.json`, /localhost is not a public address/],
      [`https://[::ffff:7f00:1]:${port}/client.json`, /is not a public address/],
      [`http://127.0.0.1:${port}/client.json`, /must use https/],
    ] as const) {
      const res = await tryAuthorize(server, clientId);
      assert.equal(res.status, 400, clientId);
      assert.equal(res.body.error, 'invalid_client', clientId);
      assert.match(res.body.error_description!, reason, clientId);
    }
    assert.equal(site.hits.size, 0);
  });
});
