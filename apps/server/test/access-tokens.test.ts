// Personal access tokens over real HTTP: created once with their scopes,
// checked on every request like a session, limited to their scopes, never
// able to manage the account, revocable at once, and rate-limited per token.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AccessTokensResponse, CreatedAccessTokenResponse, Problem } from '@lifeos/contract';
import { as, registerUser, request } from './helpers/http.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { openSse } from './helpers/sse.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_TOKEN: '20' } });
});
after(() => server.close());

async function newToken(accessToken: string, body: Record<string, unknown>) {
  const res = await as(server.url, accessToken).post('/api/auth/tokens', body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return CreatedAccessTokenResponse.parse(res.body);
}

function assertProblem(res: { status: number; body: unknown }, status: number, code: string) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(Problem.parse(res.body).code, code);
}

describe('creating and listing tokens', () => {
  it('when a token is created, then its secret is shown once with the lifeos_pat_ prefix and the list has its scopes and last use, never the secret', async () => {
    const user = await registerUser(server.url);
    const created = await newToken(user.accessToken, { name: 'backup script', scopes: ['mem.read', 'cal.read'], expiresInDays: 30 });
    assert.match(created.token, /^lifeos_pat_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(created.accessToken.scopes, ['mem.read', 'cal.read']);
    assert.equal(created.accessToken.name, 'backup script');
    assert.equal(created.accessToken.lastUsedAt, null);
    const days = (new Date(created.accessToken.expiresAt!).getTime() - Date.now()) / 86_400_000;
    assert.ok(days > 29.9 && days <= 30, String(days));

    assert.equal((await as(server.url, created.token).get('/api/memories')).status, 200);
    const list = await as(server.url, user.accessToken).get('/api/auth/tokens');
    const { tokens } = AccessTokensResponse.parse(list.body);
    assert.equal(tokens.length, 1);
    assert.equal(tokens[0]!.id, created.accessToken.id);
    assert.ok(tokens[0]!.lastUsedAt, 'lastUsedAt is set after a use');
    assert.ok(!JSON.stringify(list.body).includes(created.token.slice('lifeos_pat_'.length)));

    // Only a hash is stored.
    const rows = await server.ctx.database.execute('select * from personal_access_tokens', []);
    assert.ok(!JSON.stringify(rows.rows).includes(created.token.slice('lifeos_pat_'.length)));
    // Without an expiry the token does not expire.
    assert.equal((await newToken(user.accessToken, { name: 'forever', scopes: ['chat'] })).accessToken.expiresAt, null);
  });

  it('when the body is invalid, then it is 400 naming the field', async () => {
    const user = await registerUser(server.url);
    const cases: [unknown, string][] = [
      [{ name: 'x', scopes: ['admin'] }, 'scopes.0'],
      [{ name: 'x', scopes: [] }, 'scopes'],
      [{ name: 'x', scopes: ['chat', 'chat'] }, 'scopes'],
      [{ name: ' ', scopes: ['chat'] }, 'name'],
      [{ name: 'x', scopes: ['chat'], expiresInDays: 0 }, 'expiresInDays'],
      [{ name: 'x', scopes: ['chat'], expiresInDays: 1.5 }, 'expiresInDays'],
      [{ scopes: ['chat'] }, 'name'],
    ];
    for (const [body, path] of cases) {
      const res = await as(server.url, user.accessToken).post('/api/auth/tokens', body);
      assertProblem(res, 400, 'validation_failed');
      assert.ok(res.body.errors.some((e: { path: string }) => e.path === path), `${JSON.stringify(body)} -> ${JSON.stringify(res.body.errors)}`);
    }
  });
});

describe('using a token', () => {
  it('when a token calls routes, then those of its scopes work and every other is 403 forbidden', async () => {
    const user = await registerUser(server.url);
    const reader = as(server.url, (await newToken(user.accessToken, { name: 'reader', scopes: ['mem.read', 'chat'] })).token);
    assert.equal((await reader.get('/api/memories')).status, 200);
    assertProblem(await reader.post('/api/memories', { content: 'I like tea' }), 403, 'forbidden');
    assert.equal((await reader.get('/api/messages')).status, 200);
    assert.equal((await reader.post('/api/messages', { content: '@mem what do you know?' })).status, 201);
    assertProblem(await reader.get('/api/calendar/events?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z'), 403, 'forbidden');
    assertProblem(await reader.get('/api/connections'), 403, 'forbidden');

    const writer = as(server.url, (await newToken(user.accessToken, { name: 'writer', scopes: ['mem.write', 'cal.write'] })).token);
    const memory = await writer.post('/api/memories', { content: 'I like tea' });
    assert.equal(memory.status, 201);
    assert.equal((await writer.patch(`/api/memories/${memory.body.memory.id}`, { content: 'I like green tea' })).status, 200);
    assert.equal((await writer.post('/api/calendar/events', { title: 'Dentist', start: '2026-12-03T09:00:00Z' })).status, 201);
    assertProblem(await writer.get('/api/memories'), 403, 'forbidden');
    // Who am I: any token.
    assert.equal((await writer.get('/api/auth/me')).body.user.id, user.user.id);
  });

  it('when a token tries to manage tokens, sessions, two-factor, the password or the account, then it is 403 whatever its scopes', async () => {
    const user = await registerUser(server.url);
    const all = ['chat', 'mail.read', 'mail.send', 'cal.read', 'cal.write', 'mem.read', 'mem.write'];
    const token = as(server.url, (await newToken(user.accessToken, { name: 'everything', scopes: all })).token);
    const tokenId = (await as(server.url, user.accessToken).get('/api/auth/tokens')).body.tokens[0].id;
    const attempts = [
      token.get('/api/auth/tokens'),
      token.post('/api/auth/tokens', { name: 'child', scopes: ['chat'] }),
      token.delete(`/api/auth/tokens/${tokenId}`),
      token.get('/api/auth/sessions'),
      token.post('/api/auth/logout'),
      token.patch('/api/auth/me', { username: 'taken over' }),
      token.post('/api/auth/password', { currentPassword: user.password, newPassword: 'a new long passphrase 9' }),
      token.post('/api/auth/mfa/totp'),
      token.delete('/api/auth/mfa/totp', { password: user.password, code: '123456' }),
      token.get('/api/account/export'),
      token.delete('/api/account', { password: user.password }),
      token.get('/api/calendar/feed-url'),
    ];
    for (const res of await Promise.all(attempts)) assertProblem(res, 403, 'forbidden');
    // Nothing changed: the account, its password and the token are all still there.
    assert.equal((await request(server.url, 'POST', '/api/auth/login', { body: { email: user.user.email, password: user.password } })).status, 200);
    assert.equal((await token.get('/api/memories')).status, 200);
  });

  it('when a token is revoked, then it fails at once, its stream ends, and revoking again or another user’s token is 404', async () => {
    const user = await registerUser(server.url);
    const created = await newToken(user.accessToken, { name: 'chat bot', scopes: ['chat'] });
    const stream = await openSse(server.url, created.token);
    assert.equal(stream.status, 200);
    const owner = as(server.url, user.accessToken);
    const other = await registerUser(server.url);
    assertProblem(await as(server.url, other.accessToken).delete(`/api/auth/tokens/${created.accessToken.id}`), 404, 'not_found');
    assert.equal((await as(server.url, created.token).get('/api/messages')).status, 200);

    assert.equal((await owner.delete(`/api/auth/tokens/${created.accessToken.id}`)).status, 204);
    assertProblem(await as(server.url, created.token).get('/api/messages'), 401, 'unauthorized');
    await Promise.race([stream.ended, new Promise((_, reject) => setTimeout(() => reject(new Error('stream still open')), 5_000))]);
    assertProblem(await owner.delete(`/api/auth/tokens/${created.accessToken.id}`), 404, 'not_found');
    assert.deepEqual((await owner.get('/api/auth/tokens')).body.tokens, []);
  });

  it('when a token has expired, then it is 401', async () => {
    const user = await registerUser(server.url);
    const created = await newToken(user.accessToken, { name: 'short', scopes: ['mem.read'], expiresInDays: 1 });
    server.clock.now = new Date(Date.now() + 25 * 3600 * 1000);
    try {
      assertProblem(await as(server.url, created.token).get('/api/memories'), 401, 'unauthorized');
    } finally {
      server.clock.now = null;
    }
    assert.equal((await as(server.url, created.token).get('/api/memories')).status, 200);
    assertProblem(await as(server.url, `${created.token}x`).get('/api/memories'), 401, 'unauthorized');
    assertProblem(await as(server.url, 'lifeos_pat_').get('/api/memories'), 401, 'unauthorized');
  });

  it('when one token sends more than its per-minute limit, then it gets 429 while another token of the same user does not', async () => {
    const user = await registerUser(server.url);
    const busy = as(server.url, (await newToken(user.accessToken, { name: 'busy', scopes: ['mem.read'] })).token);
    const calm = as(server.url, (await newToken(user.accessToken, { name: 'calm', scopes: ['mem.read'] })).token);
    const statuses = [];
    for (let i = 0; i < 22; i++) statuses.push((await busy.get('/api/memories')).status);
    assert.deepEqual(statuses, [...Array(20).fill(200), 429, 429]);
    const limited = await busy.get('/api/memories');
    assertProblem(limited, 429, 'rate_limited');
    assert.equal((await calm.get('/api/memories')).status, 200);
    assert.equal((await as(server.url, user.accessToken).get('/api/memories')).status, 200);
  });

  it('when the account is exported, then it lists the tokens with names and scopes, never a secret', async () => {
    const user = await registerUser(server.url);
    const created = await newToken(user.accessToken, { name: 'exported', scopes: ['cal.read'] });
    const exported = await as(server.url, user.accessToken).get('/api/account/export');
    assert.equal(exported.status, 200);
    assert.deepEqual(
      exported.body.accessTokens.map((t: { name: string; scopes: string[] }) => [t.name, t.scopes]),
      [['exported', ['cal.read']]],
    );
    const text = JSON.stringify(exported.body);
    assert.ok(!text.includes(created.token.slice('lifeos_pat_'.length)));
    assert.ok(!/token_?hash/i.test(text));
  });
});
