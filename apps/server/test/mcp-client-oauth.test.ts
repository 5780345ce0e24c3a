// An MCP server that signs in with OAuth, added to LifeOS over real HTTP. The
// external server is LifeOS itself (its /mcp is an OAuth-protected MCP server
// with its own authorization server), used by another user: Alice adds it,
// LifeOS discovers the sign-in from the 401, registers itself and prepares
// PKCE; the browser goes through LifeOS's launch to the authorization server,
// Bob (the external side's user) consents, the callback stores the tokens, the
// tools are listed and called, an expired token is refreshed, and a callback
// finished in another user's browser is refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { as, registerUser, request } from './helpers/http.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from './helpers/scripted-llm-server.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

type User = Awaited<ReturnType<typeof registerUser>>;

/** A browser's cookie jar of one cookie: what `/auth/mcp/start` set. */
function cookieOf(res: Response): string | undefined {
  const header = res.headers.get('set-cookie') ?? '';
  return /(?:__Secure-)?lifeos_mcp_consent=[^;]+/.exec(header)?.[0];
}

describe('MCP servers that sign in with OAuth (PKCE)', () => {
  let server: TestServer;
  let llm: ScriptedLlmServer;
  let alice: User;
  let bob: User;

  before(async () => {
    llm = await startScriptedLlmServer();
    try {
      server = await startTestServer({ env: { LLM_BASE_URL: llm.baseUrl, LLM_MODEL: 'scripted-model', LLM_API_KEY: 'sk-scripted' } });
    } catch (err) {
      await llm.close();
      throw err;
    }
    alice = await registerUser(server.url);
    bob = await registerUser(server.url);
  });
  after(async () => {
    await server?.close();
    await llm?.close();
  });

  /**
   * The browser opens the launch URL (gets the binding cookie), follows it to the authorization
   * server, and `consenter` approves there; returns the browser's cookie and the callback URL.
   */
  async function consent(launchUrl: string, consenter: User) {
    const launched = await fetch(launchUrl, { redirect: 'manual' });
    assert.equal(launched.status, 302);
    const cookie = cookieOf(launched);
    assert.ok(cookie, 'the launch binds the browser');
    const authorize = new URL(launched.headers.get('location')!);
    assert.equal(authorize.pathname, '/oauth/authorize');
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(authorize.searchParams.get('code_challenge'));
    const atServer = await fetch(authorize, { redirect: 'manual' });
    assert.equal(atServer.status, 302);
    const consentPage = new URL(atServer.headers.get('location')!, server.url);
    const requestId = consentPage.searchParams.get('request')!;
    const shown = await as(server.url, consenter.accessToken).get(`/api/oauth/requests/${requestId}`);
    assert.equal(shown.status, 200, JSON.stringify(shown.body));
    assert.equal(shown.body.request.client.name, 'LifeOS');
    const decided = await as(server.url, consenter.accessToken).post(`/api/oauth/requests/${requestId}`, { approve: true });
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    const callback = new URL(decided.body.redirectTo);
    assert.equal(callback.pathname, '/auth/mcp/callback');
    return { cookie, callback: callback.toString() };
  }

  async function finish(callback: string, cookie: string | undefined) {
    const res = await fetch(callback, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    assert.equal(res.status, 302);
    return new URL(res.headers.get('location')!, server.url);
  }

  async function ask(user: User, tool: string, args: unknown) {
    llm.requests.length = 0;
    llm.setScript([{ type: 'tool', calls: [{ name: tool, args }] }, { type: 'text', text: 'Here is what I found.' }]);
    const asked = await as(server.url, user.accessToken).post('/api/messages', { content: 'what is my locker code?' });
    assert.equal(asked.status, 201, JSON.stringify(asked.body));
    const toolMessage = llm.chatRequests()[1]?.messages.find((m) => m.role === 'tool');
    return String(toolMessage?.content ?? '');
  }

  it('when a server asks for OAuth, then adding it, signing in and consenting lists its tools, the assistant calls them, and an expired token is refreshed', async () => {
    await as(server.url, bob.accessToken).post('/api/memories', { content: 'the locker code is 4711' });
    const api = as(server.url, alice.accessToken);

    const added = await api.post('/api/mcp/servers', { name: 'Bob LifeOS', url: `${server.url}/mcp` });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    assert.deepEqual(added.body.server.oauth, { signedIn: false });
    assert.equal(added.body.server.status, 'error');
    assert.deepEqual(added.body.server.tools, []);
    assert.ok(added.body.signInUrl.startsWith(`${server.url}/auth/mcp/start?state=`), added.body.signInUrl);
    const id = added.body.server.id as string;
    assert.equal(JSON.stringify(added.body).includes('code_verifier'), false);

    const { cookie, callback } = await consent(added.body.signInUrl, bob);
    const back = await finish(callback, cookie);
    assert.equal(back.pathname, '/settings/connections');
    assert.equal(back.searchParams.get('status'), 'connected', back.toString());
    assert.equal(back.searchParams.get('server'), id);

    // A replayed callback finds its state used up.
    const replay = await finish(callback, cookie);
    assert.equal(replay.searchParams.get('reason'), 'invalid_state');

    const listed = (await api.get('/api/mcp/servers')).body.servers[0];
    assert.deepEqual(listed.oauth, { signedIn: true });
    assert.equal(listed.status, 'ok');
    const search = listed.tools.find((t: { name: string }) => t.name === 'mem_search_memories');
    assert.ok(search, listed.tools.map((t: { name: string }) => t.name).join(', '));
    assert.equal(search.exposedName, 'bob_lifeos__mem_search_memories');

    // The assistant calls a tool on Bob's side, as Bob's grant.
    assert.match(await ask(alice, 'bob_lifeos__mem_search_memories', { query: 'locker code' }), /4711/);

    // Two hours on, the access token (1 hour) has expired: the SDK refreshes it on the 401.
    server.clock.now = new Date(Date.now() + 2 * 3600_000);
    const relogin = await request(server.url, 'POST', '/api/auth/login', { body: { email: alice.user.email, password: alice.password, deviceName: 'later' } });
    alice = { ...alice, accessToken: relogin.body.accessToken };
    assert.match(await ask(alice, 'bob_lifeos__mem_search_memories', { query: 'locker code' }), /4711/);
    const refreshed = await as(server.url, alice.accessToken).post(`/api/mcp/servers/${id}/refresh`, {});
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.deepEqual(refreshed.body.server.oauth, { signedIn: true });
    server.clock.now = null;
  });

  it("when a sign-in's callback reaches another user's browser, then it is refused and nothing is linked", async () => {
    const relogin = await request(server.url, 'POST', '/api/auth/login', { body: { email: alice.user.email, password: alice.password, deviceName: 'again' } });
    alice = { ...alice, accessToken: relogin.body.accessToken };
    // Bob starts a sign-in of his own and lures Alice's browser into finishing it.
    const bobs = await as(server.url, bob.accessToken).post('/api/mcp/servers', { name: 'Alice LifeOS', url: `${server.url}/mcp` });
    assert.equal(bobs.status, 201, JSON.stringify(bobs.body));
    const bobsFlow = await consent(bobs.body.signInUrl, alice);
    // Alice's browser holds a cookie of its own sign-in, not of Bob's.
    const alices = await as(server.url, alice.accessToken).post('/api/mcp/servers', { name: 'Other', url: `${server.url}/mcp` });
    const alicesLaunch = await fetch(alices.body.signInUrl, { redirect: 'manual' });
    const aliceCookie = cookieOf(alicesLaunch);

    const refused = await finish(bobsFlow.callback, aliceCookie);
    assert.equal(refused.searchParams.get('status'), 'error');
    assert.equal(refused.searchParams.get('reason'), 'browser_mismatch');
    // Used up: Bob's own browser cannot finish it afterwards either.
    const late = await finish(bobsFlow.callback, bobsFlow.cookie);
    assert.equal(late.searchParams.get('reason'), 'invalid_state');
    const bobsServers = (await as(server.url, bob.accessToken).get('/api/mcp/servers')).body.servers;
    assert.deepEqual(bobsServers.map((s: { oauth: unknown }) => s.oauth), [{ signedIn: false }]);
    assert.ok((await as(server.url, alice.accessToken).get('/api/mcp/servers')).body.servers.every((s: { name: string; oauth: { signedIn: boolean } }) => s.name !== 'Other' || !s.oauth.signedIn));

    // Bob signs in again later from his own browser: a fresh state works.
    const again = await as(server.url, bob.accessToken).post(`/api/mcp/servers/${bobs.body.server.id}/sign-in`, {});
    assert.equal(again.status, 200, JSON.stringify(again.body));
    const flow = await consent(again.body.url, alice);
    assert.equal((await finish(flow.callback, flow.cookie)).searchParams.get('status'), 'connected');
  });

  it("when another user asks to sign in to someone's server, then it is not found", async () => {
    const alices = (await as(server.url, alice.accessToken).get('/api/mcp/servers')).body.servers[0];
    const res = await as(server.url, bob.accessToken).post(`/api/mcp/servers/${alices.id}/sign-in`, {});
    assert.equal(res.status, 404);
  });
});
