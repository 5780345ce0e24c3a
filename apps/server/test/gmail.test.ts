// Connecting Gmail over HTTP: Google's OAuth played by oauth2-mock-server, the
// Gmail REST API by a local server with Gmail's request and response shapes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { as, registerUser } from './helpers/http.ts';
import { startOAuthServer, type OAuthTestServer } from './helpers/oauth-server.ts';
import { startFakeGmail, type FakeGmail } from './helpers/fake-gmail.ts';
import { testBrowser } from './helpers/browser.ts';
import { buildMail } from './helpers/mail-fixtures.ts';
import { readConnectionSecret, updateConnectionSecret } from '../src/features/connections/connections.repo.ts';
import { REVOKED_MESSAGE, type GoogleTokens } from '../src/features/connections/google-oauth.ts';

const REDIRECT_URI = 'http://lifeos.test/auth/google/callback';
const APP_URL = 'http://app.test';

let oauth: OAuthTestServer;
let gmail: FakeGmail;
let server: TestServer;

type Client = ReturnType<typeof as>;

async function newUser(): Promise<{ client: Client; id: string; email: string }> {
  const r = await registerUser(server.url);
  return { client: as(server.url, r.accessToken), id: r.user.id, email: r.user.email };
}

/** The browser part: open the URL (our start page, then the mock, which consents at once) and land on our callback. */
async function consentAndCallback(url: string, browser = newBrowser()): Promise<{ location: string; query: string; consent: URL }> {
  const location = await browser.navigate(url, APP_URL);
  const [launch, consent, back] = browser.history.slice(-3) as [URL, URL, URL];
  assert.equal(launch.href, url);
  assert.equal(`${consent.origin}${consent.pathname}`, oauth.authUrl);
  assert.equal(`${back.origin}${back.pathname}`, REDIRECT_URI);
  return { location, query: back.search, consent };
}

const newBrowser = () => testBrowser({ 'lifeos.test': server.url });

async function ask(client: Client, text: string) {
  const res = await client.post('/api/messages', { content: `@mail ${text}` });
  assert.equal(res.status, 201);
  return res.body.reply as { content: string; metadata: Record<string, any> | null };
}

before(async () => {
  oauth = await startOAuthServer();
  gmail = await startFakeGmail({ account: 'alice@gmail.example', verifyToken: (t) => oauth.verifyAccessToken(t) });
  server = await startTestServer({
    env: {
      GOOGLE_CLIENT_ID: 'lifeos-test-client',
      GOOGLE_CLIENT_SECRET: 'lifeos-test-secret',
      GOOGLE_REDIRECT_URI: REDIRECT_URI,
      GOOGLE_AUTH_URL: oauth.authUrl,
      GOOGLE_TOKEN_URL: oauth.tokenUrl,
      GOOGLE_REVOKE_URL: oauth.revokeUrl,
      GMAIL_API_URL: gmail.rootUrl,
      APP_URL,
    },
  });
  const now = Date.now();
  await gmail.insert(
    await buildMail({ from: 'Bank <statements@bank.example>', to: 'alice@gmail.example', subject: 'Your statement for November', text: 'Your statement is ready.' }),
    { labelIds: ['INBOX'], internalDate: new Date(now - 3 * 86_400_000) },
  );
  await gmail.insert(
    await buildMail({
      from: 'Anna Berg <anna@example.net>',
      to: 'alice@gmail.example',
      subject: 'Lease renewal',
      messageId: '<lease-2@example.net>',
      references: ['<lease-1@gmail.example>'],
      html: '<p>Could you sign the lease by <b>Friday</b>?</p>',
    }),
    { internalDate: new Date(now - 3_600_000), threadId: 'thread-lease' },
  );
});

after(async () => {
  await server?.close();
  await gmail?.stop();
  await oauth?.stop();
});

test('when a user connects Gmail, then the consent uses PKCE and a state, and the callback stores the tokens', async () => {
  const alice = await newUser();
  const start = await alice.client.get('/api/connections/google/start');
  assert.equal(start.status, 200);
  // The app opens our start page next to the callback, which binds the browser and goes on to Google.
  assert.equal(new URL(start.body.url).origin + new URL(start.body.url).pathname, 'http://lifeos.test/auth/google/start');

  const before = oauth.tokenRequests.length;
  const browser = newBrowser();
  const { location, query, consent: url } = await consentAndCallback(start.body.url, browser);
  assert.equal(url.searchParams.get('client_id'), 'lifeos-test-client');
  assert.equal(url.searchParams.get('redirect_uri'), REDIRECT_URI);
  assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
  assert.match(url.searchParams.get('code_challenge')!, /^[A-Za-z0-9_-]{43}$/);
  assert.match(url.searchParams.get('state')!, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(url.searchParams.get('access_type'), 'offline');
  assert.match(url.searchParams.get('scope')!, /gmail\.modify/);
  assert.equal(url.searchParams.get('login_hint'), alice.email);
  assert.equal(location, `${APP_URL}/settings/connections?provider=google&status=connected`);
  const exchange = oauth.tokenRequests[before]!;
  assert.equal(exchange.grantType, 'authorization_code');
  assert.ok(exchange.codeVerifier && exchange.codeVerifier.length >= 43, 'the PKCE verifier was sent (and checked by the OAuth server)');

  const list = await alice.client.get('/api/connections');
  assert.equal(list.body.connections.length, 1);
  const c = list.body.connections[0];
  assert.deepEqual({ provider: c.provider, account: c.account, status: c.status }, { provider: 'google', account: 'alice@gmail.example', status: 'ok' });
  assert.doesNotMatch(JSON.stringify(list.body), /eyJ|refresh/i);
  const secret = await readConnectionSecret<GoogleTokens>(server.ctx.db, server.ctx.secrets, alice.id, c.id);
  assert.ok(secret && (await oauth.verifyAccessToken(secret.accessToken)));

  // The same callback again: the state was used up.
  const replay = await fetch(`${server.url}/auth/google/callback${query}`, { redirect: 'manual' });
  assert.equal(replay.headers.get('location'), `${APP_URL}/settings/connections?provider=google&status=error&reason=invalid_state`);
  assert.equal((await alice.client.get('/api/connections')).body.connections.length, 1);

  // Then @mail works through the Gmail API.
  const agents = await alice.client.get('/api/agents');
  assert.equal(agents.body.agents.find((a: { name: string }) => a.name === '@mail').status, 'ready');
  const news = await ask(alice.client, 'anything new?');
  assert.match(news.content, /^1 mail \(unread\), newest first:\n1\. Anna Berg — Lease renewal · (?:today|yesterday) \d\d:\d\d\n {3}Could you sign the lease by Friday\?/);
  const read = await ask(alice.client, 'read 1');
  assert.match(read.content, /Subject: Lease renewal\n\nCould you sign the lease by Friday\?$/);
  const bank = await ask(alice.client, 'from:bank subject:statement');
  assert.match(bank.content, /1\. Bank — Your statement for November/);
  assert.ok(gmail.requests.some((r) => r.url.includes('q=from%3Abank') && !r.url.includes('labelIds')));

  // Reply, confirm: Gmail receives it in the thread with the threading headers.
  await ask(alice.client, 'anything new?');
  const draft = await ask(alice.client, 'reply to 1: yes, Friday works');
  assert.match(draft.content, /^Reply — draft, not sent yet:\nFrom: alice@gmail\.example\nTo: Anna Berg <anna@example\.net>\nCc: \(none\)\nSubject: Re: Lease renewal/);
  const sentBefore = gmail.messages.filter((m) => m.labelIds.has('SENT')).length;
  assert.equal(sentBefore, 0);
  const confirmed = await alice.client.post(`/api/actions/${draft.metadata?.pendingAction.id}/confirm`);
  assert.equal(confirmed.status, 200);
  assert.match(confirmed.body.reply.content, /^Reply sent to anna@example\.net — "Re: Lease renewal"\.\nMessage-ID: <.+@gmail\.example>$/);
  const sent = gmail.messages.find((m) => m.labelIds.has('SENT'))!;
  assert.equal(sent.threadId, 'thread-lease');
  assert.equal(sent.parsed.inReplyTo, '<lease-2@example.net>');
  assert.deepEqual(sent.parsed.references, ['<lease-1@gmail.example>', '<lease-2@example.net>']);
  assert.equal(sent.parsed.messageId, confirmed.body.reply.metadata.mail.messageId);

  // Housekeeping uses Gmail labels.
  await ask(alice.client, 'anything new?');
  assert.match((await ask(alice.client, 'mark 1 as read')).content, /^Marked mail 1/);
  assert.equal(gmail.messages.find((m) => m.parsed.subject === 'Lease renewal')!.labelIds.has('UNREAD'), false);
});

test('when the state belongs to another user or is forged, then tokens go only to the user who started', async () => {
  const bob = await newUser();
  const carol = await newUser();
  const start = await bob.client.get('/api/connections/google/start');
  await consentAndCallback(start.body.url);
  assert.equal((await bob.client.get('/api/connections')).body.connections.length, 1);
  assert.deepEqual((await carol.client.get('/api/connections')).body, { connections: [] });
  const bobsConnection = (await bob.client.get('/api/connections')).body.connections[0].id;
  assert.equal((await carol.client.delete(`/api/connections/${bobsConnection}`)).status, 404);

  const forged = await fetch(`${server.url}/auth/google/callback?code=abc&state=${'A'.repeat(43)}`, { redirect: 'manual' });
  assert.equal(forged.headers.get('location'), `${APP_URL}/settings/connections?provider=google&status=error&reason=invalid_state`);
  const denied = await fetch(`${server.url}/auth/google/callback?error=access_denied&state=x`, { redirect: 'manual' });
  assert.equal(denied.headers.get('location'), `${APP_URL}/settings/connections?provider=google&status=error&reason=access_denied`);
  const unauthenticated = await fetch(`${server.url}/api/connections/google/start`);
  assert.equal(unauthenticated.status, 401);
});

test('when a consent one user started is finished in another browser, then nothing is stored anywhere and the browser is told why', async () => {
  const mallory = await newUser();
  const victim = await newUser();
  const start = await mallory.client.get('/api/connections/google/start');
  // Mallory's own browser opens the flow (and is bound to it), then she hands Google's URL to the victim.
  const attackerBrowser = newBrowser();
  const googleUrl = await attackerBrowser.navigate(start.body.url, oauth.authUrl);
  const binding = [...attackerBrowser.cookies('lifeos.test').values()][0]!;
  assert.ok(binding, 'the start page set a cookie');
  assert.deepEqual(
    binding.attributes.map((a) => a.toLowerCase().split('=')[0]).filter((a) => ['httponly', 'samesite', 'path'].includes(a!)).sort(),
    ['httponly', 'path', 'samesite'],
  );
  assert.ok(binding.attributes.includes('SameSite=Lax') && binding.attributes.includes('Path=/auth/google/'));

  const before = oauth.tokenRequests.length;
  const victimBrowser = newBrowser();
  const location = await victimBrowser.navigate(googleUrl, APP_URL);
  assert.equal(location, `${APP_URL}/settings/connections?provider=google&status=error&reason=browser_mismatch`);
  assert.equal(oauth.tokenRequests.length, before, 'the code was never exchanged');
  assert.deepEqual((await mallory.client.get('/api/connections')).body, { connections: [] });
  assert.deepEqual((await victim.client.get('/api/connections')).body, { connections: [] });

  // The consent is used up: not even Mallory's bound browser can finish it now.
  const callback = victimBrowser.history.at(-1)!;
  const replay = await fetch(`${server.url}${callback.pathname}${callback.search}`, {
    redirect: 'manual',
    headers: { cookie: [...attackerBrowser.cookies('lifeos.test')].map(([n, c]) => `${n}=${c.value}`).join('; ') },
  });
  assert.equal(replay.headers.get('location'), `${APP_URL}/settings/connections?provider=google&status=error&reason=invalid_state`);
  assert.deepEqual((await mallory.client.get('/api/connections')).body, { connections: [] });
});

test("when the victim's browser holds the cookie of its own consent, then an attacker's consent still does not finish in it", async () => {
  const mallory = await newUser();
  const victim = await newUser();
  const victimBrowser = newBrowser();
  await victimBrowser.navigate((await victim.client.get('/api/connections/google/start')).body.url, oauth.authUrl);
  const googleUrl = await newBrowser().navigate((await mallory.client.get('/api/connections/google/start')).body.url, oauth.authUrl);
  const location = await victimBrowser.navigate(googleUrl, APP_URL);
  assert.match(location, /reason=browser_mismatch$/);
  assert.deepEqual((await mallory.client.get('/api/connections')).body, { connections: [] });
  assert.deepEqual((await victim.client.get('/api/connections')).body, { connections: [] });
});

test('when the start page of a consent is opened a second time, then it binds no second browser', async () => {
  const mallory = await newUser();
  const start = await mallory.client.get('/api/connections/google/start');
  await newBrowser().navigate(start.body.url, oauth.authUrl);
  const second = newBrowser();
  const location = await second.navigate(start.body.url, APP_URL);
  assert.equal(location, `${APP_URL}/settings/connections?provider=google&status=error&reason=invalid_state`);
  assert.equal(second.cookies('lifeos.test').size, 0);
  assert.ok(!second.history.some((u) => u.href.startsWith(oauth.authUrl)), 'the second browser never reached Google');
  const noState = await fetch(`${server.url}/auth/google/start`, { redirect: 'manual' });
  assert.equal(noState.headers.get('location'), `${APP_URL}/settings/connections?provider=google&status=error&reason=invalid_request`);
});

test('when the start page is opened more than 2 minutes after the app asked for it, then it binds no browser', async () => {
  const mallory = await newUser();
  const start = await mallory.client.get('/api/connections/google/start');
  server.clock.now = new Date(Date.now() + 3 * 60_000);
  try {
    const late = newBrowser();
    assert.equal(await late.navigate(start.body.url, APP_URL), `${APP_URL}/settings/connections?provider=google&status=error&reason=invalid_state`);
    assert.equal(late.cookies('lifeos.test').size, 0);
  } finally {
    server.clock.now = null;
  }
  // Within the window the same kind of link works.
  const again = await mallory.client.get('/api/connections/google/start');
  assert.equal((await consentAndCallback(again.body.url)).location, `${APP_URL}/settings/connections?provider=google&status=connected`);
});

test('when ten requests find the access token about to expire, then exactly one refresh reaches Google', async () => {
  const dave = await newUser();
  oauth.setTokenTtl(60); // below the two-minute margin: due for a refresh at once
  const start = await dave.client.get('/api/connections/google/start');
  await consentAndCallback(start.body.url);
  oauth.setTokenTtl(3600);
  // A slow token endpoint: every request arrives while the one refresh is still on its way.
  oauth.setTokenDelay(1500);
  const before = oauth.tokenRequests.length;
  const replies = await Promise.all(Array.from({ length: 10 }, () => ask(dave.client, 'anything new?'))).finally(() => oauth.setTokenDelay(0));
  for (const r of replies) assert.match(r.content, /newest first|caught up/);
  const refreshes = oauth.tokenRequests.slice(before).filter((r) => r.grantType === 'refresh_token');
  assert.equal(refreshes.length, 1);
});

test('when Google access was revoked, then the connection is marked error and @mail says how to reconnect', async () => {
  const erin = await newUser();
  const start = await erin.client.get('/api/connections/google/start');
  await consentAndCallback(start.body.url);
  const [c] = (await erin.client.get('/api/connections')).body.connections;
  const tokens = (await readConnectionSecret<GoogleTokens>(server.ctx.db, server.ctx.secrets, erin.id, c.id))!;
  oauth.revoke(tokens.refreshToken);
  await updateConnectionSecret(server.ctx.db, server.ctx.secrets, erin.id, c.id, 'google', { ...tokens, expiresAt: new Date(0).toISOString() });

  const reply = await ask(erin.client, 'anything new?');
  assert.equal(reply.metadata?.status, 'error');
  assert.match(reply.content, /Google access for this mailbox was revoked or has expired\. Connect Gmail again/);
  const after = (await erin.client.get('/api/connections')).body.connections[0];
  assert.equal(after.status, 'error');
  assert.equal(after.statusDetail, REVOKED_MESSAGE);

  // Disconnecting erases the tokens and tells Google.
  const revocations = oauth.revocations.count;
  assert.equal((await erin.client.delete(`/api/connections/${c.id}`)).status, 204);
  assert.equal(oauth.revocations.count, revocations + 1);
  assert.equal(await readConnectionSecret(server.ctx.db, server.ctx.secrets, erin.id, c.id), undefined);
});
