// Two-factor sign-in over real HTTP: setup and verify, login's second step
// with TOTP codes (±1 step, each step once) and recovery codes (each once),
// mfaToken expiry and single use, limits on wrong codes, and turning it off.
// The server's clock is pinned so codes are computed for known steps.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as OTPAuth from 'otpauth';
import { AuthResponse, MfaStatus, Problem, RecoveryCodesResponse, TotpSetupResponse } from '@lifeos/contract';
import { as, registerUser, request } from './helpers/http.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
// A step boundary plus one second, so "the next step" is exactly 30 s later.
const T0 = new Date(Math.floor(Date.now() / 30_000) * 30_000 + 1_000);
let now = T0.getTime();
const advance = (ms: number) => {
  now += ms;
  server.clock.now = new Date(now);
};

before(async () => {
  server = await startTestServer({ env: { TRUST_PROXY: 'true', RATE_LIMIT_LOGIN: '6' } });
  server.clock.now = new Date(now);
});
after(() => server.close());

let addressCounter = 1;
const login = (email: string, password: string, address = `198.51.100.${addressCounter++}`) =>
  request(server.url, 'POST', '/api/auth/login', { body: { email, password, deviceName: 'Phone' }, headers: { 'x-forwarded-for': address } });
const second = (mfaToken: string, code: string, address = `203.0.113.${addressCounter++}`) =>
  request(server.url, 'POST', '/api/auth/login/mfa', { body: { mfaToken, code }, headers: { 'x-forwarded-for': address } });
const codeAt = (secret: string, offsetMs = 0) =>
  new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: now + offsetMs });

function assertProblem(res: { status: number; body: unknown }, status: number, code: string) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(Problem.parse(res.body).code, code);
}

/** A user with TOTP on: its secret, recovery codes and a live session. */
async function userWithTotp() {
  const user = await registerUser(server.url);
  const me = as(server.url, user.accessToken);
  const setup = TotpSetupResponse.parse((await me.post('/api/auth/mfa/totp')).body);
  const verified = await me.post('/api/auth/mfa/totp/verify', { code: codeAt(setup.secret) });
  assert.equal(verified.status, 200, JSON.stringify(verified.body));
  advance(30_000); // the setup's code is used; the next step's is fresh
  return { ...user, secret: setup.secret, recoveryCodes: RecoveryCodesResponse.parse(verified.body).recoveryCodes };
}

async function mfaTokenFor(user: { user: { email: string }; password: string }) {
  const res = await login(user.user.email, user.password);
  assertProblem(res, 401, 'mfa_required');
  assert.match(res.body.mfaToken, /^mfa_[A-Za-z0-9_-]{43}$/);
  return res.body.mfaToken as string;
}

describe('setting up TOTP', () => {
  it('when set up and verified, then it answers a secret and an otpauth URL, is off until verified, and turning it on signs other sessions out', async () => {
    const user = await registerUser(server.url);
    const other = (await login(user.user.email, user.password)).body;
    const me = as(server.url, user.accessToken);
    const setup = await me.post('/api/auth/mfa/totp');
    assert.equal(setup.status, 200);
    const { secret, otpauthUrl } = TotpSetupResponse.parse(setup.body);
    assert.match(secret, /^[A-Z2-7]{32}$/);
    const url = new URL(otpauthUrl);
    assert.equal(url.protocol, 'otpauth:');
    assert.equal(url.searchParams.get('secret'), secret);
    assert.equal(url.searchParams.get('issuer'), 'LifeOS');
    assert.ok(decodeURIComponent(url.pathname).includes(user.user.email));

    // Not active yet: a login needs no code.
    assert.equal((await login(user.user.email, user.password)).status, 200);
    assertProblem(await me.post('/api/auth/mfa/totp/verify', { code: codeAt(secret, 120_000) }), 400, 'validation_failed');
    assertProblem(await me.post('/api/auth/mfa/totp/verify', { code: 'abcdef' }), 400, 'validation_failed');

    const verified = await me.post('/api/auth/mfa/totp/verify', { code: codeAt(secret) });
    assert.equal(verified.status, 200);
    const { recoveryCodes } = RecoveryCodesResponse.parse(verified.body);
    assert.equal(recoveryCodes.length, 10);
    assert.equal(new Set(recoveryCodes).size, 10);
    for (const code of recoveryCodes) assert.match(code, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);

    assertProblem(await as(server.url, other.accessToken).get('/api/auth/me'), 401, 'unauthorized');
    assert.equal((await me.get('/api/auth/me')).status, 200);
    // Already on: verifying again or starting over is refused until it is turned off.
    assertProblem(await me.post('/api/auth/mfa/totp/verify', { code: codeAt(secret) }), 400, 'validation_failed');
    assertProblem(await me.post('/api/auth/mfa/totp'), 409, 'conflict');

    // Stored sealed and hashed: neither the secret nor a recovery code is in the database.
    const dump = JSON.stringify((await server.ctx.database.execute('select * from mfa_totp, mfa_recovery_codes', [])).rows);
    assert.ok(!dump.includes(secret));
    for (const code of recoveryCodes) assert.ok(!dump.includes(code) && !dump.includes(code.replace(/-/g, '')));
    advance(30_000);
  });

  it('when the code that turned TOTP on is used to sign in, then it works once and its replay is refused', async () => {
    const user = await registerUser(server.url);
    const me = as(server.url, user.accessToken);
    const { secret } = (await me.post('/api/auth/mfa/totp')).body;
    const code = codeAt(secret);
    assert.equal((await me.post('/api/auth/mfa/totp/verify', { code })).status, 200);
    assert.equal((await second(await mfaTokenFor(user), code)).status, 200);
    assertProblem(await second(await mfaTokenFor(user), code), 401, 'invalid_credentials');
    advance(30_000);
  });

  it('when no setup was started, then verify is a 400 and turning off is a 404', async () => {
    const user = await registerUser(server.url);
    const me = as(server.url, user.accessToken);
    assertProblem(await me.post('/api/auth/mfa/totp/verify', { code: '123456' }), 400, 'validation_failed');
    assertProblem(await me.delete('/api/auth/mfa/totp', { password: user.password, code: '123456' }), 404, 'not_found');
  });
});

describe('signing in with TOTP on', () => {
  it('when the password is right, then login answers mfa_required with no session, and the second step with a right code signs in', async () => {
    const user = await userWithTotp();
    const me = as(server.url, user.accessToken);
    const sessionsBefore = (await me.get('/api/auth/sessions')).body.sessions.length;
    const mfaToken = await mfaTokenFor(user);
    assert.equal((await me.get('/api/auth/sessions')).body.sessions.length, sessionsBefore);
    // A wrong password is still the plain invalid_credentials, with no mfaToken.
    const wrong = await login(user.user.email, 'not the password 1');
    assertProblem(wrong, 401, 'invalid_credentials');
    assert.equal(wrong.body.mfaToken, undefined);

    assertProblem(await second(mfaToken, '000000'), 401, 'invalid_credentials');
    const done = await second(mfaToken, codeAt(user.secret));
    assert.equal(done.status, 200, JSON.stringify(done.body));
    const auth = AuthResponse.parse(done.body);
    assert.equal(auth.user.id, user.user.id);
    assert.equal((await as(server.url, auth.accessToken).get('/api/auth/me')).status, 200);
    assert.equal((await me.get('/api/auth/sessions')).body.sessions.length, sessionsBefore + 1);

    // The mfaToken is single use; the code is refused on another mfaToken (replay).
    assertProblem(await second(mfaToken, codeAt(user.secret)), 401, 'unauthorized');
    assertProblem(await second(await mfaTokenFor(user), codeAt(user.secret)), 401, 'invalid_credentials');
    advance(30_000);
  });

  it('when a code is one step old or one step ahead, then it is accepted; two steps away, it is not', async () => {
    const user = await userWithTotp();
    assertProblem(await second(await mfaTokenFor(user), codeAt(user.secret, -60_000)), 401, 'invalid_credentials');
    assertProblem(await second(await mfaTokenFor(user), codeAt(user.secret, 60_000)), 401, 'invalid_credentials');
    assert.equal((await second(await mfaTokenFor(user), codeAt(user.secret, 30_000))).status, 200);
    // The step just used was the next one: the current and the previous steps are now in the past.
    assertProblem(await second(await mfaTokenFor(user), codeAt(user.secret)), 401, 'invalid_credentials');
    advance(60_000);
    assertProblem(await second(await mfaTokenFor(user), codeAt(user.secret, -30_000)), 401, 'invalid_credentials');
    assert.equal((await second(await mfaTokenFor(user), codeAt(user.secret))).status, 200);
    advance(30_000);
  });

  it('when a recovery code is used, then it works once, in any case and without dashes', async () => {
    const user = await userWithTotp();
    const [first, secondCode] = user.recoveryCodes;
    assert.equal((await second(await mfaTokenFor(user), first!)).status, 200);
    assertProblem(await second(await mfaTokenFor(user), first!), 401, 'invalid_credentials');
    assert.equal((await second(await mfaTokenFor(user), secondCode!.replace(/-/g, '').toLowerCase())).status, 200);
    assertProblem(await second(await mfaTokenFor(user), 'ZZZZ-ZZZZ-ZZZZ-ZZZZ'), 401, 'invalid_credentials');
  });

  it('when the mfaToken is older than 5 minutes or made up, then the second step is 401', async () => {
    const user = await userWithTotp();
    const mfaToken = await mfaTokenFor(user);
    advance(5 * 60_000 + 1_000);
    assertProblem(await second(mfaToken, codeAt(user.secret)), 401, 'unauthorized');
    assertProblem(await second(`mfa_${'A'.repeat(43)}`, codeAt(user.secret)), 401, 'unauthorized');
    assertProblem(await request(server.url, 'POST', '/api/auth/login/mfa', { body: { code: '123456' } }), 400, 'validation_failed');
    advance(30_000);
  });

  it('when wrong codes keep coming for one account, then the second step is limited like passwords (429), from any address', async () => {
    const user = await userWithTotp();
    for (let i = 0; i < 6; i++) assertProblem(await second(await mfaTokenFor(user), String(100000 + i)), 401, 'invalid_credentials');
    const limited = await second(await mfaTokenFor(user), codeAt(user.secret));
    assertProblem(limited, 429, 'rate_limited');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    // Another account is not affected.
    const other = await userWithTotp();
    assert.equal((await second(await mfaTokenFor(other), codeAt(other.secret))).status, 200);
    advance(30_000);
  });
});

describe('turning TOTP off', () => {
  it('when the password or the code is wrong, then it is 403; with both right, it is off, other sessions end, and login needs no code', async () => {
    const user = await userWithTotp();
    const me = as(server.url, user.accessToken);
    const otherToken = await mfaTokenFor(user);
    const other = AuthResponse.parse((await second(otherToken, codeAt(user.secret))).body);
    advance(30_000);
    assertProblem(await me.delete('/api/auth/mfa/totp', { password: 'not the password 2', code: codeAt(user.secret) }), 403, 'invalid_credentials');
    assertProblem(await me.delete('/api/auth/mfa/totp', { password: user.password, code: '000000' }), 403, 'invalid_credentials');
    assert.equal((await me.delete('/api/auth/mfa/totp', { password: user.password, code: codeAt(user.secret) })).status, 204);
    assertProblem(await as(server.url, other.accessToken).get('/api/auth/me'), 401, 'unauthorized');
    assert.equal((await login(user.user.email, user.password)).status, 200);
    const exported = (await me.get('/api/account/export')).body;
    assert.equal(exported.mfa.totpEnabled, false);
  });

  it('when the account is exported with TOTP on, then it says so and how many recovery codes are left, never the secret or a code', async () => {
    const user = await userWithTotp();
    assert.equal((await second(await mfaTokenFor(user), user.recoveryCodes[0]!)).status, 200);
    const exported = (await as(server.url, user.accessToken).get('/api/account/export')).body;
    assert.equal(exported.mfa.totpEnabled, true);
    assert.equal(exported.mfa.recoveryCodesLeft, 9);
    const text = JSON.stringify(exported);
    assert.ok(!text.includes(user.secret));
    for (const code of user.recoveryCodes) assert.ok(!text.includes(code));
  });
});

describe('two-factor status', () => {
  it('when TOTP is off, then GET /api/auth/mfa says off with no codes; when on, it says on with the codes left and never the secret', async () => {
    const plain = await registerUser(server.url);
    const off = await as(server.url, plain.accessToken).get('/api/auth/mfa');
    assert.equal(off.status, 200, JSON.stringify(off.body));
    assert.deepEqual(MfaStatus.parse(off.body), { totpEnabled: false, enabledAt: null, recoveryCodesLeft: 0, passkeys: 0 });

    const user = await userWithTotp();
    const session = AuthResponse.parse((await second(await mfaTokenFor(user), user.recoveryCodes[0]!)).body);
    const on = await as(server.url, session.accessToken).get('/api/auth/mfa');
    assert.equal(on.status, 200, JSON.stringify(on.body));
    const status = MfaStatus.parse(on.body);
    assert.equal(status.totpEnabled, true);
    assert.equal(status.recoveryCodesLeft, 9);
    assert.equal(new Date(status.enabledAt!).getTime() <= now, true);
    assert.ok(!JSON.stringify(on.body).includes(user.secret));
  });

  it('when asked without a session or with a personal access token, then it is refused', async () => {
    assertProblem(await request(server.url, 'GET', '/api/auth/mfa'), 401, 'unauthorized');
    const user = await registerUser(server.url);
    const created = await as(server.url, user.accessToken).post('/api/auth/tokens', { name: 'script', scopes: ['chat'] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assertProblem(await as(server.url, created.body.token).get('/api/auth/mfa'), 403, 'forbidden');
  });
});
