// Caps on live streams (per session, per user, per instance) and streams that
// end with the credential that opened them, over real HTTP.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { Problem } from '@lifeos/contract';
import { registerUser, request } from './helpers/http.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { openSse, type SseClient } from './helpers/sse.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer({ env: { SSE_MAX_STREAMS_PER_SESSION: '2', SSE_MAX_STREAMS_PER_USER: '3', SSE_MAX_STREAMS: '5' } });
});
after(() => server.close());

const open: SseClient[] = [];
after(() => open.forEach((s) => s.close()));
async function stream(token: string): Promise<SseClient> {
  const s = await openSse(server.url, token);
  open.push(s);
  return s;
}

/** The answer over a cap is a problem, not a stream: read it with a plain request. */
async function assertRefused(token: string) {
  const res = await request(server.url, 'GET', '/api/messages/stream', { token });
  assert.equal(res.status, 429, JSON.stringify(res.body));
  assert.equal(Problem.parse(res.body).code, 'rate_limited');
  assert.ok(Number(res.headers.get('retry-after')) >= 1);
}

/** Retries while the server has not yet seen a closed stream go. */
async function eventuallyOpens(token: string): Promise<SseClient> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const s = await stream(token);
    if (s.status === 200 || Date.now() > deadline) return s;
    s.close();
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('live stream caps', () => {
  it('when one session, one user and the instance reach their caps, then the next stream is 429 rate_limited, and closing one frees a place', async () => {
    const alice = await registerUser(server.url);
    const [a1, a2] = [await stream(alice.accessToken), await stream(alice.accessToken)];
    assert.deepEqual([a1.status, a2.status], [200, 200]);
    await assertRefused(alice.accessToken);

    // Another session of the same user: one more, then the per-user cap.
    const laptop = (await request(server.url, 'POST', '/api/auth/login', { body: { email: alice.user.email, password: alice.password } })).body;
    assert.equal((await stream(laptop.accessToken)).status, 200);
    await assertRefused(laptop.accessToken);

    // Another user fills the instance's cap of 5.
    const bob = await registerUser(server.url);
    assert.equal((await stream(bob.accessToken)).status, 200);
    assert.equal((await stream(bob.accessToken)).status, 200);
    const carol = await registerUser(server.url);
    await assertRefused(carol.accessToken);

    // A closed stream gives its place back.
    a1.close();
    await a1.ended;
    assert.equal((await eventuallyOpens(alice.accessToken)).status, 200);
    await assertRefused(alice.accessToken);
  });
});

describe('streams end with their credential', () => {
  it('when the access token that opened a stream expires, then the server closes the stream at its exp', async () => {
    const user = await registerUser(server.url, {});
    const payload = JSON.parse(Buffer.from(user.accessToken.split('.')[1]!, 'base64url').toString());
    const exp = Math.floor(Date.now() / 1000) + 2;
    const shortLived = await new SignJWT({ ...payload, exp }).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' }).sign(server.config.jwtSecret);
    // Frees places taken by the previous test.
    for (const s of open.splice(0)) s.close();
    const s = await eventuallyOpens(shortLived);
    assert.equal(s.status, 200);
    const ended = await Promise.race([s.ended.then(() => Date.now()), new Promise<number>((r) => setTimeout(() => r(0), 8_000))]);
    assert.ok(ended > 0, 'the stream was still open 8 s after its token expired');
    assert.ok(ended >= exp * 1000 - 1_000, `closed ${exp * 1000 - ended} ms before exp`);
  });

  it('when the session ends, then its stream is closed and its place freed', async () => {
    const user = await registerUser(server.url);
    for (const s of open.splice(0)) s.close();
    const s = await eventuallyOpens(user.accessToken);
    assert.equal(s.status, 200);
    await request(server.url, 'POST', '/api/auth/logout', { token: user.accessToken });
    await Promise.race([s.ended, new Promise((_, reject) => setTimeout(() => reject(new Error('stream still open')), 5_000))]);
  });
});
