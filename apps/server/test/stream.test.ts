import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { as, registerUser, request } from './helpers/http.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { created, openSse } from './helpers/sse.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer({ env: { SSE_HEARTBEAT_MS: '200' } });
});
after(() => server.close());

describe('GET /api/messages/stream', () => {
  it('when one device sends, then both devices’ streams get both messages with the message id as SSE id', async () => {
    const user = await registerUser(server.url);
    const laptop = (await request(server.url, 'POST', '/api/auth/login', { body: { email: user.user.email, password: user.password } })).body;
    const phoneStream = await openSse(server.url, user.accessToken);
    const laptopStream = await openSse(server.url, laptop.accessToken);
    assert.equal(phoneStream.status, 200);
    try {
      const { body } = await as(server.url, laptop.accessToken).post('/api/messages', { content: 'hello from the laptop' });
      for (const stream of [phoneStream, laptopStream]) {
        await stream.waitFor((events) => created(events).length >= 2);
        const [first, second] = created(stream.events);
        assert.equal(first!.id, body.message.id);
        assert.equal(first!.data.content, 'hello from the laptop');
        assert.equal(second!.id, body.reply.id);
        assert.equal(second!.data.role, 'assistant');
      }
    } finally {
      phoneStream.close();
      laptopStream.close();
    }
  });

  it('when another user sends, then my stream stays silent', async () => {
    const me = await registerUser(server.url);
    const other = await registerUser(server.url);
    const stream = await openSse(server.url, me.accessToken);
    try {
      await as(server.url, other.accessToken).post('/api/messages', { content: 'not for you' });
      await as(server.url, me.accessToken).post('/api/messages', { content: 'for me' });
      await stream.waitFor((events) => created(events).length >= 2);
      assert.ok(created(stream.events).every((e) => e.data.content !== 'not for you'));
    } finally {
      stream.close();
    }
  });

  it('when a client reconnects with Last-Event-ID, then it first gets every missed message in order, then live ones, without duplicates', async () => {
    const user = await registerUser(server.url);
    const api = as(server.url, user.accessToken);
    const first = await api.post('/api/messages', { content: 'seen before the drop' });
    const missed: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { body } = await api.post('/api/messages', { content: `missed ${i}` });
      missed.push(body.message.id, body.reply.id);
    }
    const stream = await openSse(server.url, user.accessToken, { lastEventId: first.body.reply.id });
    try {
      await stream.waitFor((events) => created(events).length >= missed.length);
      const live = await api.post('/api/messages', { content: 'live after resume' });
      await stream.waitFor((events) => created(events).length >= missed.length + 2);
      const ids = created(stream.events).map((e) => e.id);
      assert.deepEqual(ids, [...missed, live.body.message.id, live.body.reply.id]);
    } finally {
      stream.close();
    }
  });

  it('when idle, then heartbeat comments keep the connection open', async () => {
    const user = await registerUser(server.url);
    const stream = await openSse(server.url, user.accessToken);
    try {
      await new Promise((r) => setTimeout(r, 500));
      assert.ok(stream.comments.some((c) => c.startsWith('heartbeat')));
    } finally {
      stream.close();
    }
  });

  it('when the session is revoked, then its stream is closed', async () => {
    const user = await registerUser(server.url);
    const stream = await openSse(server.url, user.accessToken);
    await request(server.url, 'POST', '/api/auth/logout', { token: user.accessToken });
    await Promise.race([stream.ended, new Promise((_, reject) => setTimeout(() => reject(new Error('stream still open')), 3_000))]);
  });

  it('when the token is missing or bad, then the stream is 401', async () => {
    const res = await fetch(`${server.url}/api/messages/stream`);
    assert.equal(res.status, 401);
    const bad = await fetch(`${server.url}/api/messages/stream`, { headers: { authorization: 'Bearer nope' } });
    assert.equal(bad.status, 401);
  });
});
