// Password guessing over real HTTP: spraying from one address, one account
// from many addresses, a stolen token guessing the password behind it, and a
// flood of password hashes. Addresses come from X-Forwarded-For (TRUST_PROXY).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Problem } from '@lifeos/contract';
import { as, registerUser, request, uniqueEmail } from './helpers/http.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

const LIMITS = {
  TRUST_PROXY: 'true',
  RATE_LIMIT_LOGIN: '4',
  RATE_LIMIT_LOGIN_ADDRESS: '8',
  RATE_LIMIT_LOGIN_ACCOUNT: '12',
  RATE_LIMIT_PASSWORD_CHECK: '3',
};

let server: TestServer;
before(async () => {
  server = await startTestServer({ env: LIMITS });
});
after(() => server.close());

let addressCounter = 1;
const newAddress = () => `198.51.100.${addressCounter++}`;

const login = (email: string, password: string, address: string) =>
  request(server.url, 'POST', '/api/auth/login', { body: { email, password }, headers: { 'x-forwarded-for': address } });

function assertLimited(res: { status: number; headers: Headers; body: unknown }) {
  assert.equal(res.status, 429, JSON.stringify(res.body));
  assert.equal(Problem.parse(res.body).code, 'rate_limited');
  assert.ok(Number(res.headers.get('retry-after')) >= 1);
}

describe('password spraying from one address', () => {
  it('when one address tries a password against many emails, then it is limited after the address limit, and a real user elsewhere still signs in', async () => {
    const victims = await Promise.all([0, 1, 2].map(() => registerUser(server.url)));
    const sprayer = newAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) {
      const email = i < victims.length ? victims[i]!.user.email : uniqueEmail('sprayed');
      const res = await login(email, 'Summer2026!', sprayer);
      statuses.push(res.status);
      if (res.status === 429) assertLimited(res);
    }
    assert.deepEqual(statuses, [...Array(8).fill(401), ...Array(6).fill(429)]);
    // The sprayer is refused even with a right password now: the answer says nothing about the guess.
    assertLimited(await login(victims[0]!.user.email, victims[0]!.password, sprayer));
    // The real user, from their own address, is not affected.
    assert.equal((await login(victims[0]!.user.email, victims[0]!.password, newAddress())).status, 200);
  });
});

describe('guessing one account from many addresses', () => {
  it('when failures for one account come from many addresses, then the account is limited across addresses while other accounts are not', async () => {
    const target = await registerUser(server.url);
    for (let i = 0; i < 12; i++) assert.equal((await login(target.user.email, `Guess-${i}-autumn`, newAddress())).status, 401);
    assertLimited(await login(target.user.email, `Guess-13-autumn`, newAddress()));
    assertLimited(await login(target.user.email.toUpperCase(), target.password, newAddress()));
    const other = await registerUser(server.url);
    assert.equal((await login(other.user.email, other.password, newAddress())).status, 200);
  });

  it('when a user signs in right between typos, then only the failures count', async () => {
    const user = await registerUser(server.url);
    const address = newAddress();
    for (let i = 0; i < 3; i++) assert.equal((await login(user.user.email, `typo-${i}-password`, address)).status, 401);
    for (let i = 0; i < 5; i++) assert.equal((await login(user.user.email, user.password, address)).status, 200);
    // Three failures so far, whatever the successes: one more is allowed (the limit is 4), then no more.
    assert.equal((await login(user.user.email, 'typo-3-password', address)).status, 401);
    assertLimited(await login(user.user.email, 'one-more-typo-password', address));
  });
});

describe('guessing the password behind a stolen token', () => {
  it('when a session keeps re-entering a wrong password, then password change and account deletion are limited per session, then per user', async () => {
    const user = await registerUser(server.url);
    const stolen = as(server.url, user.accessToken);
    for (let i = 0; i < 3; i++) {
      const res = await stolen.post('/api/auth/password', { currentPassword: `guess-${i}-password`, newPassword: 'a brand new passphrase 7' });
      assert.equal(res.status, 403);
      assert.equal(res.body.code, 'invalid_credentials');
    }
    assertLimited(await stolen.post('/api/auth/password', { currentPassword: user.password, newPassword: 'a brand new passphrase 7' }));
    // Deleting the account checks the same password: the same counters.
    assertLimited(await stolen.delete('/api/account', { password: 'guess-9-password' }));

    // A second session of the same user gets the rest of the per-user allowance, then none.
    const second = (await login(user.user.email, user.password, newAddress())).body;
    const other = as(server.url, second.accessToken);
    for (let i = 0; i < 3; i++) assert.equal((await other.delete('/api/account', { password: `again-${i}-password` })).status, 403);
    assertLimited(await other.delete('/api/account', { password: user.password }));
    const third = (await login(user.user.email, user.password, newAddress())).body;
    assertLimited(await as(server.url, third.accessToken).post('/api/auth/password', { currentPassword: user.password, newPassword: 'x brand new passphrase 8' }));

    // The account is still there and its password unchanged; another user is not limited.
    assert.equal((await login(user.user.email, user.password, newAddress())).status, 200);
    const bystander = await registerUser(server.url);
    assert.equal(
      (await as(server.url, bystander.accessToken).post('/api/auth/password', { currentPassword: bystander.password, newPassword: 'another fine passphrase 9' })).status,
      204,
    );
  });
});

describe('a flood of password hashes', () => {
  it('when more logins and registrations arrive at once than may hash and wait, then the rest get 503 with Retry-After and the server recovers', async () => {
    const busy = await startTestServer({
      env: { TRUST_PROXY: 'true', PASSWORD_HASH_CONCURRENCY: '1', PASSWORD_HASH_QUEUE: '2', RATE_LIMIT_LOGIN_ADDRESS: '1000', RATE_LIMIT_LOGIN_ACCOUNT: '1000' },
    });
    try {
      const user = await registerUser(busy.url);
      const burst = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          i % 2
            ? request(busy.url, 'POST', '/api/auth/login', { body: { email: uniqueEmail('flood'), password: 'whatever-password' }, headers: { 'x-forwarded-for': `192.0.2.${i + 1}` } })
            : request(busy.url, 'POST', '/api/auth/register', { body: { email: uniqueEmail('flood'), password: 'a sturdy passphrase 42' }, headers: { 'x-forwarded-for': `192.0.2.${i + 1}` } }),
        ),
      );
      // How many overflow depends on how fast they arrive; the exact rule is in passwords.test.ts.
      const unavailable = burst.filter((r) => r.status === 503);
      assert.ok(unavailable.length >= 1, `statuses: ${burst.map((r) => r.status)}`);
      for (const res of unavailable) {
        assert.equal(Problem.parse(res.body).code, 'service_unavailable');
        assert.equal(res.headers.get('retry-after'), '1');
      }
      // Those that got a slot were answered normally.
      for (const res of burst.filter((r) => r.status !== 503)) assert.ok([201, 401].includes(res.status), String(res.status));
      assert.equal((await request(busy.url, 'POST', '/api/auth/login', { body: { email: user.user.email, password: user.password } })).status, 200);
    } finally {
      await busy.close();
    }
  });

  it('when one address sends a burst of logins, then they wait in that address’s own line, and another address still gets a hash slot at once', async () => {
    const busy = await startTestServer({
      env: {
        TRUST_PROXY: 'true',
        PASSWORD_HASH_CONCURRENCY: '1',
        PASSWORD_HASH_QUEUE: '1',
        PASSWORD_HASH_PER_CLIENT: '1',
        RATE_LIMIT_LOGIN_ADDRESS: '1000',
        RATE_LIMIT_LOGIN_ACCOUNT: '1000',
      },
    });
    try {
      const user = await registerUser(busy.url);
      const burst = Array.from({ length: 12 }, () =>
        request(busy.url, 'POST', '/api/auth/login', { body: { email: uniqueEmail('burst'), password: 'whatever-password' }, headers: { 'x-forwarded-for': '192.0.2.200' } }),
      );
      await new Promise((r) => setTimeout(r, 50));
      const real = await request(busy.url, 'POST', '/api/auth/login', { body: { email: user.user.email, password: user.password }, headers: { 'x-forwarded-for': '192.0.2.201' } });
      assert.equal(real.status, 200, JSON.stringify(real.body));
      // The burst is slowed, not refused: every one of its tries was checked in turn.
      assert.deepEqual((await Promise.all(burst)).map((r) => r.status), Array(12).fill(401));
    } finally {
      await busy.close();
    }
  });
});
