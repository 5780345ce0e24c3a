// Account security in a real browser: passkeys with Chromium's virtual
// authenticator (CDP WebAuthn domain), and sign-in's two-factor step with a
// TOTP code computed here. The page is opened at http://localhost:PORT: the
// server's RP ID and origin come from APP_URL (http://localhost:PORT by
// default in development), WebAuthn needs a domain rather than an IP
// address, and localhost counts as a secure context.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as OTPAuth from 'otpauth';
import { skipWithout } from '../../server/test/helpers/system-servers.ts';
import { PHONE, accessToken, composer, confirmInApp, launchBrowser, login, newAccount, register, startServer, type Browser, type RunningServer } from './helpers.ts';

async function api(base: string, method: string, path: string, body?: unknown, token?: string) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** A platform authenticator with resident keys and user verification, as a phone or laptop has. */
async function addVirtualAuthenticator(b: Browser) {
  const cdp = await b.context.newCDPSession(b.page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
  });
  return { credentials: async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials };
}

async function openAccount(b: Browser) {
  await b.page.getByTestId('nav-settings').click();
  await b.page.getByRole('link', { name: /Account/ }).click();
}

describe('Account security in a browser', { skip: await skipWithout('chromium') }, () => {
  let server: RunningServer;
  let base: string;
  before(async () => {
    server = await startServer();
    base = server.url.replace('127.0.0.1', 'localhost');
  });
  after(() => server?.close());

  it('when a passkey is added on the Account screen, then after signing out it signs in without an email, and once removed it no longer does', async () => {
    const b = await launchBrowser({ viewport: PHONE });
    try {
      const authenticator = await addVirtualAuthenticator(b);
      const account = newAccount();
      await register(b.page, base, account);
      await openAccount(b);
      await b.page.getByText('No passkeys yet.').waitFor();
      await b.page.getByLabel('Passkey name (optional)').fill('E2E laptop');
      await b.page.getByRole('button', { name: 'Add a passkey' }).click();
      await b.page.getByText(/Passkey added/).waitFor();
      await b.page.getByTestId('passkey-row').filter({ hasText: 'E2E laptop' }).filter({ hasText: 'never used' }).waitFor();
      const stored = await authenticator.credentials();
      assert.equal(stored.length, 1);
      assert.equal(stored[0]!.isResidentCredential, true, 'a discoverable credential, so no email is needed to sign in');

      await b.page.getByTestId('account-logout').click();
      await b.page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      await composer(b.page).waitFor({ timeout: 20_000 });
      const token = await accessToken(b.page);
      const listed = await api(base, 'GET', '/api/auth/passkeys', undefined, token);
      assert.equal(listed.body.passkeys.length, 1);
      assert.notEqual(listed.body.passkeys[0].lastUsedAt, null);

      await openAccount(b);
      await b.page.getByTestId('passkey-row').filter({ hasText: 'last used' }).waitFor();
      await b.page.getByRole('button', { name: 'Remove passkey E2E laptop' }).click();
      await confirmInApp(b.page);
      await b.page.getByText('No passkeys yet.').waitFor();
      assert.deepEqual((await api(base, 'GET', '/api/auth/passkeys', undefined, token)).body.passkeys, []);

      // The device still holds the credential, but the server has forgotten it.
      await b.page.getByTestId('account-logout').click();
      await b.page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      await b.page.getByText(/This passkey could not sign you in/).waitFor();
      assert.match(b.page.url(), /\/login$/);
      assert.deepEqual(b.errors, []);
    } finally {
      await b.close();
    }
  });

  it('when two-factor is on, then sign-in asks for the code, refuses a wrong one in plain words, and the right one opens the chat; the Account screen says it is on', async () => {
    const account = newAccount();
    const registered = await api(server.url, 'POST', '/api/auth/register', account);
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    const setup = await api(server.url, 'POST', '/api/auth/mfa/totp', undefined, registered.body.accessToken);
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(setup.body.secret), digits: 6, period: 30, algorithm: 'SHA1' });
    const verified = await api(server.url, 'POST', '/api/auth/mfa/totp/verify', { code: totp.generate() }, registered.body.accessToken);
    assert.equal(verified.status, 200, JSON.stringify(verified.body));

    const b = await launchBrowser({ viewport: PHONE });
    try {
      await b.page.goto(`${base}/login`);
      await b.page.getByLabel('Email').fill(account.email);
      await b.page.getByLabel('Password', { exact: true }).fill(account.password);
      await b.page.getByRole('button', { name: 'Sign in', exact: true }).click();
      const code = b.page.getByLabel('Code from your app');
      await code.waitFor();

      const right = totp.generate({ timestamp: Date.now() + 30_000 }); // the next step: the one of the setup is used up
      await code.fill(right === '000000' ? '111111' : '000000');
      await b.page.getByRole('button', { name: 'Verify and sign in' }).click();
      await b.page.getByText(/That code is not right, or it was used already/).waitFor();

      await code.fill(right);
      await b.page.getByRole('button', { name: 'Verify and sign in' }).click();
      await composer(b.page).waitFor({ timeout: 20_000 });

      await openAccount(b);
      await b.page.getByText('Two-factor sign-in is on.').waitFor();
      await b.page.getByText('10 recovery codes left.').waitFor();
      await b.page.getByRole('button', { name: 'Turn off two-factor sign-in' }).waitFor();
      assert.deepEqual(b.errors, []);
    } finally {
      await b.close();
    }
  });

  it('when two-factor is off, then the Account screen says so and signing in needs only the password', async () => {
    const b = await launchBrowser({ viewport: PHONE });
    try {
      const account = newAccount();
      await register(b.page, base, account);
      await b.page.getByTestId('nav-settings').click();
      await b.page.getByRole('link', { name: /Account/ }).click();
      await b.page.getByText('Two-factor sign-in is off.').waitFor();
      await b.page.getByTestId('account-logout').click();
      await login(b.page, base, account);
    } finally {
      await b.close();
    }
  });
});
