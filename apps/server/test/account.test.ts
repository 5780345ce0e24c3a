import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { as, registerUser, request } from './helpers/http.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

describe('account export', () => {
  it('when a user exports, then everything of theirs is there and no secret, hash or token', async () => {
    const user = await registerUser(server.url, { username: 'Exporter', timezone: 'Europe/Berlin' });
    const other = await registerUser(server.url);
    const me = as(server.url, user.accessToken);
    await me.post('/api/messages', { content: 'hello there' });
    await as(server.url, other.accessToken).post('/api/messages', { content: 'not yours' });

    const res = await me.get('/api/account/export');
    assert.equal(res.status, 200);
    assert.equal(res.body.user.email, user.user.email);
    assert.equal(res.body.user.timezone, 'Europe/Berlin');
    assert.ok(Array.isArray(res.body.sessions) && res.body.sessions.length === 1);
    assert.deepEqual(
      res.body.messages.map((m: { role: string; content: string }) => m.role),
      ['user', 'assistant'],
    );
    const text = JSON.stringify(res.body);
    assert.doesNotMatch(text, /not yours/);
    assert.doesNotMatch(text, /\$argon2/);
    assert.doesNotMatch(text, /passwordHash|password_hash|"token"/);
    assert.ok(!text.includes(user.refreshToken));
    assert.ok(!text.includes(user.accessToken));
  });
});

describe('account deletion', () => {
  it('when the password is wrong, then it is 403 invalid_credentials and nothing is deleted', async () => {
    const user = await registerUser(server.url);
    const res = await as(server.url, user.accessToken).delete('/api/account', { password: 'not my password' });
    assert.equal(res.status, 403);
    assert.equal(res.body.code, 'invalid_credentials');
    assert.equal((await as(server.url, user.accessToken).get('/api/auth/me')).status, 200);
  });

  it('when the password is right, then the user and all their rows are gone and every token dies at once', async () => {
    const user = await registerUser(server.url);
    const second = (await request(server.url, 'POST', '/api/auth/login', { body: { email: user.user.email, password: user.password } })).body;
    const me = as(server.url, user.accessToken);
    await me.post('/api/messages', { content: 'something to delete' });
    await me.post('/api/memories', { content: 'my bank PIN hint is the dog' });
    assert.equal((await me.get('/api/memories?q=bank')).status, 200); // this instance now holds the user's search index

    assert.equal((await me.delete('/api/account', { password: user.password })).status, 204);
    assert.equal(server.ctx.memoryIndex.get(user.user.id, 0), undefined, 'the search index of the account left memory');
    for (const token of [user.accessToken, second.accessToken]) {
      assert.equal((await as(server.url, token).get('/api/auth/me')).status, 401);
    }
    assert.equal((await request(server.url, 'POST', '/api/auth/refresh', { body: { refreshToken: second.refreshToken } })).status, 401);
    assert.equal(
      (await request(server.url, 'POST', '/api/auth/login', { body: { email: user.user.email, password: user.password } })).status,
      401,
    );
    const db = server.ctx.database.db;
    for (const table of ['users', 'messages', 'sessions', 'agent_state', 'memories', 'memory_stats']) {
      const result = (await db.execute(
        `select count(*)::int as n from ${table} where ${table === 'users' ? 'id' : 'user_id'} = '${user.user.id}'`,
      )) as unknown as { rows: { n: number }[] };
      assert.equal(result.rows[0]!.n, 0, table);
    }
    // The email is free again.
    assert.equal((await request(server.url, 'POST', '/api/auth/register', { body: { email: user.user.email, password: user.password } })).status, 201);
  });

  it('when the body is missing, then it is 400', async () => {
    const user = await registerUser(server.url);
    assert.equal((await as(server.url, user.accessToken).delete('/api/account')).status, 400);
  });
});
