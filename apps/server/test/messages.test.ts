import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Message} from '@lifeos/contract';
import { MessagePage, MessagePair } from '@lifeos/contract';
import { as, registerUser, request } from './helpers/http.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

async function newUser() {
  const user = await registerUser(server.url);
  return { user, api: as(server.url, user.accessToken) };
}

describe('POST /api/messages', () => {
  it('when a message mentions an agent anywhere, then both messages carry that agent; without one the assistant hands it on', async () => {
    const { api } = await newUser();
    const cases: [string, string | null, (string | null)?][] = [
      ['@mem what do you know about me?', '@mem'],
      ['what is on tomorrow @CAL', '@cal'],
      ['please @mail and @cal', '@mail'],
      // No mention: the user's message has no agent; the reply is the agent's the assistant handed it to.
      ['write to jo@mail.com', null, '@mail'],
      ['@bob hello', null],
      ['what can you do?', null],
    ];
    for (const [content, agentName, replyAgent = agentName] of cases) {
      const res = await api.post('/api/messages', { content });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const pair = MessagePair.parse(res.body);
      assert.equal(pair.message.content, content);
      assert.equal(pair.message.role, 'user');
      assert.equal(pair.reply.role, 'assistant');
      assert.equal(pair.message.agentName, agentName, content);
      assert.equal(pair.reply.agentName, replyAgent, content);
      assert.ok(pair.reply.content.length > 0);
    }
  });

  it('when asked what it can do, then the assistant introduces @mail, @cal and @mem with examples', async () => {
    const { api } = await newUser();
    const { body } = await api.post('/api/messages', { content: 'help' });
    for (const agent of ['@mail', '@cal', '@mem']) assert.match(body.reply.content, new RegExp(agent));
  });

  it('when the content is empty, blank, too long or not a string, then it is 400 and nothing is stored', async () => {
    const { api } = await newUser();
    for (const content of ['', '   \n\t ', 'x'.repeat(10_001), 42, null]) {
      const res = await api.post('/api/messages', { content });
      assert.equal(res.status, 400);
      assert.equal(res.body.code, 'validation_failed');
    }
    assert.equal((await api.post('/api/messages', { content: 'x'.repeat(10_000) })).status, 201);
    assert.equal((await api.post('/api/messages', { content: 'ok', clientId: 'not-a-uuid' })).status, 400);
    const page = await api.get('/api/messages');
    assert.equal(page.body.messages.length, 2);
  });

  it('when the same clientId is sent 5 times at once, then one pair exists, the agent ran once, and every answer is that pair', async () => {
    const { api } = await newUser();
    const clientId = randomUUID();
    const results = await Promise.all(Array.from({ length: 5 }, () => api.post('/api/messages', { content: '@mem what do you know about me?', clientId })));
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 200, 200, 200, 201]);
    const ids = new Set(results.map((r) => `${r.body.message.id}/${r.body.reply.id}`));
    assert.equal(ids.size, 1);
    const page = await api.get('/api/messages?limit=100');
    assert.equal(page.body.messages.length, 2);
    // A later retry still answers with the same pair.
    const again = await api.post('/api/messages', { content: '@mem what do you know about me?', clientId });
    assert.equal(again.status, 200);
    assert.equal(again.body.reply.id, results[0]!.body.reply.id);
  });

  it('when two users use the same clientId, then each gets their own pair', async () => {
    const a = await newUser();
    const b = await newUser();
    const clientId = randomUUID();
    const ra = await a.api.post('/api/messages', { content: 'hi from a', clientId });
    const rb = await b.api.post('/api/messages', { content: 'hi from b', clientId });
    assert.equal(ra.status, 201);
    assert.equal(rb.status, 201);
    assert.notEqual(ra.body.message.id, rb.body.message.id);
  });
});

describe('GET /api/messages', () => {
  it('when walking every page while new messages arrive, then each message is seen exactly once, newest first', async () => {
    const { api } = await newUser();
    for (let i = 0; i < 12; i++) await api.post('/api/messages', { content: `message ${i}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { status: number; body: unknown } = await api.get(`/api/messages?limit=5${cursor ? `&before=${encodeURIComponent(cursor)}` : ''}`);
      assert.equal(res.status, 200);
      const page = MessagePage.parse(res.body);
      seen.push(...page.messages.map((m) => m.id));
      for (let i = 1; i < page.messages.length; i++) {
        assert.ok(page.messages[i - 1]!.createdAt >= page.messages[i]!.createdAt);
      }
      cursor = page.nextCursor;
      // New messages land while the client pages back through history.
      if (pages++ < 2) await api.post('/api/messages', { content: `arrived during paging ${pages}` });
    } while (cursor);
    assert.equal(seen.length, 24);
    assert.equal(new Set(seen).size, 24);
  });

  it('when filtering by agent, then only that agent’s messages come back', async () => {
    const { api } = await newUser();
    await api.post('/api/messages', { content: '@mem hello' });
    await api.post('/api/messages', { content: '@cal hello' });
    await api.post('/api/messages', { content: 'hello' });
    for (const agent of ['@cal', 'cal', '%40cal']) {
      const res = await api.get(`/api/messages?agent=${agent}`);
      assert.equal(res.status, 200);
      assert.deepEqual(new Set(res.body.messages.map((m: Message) => m.agentName)), new Set(['@cal']));
      assert.equal(res.body.messages.length, 2);
    }
    assert.equal((await api.get('/api/messages?agent=@bob')).status, 400);
  });

  it('when the cursor is garbage or tampered with, or the limit out of range, then it is 400', async () => {
    const { api } = await newUser();
    for (let i = 0; i < 3; i++) await api.post('/api/messages', { content: `m${i}` });
    const first = await api.get('/api/messages?limit=2');
    const cursor: string = first.body.nextCursor;
    assert.ok(cursor);
    const [payload, sig] = cursor.split('.');
    const forged = `${Buffer.from(JSON.stringify({ s: 1e9 })).toString('base64url')}.${sig}`;
    for (const bad of ['garbage', `${payload}.AAAA`, forged, `${payload}`, '%00']) {
      const res = await api.get(`/api/messages?before=${encodeURIComponent(bad)}`);
      assert.equal(res.status, 400, bad);
      assert.equal(res.body.code, 'validation_failed');
    }
    for (const limit of ['0', '101', 'abc', '-1', '1.5']) assert.equal((await api.get(`/api/messages?limit=${limit}`)).status, 400, limit);
    assert.equal((await api.get('/api/messages?limit=100')).status, 200);
  });

  it('when another user reads, then they never see someone else’s messages, even with their cursor', async () => {
    const a = await newUser();
    const b = await newUser();
    for (let i = 0; i < 3; i++) await a.api.post('/api/messages', { content: `secret ${i}` });
    const cursor = (await a.api.get('/api/messages?limit=1')).body.nextCursor;
    const res = await b.api.get(`/api/messages?before=${encodeURIComponent(cursor)}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.messages.length, 0);
  });

  it('when no token is sent, then messages are 401', async () => {
    assert.equal((await request(server.url, 'GET', '/api/messages')).status, 401);
    assert.equal((await request(server.url, 'POST', '/api/messages', { body: { content: 'x' } })).status, 401);
  });
});

describe('agents', () => {
  it('when listing agents, then the three are there with a description, examples and a status', async () => {
    const { api } = await newUser();
    const res = await api.get('/api/agents');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.agents.map((a: { name: string }) => a.name).sort(), ['@cal', '@mail', '@mem']);
    for (const agent of res.body.agents) {
      assert.ok(agent.description.length > 10);
      assert.ok(agent.examples.length > 0);
      assert.ok(['ready', 'needs_connection'].includes(agent.status));
    }
  });

  it('when chatting with an agent by name, then the pair is forced to it; an unknown name is 404', async () => {
    const { api } = await newUser();
    for (const name of ['mem', '%40mem', 'MEM']) {
      const res = await api.post(`/api/agents/${name}/chat`, { content: 'what do you know about me?' });
      assert.equal(res.status, 201, name);
      assert.equal(res.body.message.agentName, '@mem');
      assert.equal(res.body.reply.agentName, '@mem');
    }
    const unknown = await api.post('/api/agents/bob/chat', { content: 'hi' });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 'not_found');
  });
});
