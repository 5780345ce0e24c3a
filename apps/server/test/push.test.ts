// Web Push against a push-service stand-in that decrypts what it receives with the
// subscription's keys (RFC 8291) and verifies the VAPID signature (RFC 8292); Expo
// push against a fake of Expo's API.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startJobs, type JobRunner } from '../src/jobs/job-runner.ts';
import { startFakeExpo, type FakeExpo } from './helpers/fake-expo.ts';
import { as, registerUser, request } from './helpers/http.ts';
import { startPushService, type PushServiceStandIn } from './helpers/push-service.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 150));
  }
}

describe('push notifications', () => {
  let server: TestServer;
  let runner: JobRunner;
  let pushService: PushServiceStandIn;
  let expo: FakeExpo;
  before(async () => {
    pushService = await startPushService();
    expo = await startFakeExpo();
    server = await startTestServer({ env: { EXPO_PUSH_URL: expo.url, EXPO_RECEIPT_DELAY_SECONDS: '1', EXPO_ACCESS_TOKEN: 'expo-secret-token' } });
    runner = await startJobs(server.ctx, []);
  });
  after(async () => {
    await runner?.stop();
    await server?.close();
    await pushService?.close();
    await expo?.close();
  });

  it('when the app asks for the push config, then it gets the VAPID public key and whether Expo push is on', async () => {
    const user = await registerUser(server.url);
    const { status, body } = await as(server.url, user.accessToken).get('/api/push/config');
    assert.equal(status, 200);
    assert.equal(Buffer.from(body.webPush.publicKey, 'base64url').length, 65);
    assert.equal(body.expo, true);
    const anonymous = await request(server.url, 'GET', '/api/push/config');
    assert.deepEqual(anonymous.body, body, 'the public key needs no token');
  });

  it('when a browser subscribes twice with the same endpoint, then the second answer is 200 with the same id', async () => {
    const user = await registerUser(server.url);
    const api = as(server.url, user.accessToken);
    const sub = { kind: 'webpush', ...pushService.subscription('/push/twice') };
    const first = await api.post('/api/push/subscriptions', sub);
    assert.equal(first.status, 201);
    assert.deepEqual(Object.keys(first.body.subscription).sort(), ['createdAt', 'current', 'id', 'kind', 'sessionId']);
    const second = await api.post('/api/push/subscriptions', sub);
    assert.equal(second.status, 200);
    assert.equal(second.body.subscription.id, first.body.subscription.id);
    const list = await api.get('/api/push/subscriptions');
    assert.deepEqual(list.body.subscriptions.map((s: any) => [s.id, s.current]), [[first.body.subscription.id, true]]);
  });

  it('when a test notification is sent, then the push service receives an aes128gcm payload it can decrypt, signed with VAPID, with TTL and Urgency', async () => {
    const user = await registerUser(server.url);
    const api = as(server.url, user.accessToken);
    const before = pushService.received.length;
    await api.post('/api/push/subscriptions', { kind: 'webpush', ...pushService.subscription('/push/test-note') });
    const sent = await api.post('/api/push/test');
    assert.equal(sent.status, 202);
    const [push] = (await pushService.waitFor(before + 1)).slice(before);
    assert.equal(push!.path, '/push/test-note');
    assert.deepEqual(Object.keys(push!.payload).sort(), ['body', 'messageId', 'title', 'url']);
    assert.equal(push!.payload.title, 'LifeOS');
    assert.equal(push!.payload.messageId, null);
    assert.equal(push!.headers['content-encoding'], 'aes128gcm');
    assert.equal(push!.headers.ttl, '86400');
    assert.equal(push!.headers.urgency, 'high');
    assert.equal(push!.jwtHeader.alg, 'ES256');
    assert.equal(push!.jwt.aud, pushService.url);
    assert.match(String(push!.jwt.sub), /^(mailto:|https:\/\/)/);
    const now = Date.now() / 1000;
    assert.ok(push!.jwt.exp! > now && push!.jwt.exp! <= now + 24 * 3600 + 60, 'exp within 24 hours');
    assert.equal(push!.vapidKey, server.config.push.vapid!.publicKey);
  });

  it('when the push service answers 410 Gone, then the subscription is deleted', async () => {
    const user = await registerUser(server.url);
    const api = as(server.url, user.accessToken);
    await api.post('/api/push/subscriptions', { kind: 'webpush', ...pushService.subscription('/push/gone') });
    pushService.respondWith(410);
    await api.post('/api/push/test');
    const list = await eventually(() => api.get('/api/push/subscriptions'), (r) => r.body.subscriptions.length === 0);
    assert.deepEqual(list.body.subscriptions, []);
  });

  it('when the push service answers 429, then the notification is sent again later and arrives', async () => {
    const user = await registerUser(server.url);
    const api = as(server.url, user.accessToken);
    await api.post('/api/push/subscriptions', { kind: 'webpush', ...pushService.subscription('/push/busy') });
    pushService.respondWith(429);
    await api.post('/api/push/test');
    const got = await eventually(
      async () => pushService.received.filter((p) => p.path === '/push/busy'),
      (list) => list.length >= 2,
      60_000,
    );
    assert.deepEqual(got.map((p) => p.status), [429, 201]);
    assert.equal((await api.get('/api/push/subscriptions')).body.subscriptions.length, 1);
  });

  it('when the session that subscribed logs out, then its subscription ends and no notification goes to it', async () => {
    const user = await registerUser(server.url);
    const other = await request(server.url, 'POST', '/api/auth/login', { body: { email: user.user.email, password: user.password } });
    const api = as(server.url, user.accessToken);
    const first = await api.post('/api/push/subscriptions', { kind: 'webpush', ...pushService.subscription('/push/logged-out') });
    assert.equal((await api.post('/api/auth/logout')).status, 204);
    const list = await as(server.url, other.body.accessToken).get('/api/push/subscriptions');
    assert.deepEqual(list.body.subscriptions, []);
    const sent = await as(server.url, other.body.accessToken).post('/api/push/test');
    assert.equal(sent.status, 202);
    assert.equal(sent.body.subscriptions, 0);
    // The browser signs in again: the same endpoint is a new subscription of the new session.
    const again = await as(server.url, other.body.accessToken).post('/api/push/subscriptions', { kind: 'webpush', ...pushService.subscription('/push/logged-out') });
    assert.equal(again.status, 201);
    assert.notEqual(again.body.subscription.id, first.body.subscription.id);
  });

  it("when a user deletes another user's subscription, then it is a 404, and their own is a 204", async () => {
    const alice = await registerUser(server.url);
    const bob = await registerUser(server.url);
    const { body } = await as(server.url, alice.accessToken).post('/api/push/subscriptions', { kind: 'webpush', ...pushService.subscription('/push/alice') });
    assert.equal((await as(server.url, bob.accessToken).delete(`/api/push/subscriptions/${body.subscription.id}`)).status, 404);
    assert.equal((await as(server.url, alice.accessToken).delete(`/api/push/subscriptions/${body.subscription.id}`)).status, 204);
    assert.equal((await as(server.url, alice.accessToken).delete(`/api/push/subscriptions/${body.subscription.id}`)).status, 404);
  });

  it('when a subscription has malformed keys or is not a known kind, then it is a 400 problem', async () => {
    const user = await registerUser(server.url);
    const api = as(server.url, user.accessToken);
    const good = pushService.subscription('/push/bad');
    for (const body of [
      { kind: 'webpush', endpoint: good.endpoint, keys: { p256dh: 'AAAA', auth: good.keys.auth } },
      { kind: 'webpush', endpoint: 'ftp://example.com/x', keys: good.keys },
      { kind: 'expo', token: 'not-a-token' },
      { kind: 'apns', token: 'x' },
    ]) {
      const res = await api.post('/api/push/subscriptions', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.code, 'validation_failed');
    }
  });

  it('when a native app registers an Expo token, then the notification goes to the Expo API with the access token and data to open the message', async () => {
    const user = await registerUser(server.url);
    const api = as(server.url, user.accessToken);
    const token = `ExponentPushToken[ok-${Date.now()}]`;
    assert.equal((await api.post('/api/push/subscriptions', { kind: 'expo', token })).status, 201);
    await api.post('/api/push/test');
    const sent = await eventually(async () => expo.sent.filter((m) => m.to === token), (l) => l.length === 1);
    assert.equal(sent[0]!.title, 'LifeOS');
    assert.equal(sent[0]!.authorization, 'Bearer expo-secret-token');
    assert.deepEqual(Object.keys(sent[0]!.data).sort(), ['messageId', 'url']);
    // On Android it shows through the channel the app made when notifications were turned on.
    assert.equal(sent[0]!.channelId, 'lifeos');
    // The receipt is read afterwards; an ok receipt keeps the token.
    await eventually(async () => expo.receiptsAsked.length, (n) => n > 0);
    assert.equal((await api.get('/api/push/subscriptions')).body.subscriptions.length, 1);
  });

  it('when Expo says DeviceNotRegistered in the ticket or later in the receipt, then the token is removed', async () => {
    const user = await registerUser(server.url);
    const api = as(server.url, user.accessToken);
    const atSend = `ExponentPushToken[gone-at-send-${Date.now()}]`;
    const atReceipt = `ExponentPushToken[gone-at-receipt-${Date.now()}]`;
    expo.unregisteredAtSend.add(atSend);
    expo.unregisteredAtReceipt.add(atReceipt);
    await api.post('/api/push/subscriptions', { kind: 'expo', token: atSend });
    await api.post('/api/push/subscriptions', { kind: 'expo', token: atReceipt });
    await api.post('/api/push/test');
    const list = await eventually(() => api.get('/api/push/subscriptions'), (r) => r.body.subscriptions.length === 0);
    assert.deepEqual(list.body.subscriptions, []);
    assert.equal(expo.sent.filter((m) => m.to === atReceipt).length, 1);
  });
});

describe('push endpoints in production (public https hosts only)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { ALLOW_PRIVATE_HOSTS: 'false' } });
  });
  after(async () => server?.close());

  it('when an endpoint is plain http or names a private address, then the subscription is refused with a 400', async () => {
    const user = await registerUser(server.url);
    const api = as(server.url, user.accessToken);
    const keys = { p256dh: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)]).toString('base64url'), auth: Buffer.alloc(16, 2).toString('base64url') };
    for (const endpoint of ['http://push.example.com/x', 'https://127.0.0.1/x', 'https://10.1.2.3/x', 'https://[::1]/x']) {
      const res = await api.post('/api/push/subscriptions', { kind: 'webpush', endpoint, keys });
      assert.equal(res.status, 400, endpoint);
      assert.equal(res.body.code, 'validation_failed');
      assert.match(res.body.detail, /^endpoint: /);
    }
  });
});
