// Password reset and security notices over real HTTP, with a real SMTP sink
// on 127.0.0.1 as the server's outgoing mail (SMTP_URL).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as OTPAuth from 'otpauth';
import { Problem } from '@lifeos/contract';
import { onBusinessEvent } from '../src/lib/events.ts';
import { as, registerUser, request, uniqueEmail } from './helpers/http.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from './helpers/smtp-sink.ts';

const APP_URL = 'https://lifeos.example.test';
let sink: SmtpSink;
let server: TestServer;
before(async () => {
  sink = await startSmtpSink();
  try {
    server = await startTestServer({
      env: { SMTP_URL: `smtp+insecure://${sink.host}:${sink.port}`, MAIL_FROM: 'LifeOS <lifeos@example.test>', APP_URL, TRUST_PROXY: 'true', RATE_LIMIT_PASSWORD_CHECK: '3' },
    });
  } catch (err) {
    await sink.stop();
    throw err;
  }
});
after(async () => {
  await server?.close();
  await sink.stop();
});

let addressCounter = 1;
const post = (path: string, body: unknown, address = `198.51.100.${addressCounter++}`) =>
  request(server.url, 'POST', path, { body, headers: { 'x-forwarded-for': address } });

function assertProblem(res: { status: number; body: unknown }, status: number, code: string) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(Problem.parse(res.body).code, code);
}

/** The next mail to `to`, waiting for it. */
async function mailTo(to: string, subject: RegExp, timeoutMs = 5_000): Promise<ReceivedMail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = sink.received.find((m) => m.envelope.to.includes(to) && subject.test(m.parsed.subject ?? ''));
    if (found) {
      sink.received.splice(sink.received.indexOf(found), 1);
      return found;
    }
    if (Date.now() > deadline) throw new Error(`no mail "${subject}" to ${to}; got ${sink.received.map((m) => m.parsed.subject)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const linkToken = (mail: ReceivedMail) => {
  const match = /https:\/\/lifeos\.example\.test\/reset\?token=([A-Za-z0-9_-]+)/.exec(mail.parsed.text ?? '');
  assert.ok(match, mail.parsed.text);
  return match[1]!;
};

describe('forgot password', () => {
  it('when a known email asks, then it is 202 and a mail with a single-use reset link arrives; an unknown email gets the same 202 and no mail', async () => {
    const user = await registerUser(server.url);
    const known = await post('/api/auth/password/forgot', { email: user.user.email.toUpperCase() });
    const ghost = uniqueEmail('ghost');
    const unknown = await post('/api/auth/password/forgot', { email: ghost });
    assert.equal(known.status, 202);
    assert.equal(unknown.status, 202);
    assert.equal(known.body, unknown.body);
    const mail = await mailTo(user.user.email, /Reset your LifeOS password/);
    assert.equal(mail.envelope.from, 'lifeos@example.test');
    assert.equal(linkToken(mail).length, 43);
    assert.ok(!mail.parsed.text!.includes(user.password));
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(!sink.received.some((m) => m.envelope.to.includes(ghost)));
  });

  it('when one address or one account asks too often, then it is 429', async () => {
    const user = await registerUser(server.url);
    const address = '192.0.2.77';
    for (let i = 0; i < 3; i++) assert.equal((await post('/api/auth/password/forgot', { email: uniqueEmail('spray') }, address)).status, 202);
    assertProblem(await post('/api/auth/password/forgot', { email: user.user.email }, address), 429, 'rate_limited');
    for (let i = 0; i < 3; i++) assert.equal((await post('/api/auth/password/forgot', { email: user.user.email })).status, 202);
    assertProblem(await post('/api/auth/password/forgot', { email: user.user.email }), 429, 'rate_limited');
  });

  it('when SMTP_URL is smtp:// and the relay offers no STARTTLS, then nothing is sent in the clear', async () => {
    const strict = await startTestServer({ env: { SMTP_URL: `smtp://${sink.host}:${sink.port}`, MAIL_FROM: 'lifeos@example.test', APP_URL } });
    const failures: unknown[] = [];
    const stop = onBusinessEvent((event, fields) => {
      if (event === 'mail.notice_failed') failures.push(fields);
    });
    try {
      const user = await registerUser(strict.url);
      assert.equal((await request(strict.url, 'POST', '/api/auth/password/forgot', { body: { email: user.user.email } })).status, 202);
      const deadline = Date.now() + 10_000;
      while (failures.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.equal(failures.length, 1);
      assert.match(JSON.stringify(failures[0]), /STARTTLS/i);
      assert.ok(!sink.received.some((m) => m.envelope.to.includes(user.user.email)));
    } finally {
      stop();
      await strict.close();
    }
  });

  it('when the server has no outgoing mail, then forgot is 503', async () => {
    const bare = await startTestServer();
    try {
      assertProblem(await request(bare.url, 'POST', '/api/auth/password/forgot', { body: { email: uniqueEmail() } }), 503, 'service_unavailable');
    } finally {
      await bare.close();
    }
  });
});

describe('reset password', () => {
  it('when the link is used, then the password changes, every session and every other link is revoked, a notice is sent, and the link works once', async () => {
    const user = await registerUser(server.url);
    const laptop = (await post('/api/auth/login', { email: user.user.email, password: user.password })).body;
    await post('/api/auth/password/forgot', { email: user.user.email });
    const older = linkToken(await mailTo(user.user.email, /Reset/));
    await post('/api/auth/password/forgot', { email: user.user.email });
    const token = linkToken(await mailTo(user.user.email, /Reset/));

    // A weak password is refused and the link stays usable.
    const weak = await post('/api/auth/password/reset', { token, newPassword: 'password123' });
    assertProblem(weak, 400, 'validation_failed');
    assert.equal(weak.body.errors[0].path, 'newPassword');

    assert.equal((await post('/api/auth/password/reset', { token, newPassword: 'a fresh long passphrase 3' })).status, 204);
    for (const access of [user.accessToken, laptop.accessToken]) assertProblem(await as(server.url, access).get('/api/auth/me'), 401, 'unauthorized');
    assertProblem(await post('/api/auth/refresh', { refreshToken: laptop.refreshToken }), 401, 'unauthorized');
    assertProblem(await post('/api/auth/login', { email: user.user.email, password: user.password }), 401, 'invalid_credentials');
    assert.equal((await post('/api/auth/login', { email: user.user.email, password: 'a fresh long passphrase 3' })).status, 200);

    const notice = await mailTo(user.user.email, /password was changed/);
    assert.ok(!notice.parsed.text!.includes('a fresh long passphrase 3'));
    for (const used of [token, older]) {
      const res = await post('/api/auth/password/reset', { token: used, newPassword: 'another long passphrase 4' });
      assertProblem(res, 400, 'validation_failed');
      assert.equal(res.body.errors[0].path, 'token');
    }
  });

  it('when the link is older than 30 minutes or made up, then it is 400', async () => {
    const user = await registerUser(server.url);
    await post('/api/auth/password/forgot', { email: user.user.email });
    const token = linkToken(await mailTo(user.user.email, /Reset/));
    server.clock.now = new Date(Date.now() + 31 * 60_000);
    try {
      assertProblem(await post('/api/auth/password/reset', { token, newPassword: 'a fresh long passphrase 5' }), 400, 'validation_failed');
    } finally {
      server.clock.now = null;
    }
    assertProblem(await post('/api/auth/password/reset', { token: 'A'.repeat(43), newPassword: 'a fresh long passphrase 5' }), 400, 'validation_failed');
    assertProblem(await post('/api/auth/password/reset', { token }), 400, 'validation_failed');
  });
});

describe('security notices', () => {
  it('when a new device signs in, the password is changed, or two-factor is turned on or off, then the user gets a plain mail without secrets', async () => {
    const user = await registerUser(server.url, { deviceName: 'Phone' });
    assert.equal((await post('/api/auth/login', { email: user.user.email, password: user.password, deviceName: 'Phone' })).status, 200);
    assert.equal((await post('/api/auth/login', { email: user.user.email, password: user.password, deviceName: 'Kiosk in Lisbon' })).status, 200);
    const signIn = await mailTo(user.user.email, /new device/);
    assert.match(signIn.parsed.text!, /Kiosk in Lisbon/);
    assert.equal(signIn.parsed.html, false);

    const me = as(server.url, user.accessToken);
    assert.equal((await me.post('/api/auth/password', { currentPassword: user.password, newPassword: 'changed long passphrase 6' })).status, 204);
    await mailTo(user.user.email, /password was changed/);

    const { secret } = (await me.post('/api/auth/mfa/totp')).body;
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) });
    assert.equal((await me.post('/api/auth/mfa/totp/verify', { code: totp.generate() })).status, 200);
    const on = await mailTo(user.user.email, /Two-factor sign-in is on/);
    assert.ok(!on.parsed.text!.includes(secret));
    const { recoveryCodes } = (await me.post('/api/auth/mfa/totp/verify', { code: totp.generate() })).body ?? {};
    assert.equal(recoveryCodes, undefined);
    assert.equal((await me.delete('/api/auth/mfa/totp', { password: 'changed long passphrase 6', code: (await codeNotUsed(totp)) })).status, 204);
    await mailTo(user.user.email, /turned off/);
    // The only mail the first device's sign-ins caused was for the new device.
    assert.ok(!sink.received.some((m) => m.envelope.to.includes(user.user.email)), sink.received.map((m) => m.parsed.subject).join());
  });
});

/** A code of the next step (the current one was used to turn two-factor on): accepted within the ±1 window. */
async function codeNotUsed(totp: OTPAuth.TOTP): Promise<string> {
  return totp.generate({ timestamp: Date.now() + 30_000 });
}
