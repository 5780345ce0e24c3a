// Passkeys over real HTTP with a software authenticator: add one or more,
// sign in without a password (discoverable credentials), list, remove; a
// challenge is taken once and expires; a wrong origin, another key or a
// replayed counter is refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuthResponse, PasskeyOptionsResponse, PasskeysResponse, Problem } from '@lifeos/contract';
import { as, registerUser, request } from './helpers/http.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { assert as assertion, createPasskey, type SoftPasskey } from './helpers/soft-authenticator.ts';

const APP_URL = 'https://lifeos.example.test';
let server: TestServer;
before(async () => {
  server = await startTestServer({ env: { APP_URL } });
});
after(() => server.close());

function assertProblem(res: { status: number; body: unknown }, status: number, code: string) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(Problem.parse(res.body).code, code);
}

async function addPasskey(accessToken: string, name?: string): Promise<SoftPasskey> {
  const me = as(server.url, accessToken);
  const start = PasskeyOptionsResponse.parse((await me.post('/api/auth/passkeys/register/options')).body);
  const options = start.options as { challenge: string; rp: { id: string; name: string }; user: { id: string; name: string } };
  const { passkey, response } = createPasskey(options, APP_URL);
  const done = await me.post('/api/auth/passkeys/register', { challengeId: start.challengeId, response, ...(name ? { name } : {}) });
  assert.equal(done.status, 201, JSON.stringify(done.body));
  return passkey;
}

async function signInWith(passkey: SoftPasskey, tweak: { origin?: string; counter?: number } = {}) {
  const start = PasskeyOptionsResponse.parse((await request(server.url, 'POST', '/api/auth/passkeys/login/options')).body);
  const response = assertion(passkey, start.options as { challenge: string; rpId: string }, APP_URL, tweak);
  return request(server.url, 'POST', '/api/auth/passkeys/login', { body: { challengeId: start.challengeId, response, deviceName: 'Laptop' } });
}

describe('passkeys', () => {
  it('when a passkey is added, then the options name the RP from APP_URL and the user, and it signs in without a password', async () => {
    const user = await registerUser(server.url);
    const me = as(server.url, user.accessToken);
    const start = (await me.post('/api/auth/passkeys/register/options')).body;
    assert.equal(start.options.rp.id, 'lifeos.example.test');
    assert.equal(start.options.user.name, user.user.email);
    assert.equal(start.options.authenticatorSelection.residentKey, 'required');

    const passkey = await addPasskey(user.accessToken, 'Laptop key');
    const list = PasskeysResponse.parse((await me.get('/api/auth/passkeys')).body).passkeys;
    assert.deepEqual(list.map((p) => [p.name, p.lastUsedAt]), [['Laptop key', null]]);

    const signedIn = await signInWith(passkey);
    assert.equal(signedIn.status, 200, JSON.stringify(signedIn.body));
    const auth = AuthResponse.parse(signedIn.body);
    assert.equal(auth.user.id, user.user.id);
    assert.equal((await as(server.url, auth.accessToken).get('/api/auth/me')).status, 200);
    assert.ok(PasskeysResponse.parse((await me.get('/api/auth/passkeys')).body).passkeys[0]!.lastUsedAt);
    // A second passkey for the same user works too, and the export lists both without keys.
    const another = await addPasskey(user.accessToken, 'Phone');
    assert.equal((await signInWith(another)).status, 200);
    const exported = (await me.get('/api/account/export')).body;
    assert.deepEqual(exported.passkeys.map((p: { name: string }) => p.name).sort(), ['Laptop key', 'Phone']);
    assert.ok(!/publicKey|credentialId/i.test(JSON.stringify(exported.passkeys)));
    // The security status counts them, so the app can say how the account signs in.
    assert.equal((await me.get('/api/auth/mfa')).body.passkeys, 2);
    assert.equal(exported.mfa.passkeys, 2);
  });

  it('when a ceremony is replayed, comes from another origin, or its counter goes back, then it is refused', async () => {
    const user = await registerUser(server.url);
    const me = as(server.url, user.accessToken);
    // A registration challenge is used once.
    const start = PasskeyOptionsResponse.parse((await me.post('/api/auth/passkeys/register/options')).body);
    const { response } = createPasskey(start.options as never, APP_URL);
    assert.equal((await me.post('/api/auth/passkeys/register', { challengeId: start.challengeId, response })).status, 201);
    assertProblem(await me.post('/api/auth/passkeys/register', { challengeId: start.challengeId, response }), 400, 'validation_failed');
    // Another user cannot finish my ceremony.
    const other = await registerUser(server.url);
    const mine = PasskeyOptionsResponse.parse((await me.post('/api/auth/passkeys/register/options')).body);
    const forOther = createPasskey(mine.options as never, APP_URL);
    assertProblem(await as(server.url, other.accessToken).post('/api/auth/passkeys/register', { challengeId: mine.challengeId, response: forOther.response }), 400, 'validation_failed');
    // An attestation for another site is refused.
    const wrongSite = PasskeyOptionsResponse.parse((await me.post('/api/auth/passkeys/register/options')).body);
    assertProblem(
      await me.post('/api/auth/passkeys/register', { challengeId: wrongSite.challengeId, response: createPasskey(wrongSite.options as never, 'https://evil.example').response }),
      400,
      'validation_failed',
    );

    const passkey = await addPasskey(user.accessToken);
    assertProblem(await signInWith(passkey, { origin: 'https://evil.example' }), 401, 'invalid_credentials');
    assert.equal((await signInWith(passkey, { counter: 5 })).status, 200);
    assertProblem(await signInWith(passkey, { counter: 5 }), 401, 'invalid_credentials');
    assertProblem(await signInWith(passkey, { counter: 3 }), 401, 'invalid_credentials');

    // A sign-in challenge is used once.
    const login = PasskeyOptionsResponse.parse((await request(server.url, 'POST', '/api/auth/passkeys/login/options')).body);
    const signed = assertion(passkey, login.options as never, APP_URL, { counter: 10 });
    assert.equal((await request(server.url, 'POST', '/api/auth/passkeys/login', { body: { challengeId: login.challengeId, response: signed } })).status, 200);
    assertProblem(await request(server.url, 'POST', '/api/auth/passkeys/login', { body: { challengeId: login.challengeId, response: signed } }), 401, 'invalid_credentials');
  });

  it('when a challenge is older than 5 minutes, or the key is unknown, then sign-in is 401', async () => {
    const user = await registerUser(server.url);
    const passkey = await addPasskey(user.accessToken);
    const login = PasskeyOptionsResponse.parse((await request(server.url, 'POST', '/api/auth/passkeys/login/options')).body);
    server.clock.now = new Date(Date.now() + 6 * 60_000);
    try {
      const late = assertion(passkey, login.options as never, APP_URL);
      assertProblem(await request(server.url, 'POST', '/api/auth/passkeys/login', { body: { challengeId: login.challengeId, response: late } }), 401, 'invalid_credentials');
    } finally {
      server.clock.now = null;
    }
    const stranger = createPasskey({ challenge: 'x', rp: { id: 'lifeos.example.test' }, user: { id: 'AAAA' } }, APP_URL).passkey;
    assertProblem(await signInWith(stranger), 401, 'invalid_credentials');
  });

  it('when a passkey is removed, then it no longer signs in, and removing it again or another user’s is 404', async () => {
    const user = await registerUser(server.url);
    const me = as(server.url, user.accessToken);
    const passkey = await addPasskey(user.accessToken);
    const [listed] = PasskeysResponse.parse((await me.get('/api/auth/passkeys')).body).passkeys;
    const other = await registerUser(server.url);
    assertProblem(await as(server.url, other.accessToken).delete(`/api/auth/passkeys/${listed!.id}`), 404, 'not_found');
    assert.equal((await me.delete(`/api/auth/passkeys/${listed!.id}`)).status, 204);
    assertProblem(await me.delete(`/api/auth/passkeys/${listed!.id}`), 404, 'not_found');
    assertProblem(await signInWith(passkey), 401, 'invalid_credentials');
    assert.deepEqual(PasskeysResponse.parse((await me.get('/api/auth/passkeys')).body).passkeys, []);
  });
});
