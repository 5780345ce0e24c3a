import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { AuthResponse, Problem, SessionsResponse, User } from '@lifeos/contract';
import { PASSWORD, as, registerUser, request, uniqueEmail } from './helpers/http.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_LOGIN: '5' } });
});
after(() => server.close());

const post = (path: string, body?: unknown, token?: string) => request(server.url, 'POST', path, { body, token });

function assertProblem(res: { status: number; headers: Headers; body: unknown }, status: number, code: string) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
  const problem = Problem.parse(res.body);
  assert.equal(problem.code, code);
  assert.equal(problem.status, status);
  assert.doesNotMatch(JSON.stringify(problem), /at .+\.ts:\d+|SELECT |INSERT /);
}

describe('register', () => {
  it('when a new email registers, then it gets 201 with a user, tokens and the default time zone', async () => {
    const email = `  New.User.${Date.now()}@Example.TEST `;
    const res = await post('/api/auth/register', { email, password: PASSWORD, username: 'Ada' });
    assert.equal(res.status, 201);
    const body = AuthResponse.parse(res.body);
    assert.equal(body.user.email, email.trim().toLowerCase());
    assert.equal(body.user.username, 'Ada');
    assert.equal(body.user.timezone, 'UTC');
    assert.ok(new Date(body.accessTokenExpiresAt).getTime() > Date.now() + 10 * 60_000);
    assert.ok(body.refreshToken.length >= 40);
  });

  it('when the email exists in another case, then it is 409 email_taken', async () => {
    const email = uniqueEmail('dup');
    await registerUser(server.url, { email });
    assertProblem(await post('/api/auth/register', { email: email.toUpperCase(), password: PASSWORD }), 409, 'email_taken');
  });

  it('when fields are invalid, then each is named in a 400 validation_failed', async () => {
    const cases: [unknown, string][] = [
      [{ email: 'not-an-email', password: PASSWORD }, 'email'],
      [{ email: uniqueEmail(), password: 'short' }, 'password'],
      [{ email: uniqueEmail(), password: 'x'.repeat(257) }, 'password'],
      [{ email: `${'a'.repeat(250)}@example.test`, password: PASSWORD }, 'email'],
      [{ email: uniqueEmail(), password: PASSWORD, timezone: 'Mars/Olympus' }, 'timezone'],
      [{ email: uniqueEmail(), password: 12345678 }, 'password'],
      [{ password: PASSWORD }, 'email'],
    ];
    for (const [body, path] of cases) {
      const res = await post('/api/auth/register', body);
      assertProblem(res, 400, 'validation_failed');
      assert.ok(
        res.body.errors.some((e: { path: string }) => e.path === path),
        `${JSON.stringify(body).slice(0, 60)} -> ${JSON.stringify(res.body.errors)}`,
      );
    }
  });

  it('when the password is one of the most common, then it is refused', async () => {
    for (const password of ['password123', 'qwertyuiop', 'iloveyou1']) {
      const res = await post('/api/auth/register', { email: uniqueEmail(), password });
      assertProblem(res, 400, 'validation_failed');
      assert.match(res.body.detail, /too common/);
    }
  });

  it('when the password is deep in the 100,000-entry list, in any case, then it is refused too', async () => {
    for (const password of ['glistering', 'LUCKYS82', 'rgo93kdo']) {
      const res = await post('/api/auth/register', { email: uniqueEmail(), password });
      assertProblem(res, 400, 'validation_failed');
      assert.match(res.body.detail, /too common/);
    }
  });

  it('when the password contains the email local part or is one character repeated, then it is refused naming the field', async () => {
    const email = `Marguerite.${Date.now()}@example.test`;
    const local = email.split('@')[0]!;
    for (const password of [`${local.toUpperCase()}!`, `my-${local.toLowerCase()}-pw`, 'z'.repeat(12), '🙂'.repeat(8)]) {
      const res = await post('/api/auth/register', { email, password });
      assertProblem(res, 400, 'validation_failed');
      assert.deepEqual(res.body.errors.map((e: { path: string }) => e.path), ['password'], password);
    }
    // A short local part is not a rule: "jo" may appear in any password.
    assert.equal((await post('/api/auth/register', { email: uniqueEmail('jo').replace(/^[^@]*/, 'jo'), password: 'enjoy the long road 7' })).status, 201);
    // A change of password follows the same policy.
    const user = await registerUser(server.url, { email: uniqueEmail('policy') });
    const weak = await as(server.url, user.accessToken).post('/api/auth/password', { currentPassword: user.password, newPassword: `${user.user.email.split('@')[0]}2026` });
    assertProblem(weak, 400, 'validation_failed');
    assert.equal(weak.body.errors[0].path, 'newPassword');
  });

  it('when a valid IANA zone and a 256-character password are given, then both are accepted', async () => {
    const res = await post('/api/auth/register', { email: uniqueEmail(), password: 'p'.repeat(255) + 'q', timezone: 'Asia/Kolkata' });
    assert.equal(res.status, 201);
    assert.equal(res.body.user.timezone, 'Asia/Kolkata');
  });
});

describe('login', () => {
  it('when the credentials are right, then each login is a new session (one per device)', async () => {
    const user = await registerUser(server.url);
    const phone = await post('/api/auth/login', { email: user.user.email, password: user.password, deviceName: 'Phone' });
    const laptop = await post('/api/auth/login', { email: ` ${user.user.email.toUpperCase()} `, password: user.password, deviceName: 'Laptop' });
    assert.equal(phone.status, 200);
    assert.equal(laptop.status, 200);
    AuthResponse.parse(phone.body);
    const sessions = await as(server.url, phone.body.accessToken).get('/api/auth/sessions');
    const parsed = SessionsResponse.parse(sessions.body);
    assert.equal(parsed.sessions.length, 3);
    assert.deepEqual(parsed.sessions.filter((s) => s.current).map((s) => s.deviceName), ['Phone']);
    assert.ok(parsed.sessions.some((s) => s.deviceName === 'Laptop'));
  });

  it('when the email is unknown or the password wrong, then the answers are identical', async () => {
    const user = await registerUser(server.url);
    const unknown = await post('/api/auth/login', { email: uniqueEmail('ghost'), password: 'whatever-password' });
    const wrong = await post('/api/auth/login', { email: user.user.email, password: 'wrong-password-1' });
    assertProblem(unknown, 401, 'invalid_credentials');
    assertProblem(wrong, 401, 'invalid_credentials');
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
    assert.deepEqual(strip(unknown.body), strip(wrong.body));
  });

  it('when one account fails too often from one address, then it is 429 with Retry-After, and the limit is per account', async () => {
    const user = await registerUser(server.url);
    for (let i = 0; i < 5; i++) {
      assert.equal((await post('/api/auth/login', { email: user.user.email, password: `nope-${i}-password` })).status, 401);
    }
    const limited = await post('/api/auth/login', { email: user.user.email, password: user.password });
    assertProblem(limited, 429, 'rate_limited');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    assert.ok(limited.headers.get('ratelimit-policy'));
    const other = await registerUser(server.url);
    assert.equal((await post('/api/auth/login', { email: other.user.email, password: other.password })).status, 200);
  });
});

describe('tokens and sessions', () => {
  it('when no, a malformed, a forged, an alg:none, a tampered or an expired token is sent, then it is 401', async () => {
    const user = await registerUser(server.url);
    const [h, p, s] = user.accessToken.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, sub: '00000000-0000-4000-8000-000000000000' })).toString('base64url')}.${s}`;
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${p}.`;
    const forged = await new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' }).sign(new TextEncoder().encode('x'.repeat(32)));
    const expired = await new SignJWT({ ...payload, exp: Math.floor(Date.now() / 1000) - 10 })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
      .sign(server.config.jwtSecret);
    for (const header of [undefined, 'Bearer', 'Basic abc', `Bearer ${tampered}`, `Bearer ${none}`, `Bearer ${forged}`, `Bearer ${expired}`, 'Bearer a.b.c']) {
      const res = await request(server.url, 'GET', '/api/auth/me', { headers: header ? { authorization: header } : {} });
      assertProblem(res, 401, 'unauthorized');
    }
    assert.equal((await as(server.url, user.accessToken).get('/api/auth/me')).status, 200);
  });

  it('when the refresh token is used, then it rotates; presenting the old one after its successor was used revokes the session', async () => {
    const user = await registerUser(server.url);
    const first = await post('/api/auth/refresh', { refreshToken: user.refreshToken });
    assert.equal(first.status, 200);
    const rotated = AuthResponse.parse(first.body);
    assert.notEqual(rotated.refreshToken, user.refreshToken);
    assert.equal((await as(server.url, rotated.accessToken).get('/api/auth/me')).status, 200);
    const second = AuthResponse.parse((await post('/api/auth/refresh', { refreshToken: rotated.refreshToken })).body);

    assertProblem(await post('/api/auth/refresh', { refreshToken: user.refreshToken }), 401, 'unauthorized');
    assertProblem(await post('/api/auth/refresh', { refreshToken: second.refreshToken }), 401, 'unauthorized');
    // Theft detected: the whole session is gone, new tokens included.
    assertProblem(await post('/api/auth/refresh', { refreshToken: rotated.refreshToken }), 401, 'unauthorized');
    assertProblem(await as(server.url, rotated.accessToken).get('/api/auth/me'), 401, 'unauthorized');
  });

  it('when refresh gets garbage, then it is 401 or 400, never 500', async () => {
    assertProblem(await post('/api/auth/refresh', { refreshToken: 'garbage' }), 401, 'unauthorized');
    assertProblem(await post('/api/auth/refresh', {}), 400, 'validation_failed');
  });

  it('when a device logs out, then its access and refresh tokens fail at once and other devices keep working', async () => {
    const user = await registerUser(server.url);
    const other = (await post('/api/auth/login', { email: user.user.email, password: user.password })).body;
    const res = await post('/api/auth/logout', undefined, user.accessToken);
    assert.equal(res.status, 204);
    assertProblem(await as(server.url, user.accessToken).get('/api/auth/me'), 401, 'unauthorized');
    assertProblem(await post('/api/auth/refresh', { refreshToken: user.refreshToken }), 401, 'unauthorized');
    assert.equal((await as(server.url, other.accessToken).get('/api/auth/me')).status, 200);
    assertProblem(await post('/api/auth/logout'), 401, 'unauthorized');
  });

  it('when a session is deleted from another device, then it is signed out; another user’s session is 404', async () => {
    const user = await registerUser(server.url, { deviceName: 'Phone' });
    const laptop = (await post('/api/auth/login', { email: user.user.email, password: user.password, deviceName: 'Laptop' })).body;
    const sessions = (await as(server.url, laptop.accessToken).get('/api/auth/sessions')).body.sessions;
    const phone = sessions.find((s: { deviceName: string }) => s.deviceName === 'Phone');
    const mallory = await registerUser(server.url);

    assertProblem(await as(server.url, mallory.accessToken).delete(`/api/auth/sessions/${phone.id}`), 404, 'not_found');
    assert.equal((await as(server.url, user.accessToken).get('/api/auth/me')).status, 200);

    assert.equal((await as(server.url, laptop.accessToken).delete(`/api/auth/sessions/${phone.id}`)).status, 204);
    assertProblem(await as(server.url, user.accessToken).get('/api/auth/me'), 401, 'unauthorized');
    assertProblem(await as(server.url, laptop.accessToken).delete(`/api/auth/sessions/${phone.id}`), 404, 'not_found');
    assertProblem(await as(server.url, laptop.accessToken).delete('/api/auth/sessions/not-a-uuid'), 400, 'validation_failed');
    const left = SessionsResponse.parse((await as(server.url, laptop.accessToken).get('/api/auth/sessions')).body);
    assert.deepEqual(left.sessions.map((s) => s.deviceName), ['Laptop']);
  });
});

describe('profile and password', () => {
  it('when the profile is read and changed, then GET and PATCH /api/auth/me agree', async () => {
    const user = await registerUser(server.url, { username: 'Before' });
    const me = as(server.url, user.accessToken);
    assert.deepEqual(User.parse((await me.get('/api/auth/me')).body.user), user.user);
    const patched = await me.patch('/api/auth/me', { username: 'After', timezone: 'Europe/Berlin' });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.user.username, 'After');
    assert.equal(patched.body.user.timezone, 'Europe/Berlin');
    assert.equal((await me.get('/api/auth/me')).body.user.timezone, 'Europe/Berlin');
    assertProblem(await me.patch('/api/auth/me', { timezone: 'Nowhere/Land' }), 400, 'validation_failed');
    assertProblem(await me.patch('/api/auth/me', { email: 'x@y.z' }), 400, 'validation_failed');
  });

  it('when settings are read and changed, then memory extraction is off by default and PATCH /api/auth/me turns it on without touching the profile', async () => {
    const user = await registerUser(server.url, { username: 'Settings' });
    const me = as(server.url, user.accessToken);
    assert.deepEqual((await me.get('/api/auth/me')).body.user.settings, { memoryExtraction: false, timeFormat: '24h', briefing: { enabled: false, time: '07:30' } });
    const patched = await me.patch('/api/auth/me', { settings: { memoryExtraction: true } });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.user.username, 'Settings');
    assert.deepEqual((await me.get('/api/auth/me')).body.user.settings, { memoryExtraction: true, timeFormat: '24h', briefing: { enabled: false, time: '07:30' } });
    assertProblem(await me.patch('/api/auth/me', { settings: { memoryExtraction: 'yes' } }), 400, 'validation_failed');
    assertProblem(await me.patch('/api/auth/me', { settings: { other: true } }), 400, 'validation_failed');
  });

  it('when the password is changed, then every other session is revoked and only the new password works', async () => {
    const user = await registerUser(server.url);
    const other = (await post('/api/auth/login', { email: user.user.email, password: user.password })).body;
    const me = as(server.url, user.accessToken);

    assertProblem(await me.post('/api/auth/password', { currentPassword: 'wrong-password', newPassword: 'another fine passphrase' }), 403, 'invalid_credentials');
    assertProblem(await me.post('/api/auth/password', { currentPassword: user.password, newPassword: 'short' }), 400, 'validation_failed');
    assertProblem(await me.post('/api/auth/password', { currentPassword: user.password, newPassword: 'password1' }), 400, 'validation_failed');

    assert.equal((await me.post('/api/auth/password', { currentPassword: user.password, newPassword: 'another fine passphrase' })).status, 204);
    assert.equal((await me.get('/api/auth/me')).status, 200);
    assertProblem(await as(server.url, other.accessToken).get('/api/auth/me'), 401, 'unauthorized');
    assertProblem(await post('/api/auth/login', { email: user.user.email, password: user.password }), 401, 'invalid_credentials');
    assert.equal((await post('/api/auth/login', { email: user.user.email, password: 'another fine passphrase' })).status, 200);
  });
});

describe('session lifetime', () => {
  const day = 24 * 3600 * 1000;
  const at = (ms: number) => {
    server.clock.now = new Date(Date.now() + ms);
  };
  beforeEach(() => {
    server.clock.now = null;
  });
  after(() => {
    server.clock.now = null;
  });

  it('when a session is unused for 14 days, then its refresh token no longer works', async () => {
    const user = await registerUser(server.url);
    at(13 * day);
    const ok = await post('/api/auth/refresh', { refreshToken: user.refreshToken });
    assert.equal(ok.status, 200);
    at(13 * day + 15 * day);
    assertProblem(await post('/api/auth/refresh', { refreshToken: ok.body.refreshToken }), 401, 'unauthorized');
  });

  it('when a session is 30 days old, then it ends even if used every day', async () => {
    const user = await registerUser(server.url);
    let refreshToken = user.refreshToken;
    for (const days of [10, 20, 29]) {
      at(days * day);
      const res = await post('/api/auth/refresh', { refreshToken });
      assert.equal(res.status, 200, `day ${days}`);
      refreshToken = res.body.refreshToken;
    }
    at(31 * day);
    assertProblem(await post('/api/auth/refresh', { refreshToken }), 401, 'unauthorized');
  });

  it('when an access token is older than 15 minutes, then it is refused', async () => {
    const user = await registerUser(server.url);
    at(14 * 60_000);
    assert.equal((await as(server.url, user.accessToken).get('/api/auth/me')).status, 200);
    at(16 * 60_000);
    assertProblem(await as(server.url, user.accessToken).get('/api/auth/me'), 401, 'unauthorized');
  });
});
