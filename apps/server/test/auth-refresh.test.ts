// Refresh rotation with the grace of API.md "Auth": the token just replaced
// answers with the same successor pair until the successor is used, for at
// most 30 seconds; any other reuse is theft. Runs on PGlite, and on
// PostgreSQL with TEST_DATABASE_URL (where the ten parallel refreshes really
// race on separate connections).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuthResponse } from '@lifeos/contract';
import { as, registerUser, request } from './helpers/http.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

const refresh = (refreshToken: string) => request(server.url, 'POST', '/api/auth/refresh', { body: { refreshToken } });
const pairOf = (body: AuthResponse) => ({ accessToken: body.accessToken, accessTokenExpiresAt: body.accessTokenExpiresAt, refreshToken: body.refreshToken });
const me = (token: string) => as(server.url, token).get('/api/auth/me');

describe('refresh: the replaced token within the grace', () => {
  it('when the old token comes again before the successor is used, then it gets the same successor pair and nothing rotates again', async () => {
    const user = await registerUser(server.url);
    const first = await refresh(user.refreshToken);
    assert.equal(first.status, 200);
    const again = await refresh(user.refreshToken);
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.deepEqual(pairOf(AuthResponse.parse(again.body)), pairOf(first.body));
    assert.equal(again.body.user.id, user.user.id);
    // The successor is the session's live token: it rotates normally, once.
    const next = await refresh(first.body.refreshToken);
    assert.equal(next.status, 200);
    assert.notEqual(next.body.refreshToken, first.body.refreshToken);
    assert.equal((await me(next.body.accessToken)).status, 200);
  });

  it('when ten refreshes with one token reach the server at the same instant, then all ten get the same pair and the session lives on', async () => {
    const user = await registerUser(server.url);
    const answers = await Promise.all(Array.from({ length: 10 }, () => refresh(user.refreshToken)));
    assert.deepEqual(answers.map((a) => a.status), Array(10).fill(200), JSON.stringify(answers.map((a) => a.body)));
    const pairs = answers.map((a) => pairOf(AuthResponse.parse(a.body)));
    for (const pair of pairs) assert.deepEqual(pair, pairs[0]);
    assert.notEqual(pairs[0]!.refreshToken, user.refreshToken);
    assert.equal((await me(pairs[0]!.accessToken)).status, 200);
    // And ten at once with the successor: again one pair, one rotation.
    const second = await Promise.all(Array.from({ length: 10 }, () => refresh(pairs[0]!.refreshToken)));
    assert.deepEqual(second.map((a) => a.status), Array(10).fill(200));
    assert.equal(new Set(second.map((a) => a.body.refreshToken)).size, 1);
    assert.equal((await me(second[0]!.body.accessToken)).status, 200);
    assert.equal((await refresh(second[0]!.body.refreshToken)).status, 200);
  });
});

describe('refresh: reuse outside the grace is theft', () => {
  it('when the old token comes after its successor was used, then it is 401 and the whole session is signed out', async () => {
    const user = await registerUser(server.url);
    const first = (await refresh(user.refreshToken)).body;
    const second = (await refresh(first.refreshToken)).body;
    const stolen = await refresh(user.refreshToken);
    assert.equal(stolen.status, 401);
    assert.equal(stolen.body.code, 'unauthorized');
    assert.equal((await refresh(second.refreshToken)).status, 401);
    assert.equal((await me(second.accessToken)).status, 401);
    // The predecessor of the live token is no way back either.
    assert.equal((await refresh(first.refreshToken)).status, 401);
  });

  it('when the old token comes more than 30 seconds later, successor unused, then it is 401 and the session is signed out', async () => {
    const user = await registerUser(server.url);
    const start = new Date();
    server.clock.now = start;
    try {
      const first = (await refresh(user.refreshToken)).body;
      server.clock.now = new Date(start.getTime() + 29_000);
      assert.equal((await refresh(user.refreshToken)).status, 200);
      server.clock.now = new Date(start.getTime() + 31_000);
      assert.equal((await refresh(user.refreshToken)).status, 401);
      assert.equal((await refresh(first.refreshToken)).status, 401);
      assert.equal((await me(first.accessToken)).status, 401);
    } finally {
      server.clock.now = null;
    }
  });

  it('when the session is signed out, then neither the replaced token nor its successor brings it back', async () => {
    const user = await registerUser(server.url);
    const first = (await refresh(user.refreshToken)).body;
    assert.equal((await as(server.url, first.accessToken).post('/api/auth/logout')).status, 204);
    assert.equal((await refresh(user.refreshToken)).status, 401);
    assert.equal((await refresh(first.refreshToken)).status, 401);
  });
});

describe('refresh: what is stored', () => {
  it('when a token was replaced, then the database holds its successor only sealed, and drops it once the successor is used', async () => {
    const user = await registerUser(server.url);
    const first = (await refresh(user.refreshToken)).body;
    const dump = async () => JSON.stringify((await server.ctx.database.execute('select * from refresh_tokens', [])).rows);
    let stored = await dump();
    for (const secret of [user.refreshToken, first.refreshToken, first.accessToken]) assert.ok(!stored.includes(secret));
    const rows = (await server.ctx.database.execute('select successor from refresh_tokens where successor is not null', [])).rows;
    assert.ok(rows.length >= 1);
    await refresh(first.refreshToken);
    stored = await dump();
    const sealed = (await server.ctx.database.execute('select count(*)::int as n from refresh_tokens r join sessions s on s.id = r.session_id where s.user_id = $1 and r.successor is not null', [user.user.id])).rows[0] as { n: number };
    assert.equal(sealed.n, 1);
  });
});
