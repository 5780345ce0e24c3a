// Searching the chat, deleting a message, stopping a reply, and the time-format setting, over real HTTP.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { MeResponse, MessagePage } from '@lifeos/contract';
import { as, registerUser, request, uniqueEmail, PASSWORD } from './helpers/http.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from './helpers/scripted-llm-server.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { openSse } from './helpers/sse.ts';

async function newUser(server: TestServer) {
  const user = await registerUser(server.url);
  return { user, api: as(server.url, user.accessToken) };
}

// Replies may quote the question, so the checks look at the user's own messages.
const contents = (page: { messages: { role: string; content: string }[] }) => page.messages.filter((m) => m.role === 'user').map((m) => m.content);

describe('messages: search, delete and the time format', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  describe('GET /api/messages?q=', () => {
    it('when the words appear in some messages, then only those come back, newest first, matching word starts and word forms', async () => {
      const { api } = await newUser(server);
      for (const content of ['Dentist appointment on Friday', 'remember that Jo likes tea', 'The dentist moved my appointment', 'weekly meetings are on Monday']) {
        assert.equal((await api.post('/api/messages', { content })).status, 201);
      }
      const dentist = MessagePage.parse((await api.get('/api/messages?q=dentist%20appointment')).body);
      assert.deepEqual(contents(dentist), ['The dentist moved my appointment', 'Dentist appointment on Friday']);
      assert.ok(dentist.messages.every((m) => /dentist/i.test(m.content) && /appointment/i.test(m.content)));

      assert.deepEqual(contents(MessagePage.parse((await api.get('/api/messages?q=DENT')).body)), ['The dentist moved my appointment', 'Dentist appointment on Friday']);
      assert.deepEqual(contents(MessagePage.parse((await api.get('/api/messages?q=meeting')).body)), ['weekly meetings are on Monday']);
      assert.deepEqual(MessagePage.parse((await api.get('/api/messages?q=zebra')).body).messages, []);
    });

    it('when there are more matches than the limit, then pages with before walk them all exactly once', async () => {
      const { api } = await newUser(server);
      for (let i = 1; i <= 5; i++) await api.post('/api/messages', { content: `grocery list number ${i}` });
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const path: string = `/api/messages?q=grocery&limit=2${cursor ? `&before=${encodeURIComponent(cursor)}` : ''}`;
        const page = MessagePage.parse((await api.get(path)).body);
        assert.ok(page.messages.length <= 2);
        seen.push(...contents(page));
        cursor = page.nextCursor;
      } while (cursor);
      assert.deepEqual(seen, [5, 4, 3, 2, 1].map((i) => `grocery list number ${i}`));
    });

    it('when q is empty or blank, then it is a 400 problem', async () => {
      const { api } = await newUser(server);
      for (const q of ['', '%20%20']) {
        const res = await api.get(`/api/messages?q=${q}`);
        assert.equal(res.status, 400, q);
        assert.equal(res.body.code, 'validation_failed');
      }
    });

    it("when another user has matching messages, then they are not in my results", async () => {
      const alice = await newUser(server);
      const bob = await newUser(server);
      await alice.api.post('/api/messages', { content: 'secret plan about the harbour' });
      assert.deepEqual(MessagePage.parse((await bob.api.get('/api/messages?q=harbour')).body).messages, []);
      assert.equal(MessagePage.parse((await alice.api.get('/api/messages?q=harbour')).body).messages.length, 1);
    });
  });

  describe('DELETE /api/messages/:id', () => {
    it('when I delete my message and a reply, then they are gone from history and search, and my other device is told', async () => {
      const { user, api } = await newUser(server);
      const laptop = await request(server.url, 'POST', '/api/auth/login', { body: { email: user.user.email, password: user.password } });
      const stream = await openSse(server.url, laptop.body.accessToken);
      try {
        const { body: pair } = await api.post('/api/messages', { content: 'a typo I regret' });
        assert.equal((await api.delete(`/api/messages/${pair.message.id}`)).status, 204);
        assert.equal((await api.delete(`/api/messages/${pair.reply.id}`)).status, 204);

        const history = MessagePage.parse((await api.get('/api/messages')).body);
        assert.ok(!history.messages.some((m) => m.id === pair.message.id || m.id === pair.reply.id));
        assert.deepEqual(MessagePage.parse((await api.get('/api/messages?q=regret')).body).messages, []);

        const events = await stream.waitFor((all) => all.filter((e) => e.event === 'message.deleted').length >= 2);
        assert.deepEqual(
          events.filter((e) => e.event === 'message.deleted').map((e) => e.data),
          [{ id: pair.message.id }, { id: pair.reply.id }],
        );
        // Deleting again: it is not there any more.
        assert.equal((await api.delete(`/api/messages/${pair.message.id}`)).status, 404);
      } finally {
        stream.close();
      }
    });

    it("when I try to delete another user's message or an unknown id, then it is a 404 and their message stays", async () => {
      const alice = await newUser(server);
      const bob = await newUser(server);
      const { body: pair } = await alice.api.post('/api/messages', { content: 'mine, not yours' });
      const res = await bob.api.delete(`/api/messages/${pair.message.id}`);
      assert.equal(res.status, 404);
      assert.equal(res.body.code, 'not_found');
      assert.equal((await bob.api.delete(`/api/messages/${randomUUID()}`)).status, 404);
      assert.equal((await bob.api.delete('/api/messages/not-a-uuid')).status, 400);
      assert.ok(MessagePage.parse((await alice.api.get('/api/messages')).body).messages.some((m) => m.id === pair.message.id));
    });
  });

  describe('User.settings.timeFormat', () => {
    it("when a client registers with a 12-hour locale, then the setting follows it; without a locale it is 24h; an explicit setting wins", async () => {
      const register = (headers: Record<string, string>, extra: Record<string, unknown> = {}) =>
        request(server.url, 'POST', '/api/auth/register', { body: { email: uniqueEmail(), password: PASSWORD, ...extra }, headers });
      assert.equal((await register({ 'accept-language': 'en-US,en;q=0.9' })).body.user.settings.timeFormat, '12h');
      assert.equal((await register({ 'accept-language': 'de-DE,de;q=0.9' })).body.user.settings.timeFormat, '24h');
      assert.equal((await register({})).body.user.settings.timeFormat, '24h');
      assert.equal((await register({ 'accept-language': 'en-US' }, { settings: { timeFormat: '24h' } })).body.user.settings.timeFormat, '24h');
      assert.equal((await register({}, { timeFormat: '12h' })).body.user.settings.timeFormat, '12h');
      assert.equal((await register({}, { settings: { timeFormat: 'sundial' } })).status, 400);
    });

    it('when I change it with PATCH /api/auth/me, then it is kept and other settings stay', async () => {
      const { api } = await newUser(server);
      const patched = await api.patch('/api/auth/me', { settings: { timeFormat: '12h' } });
      assert.equal(patched.status, 200);
      assert.deepEqual(MeResponse.parse((await api.get('/api/auth/me')).body).user.settings, { memoryExtraction: false, timeFormat: '12h', briefing: { enabled: false, time: '07:30' } });
      assert.equal((await api.patch('/api/auth/me', { settings: { timeFormat: '13h' } })).status, 400);
      // The setting at the top level works the same.
      assert.equal((await api.patch('/api/auth/me', { timeFormat: '24h' })).body.user.settings.timeFormat, '24h');
    });
  });
});

describe('POST /api/messages/:id/stop', () => {
  let llm: ScriptedLlmServer;
  let server: TestServer;
  before(async () => {
    llm = await startScriptedLlmServer();
    try {
      server = await startTestServer({ env: { LLM_BASE_URL: llm.baseUrl, LLM_MODEL: 'scripted-model', LLM_API_KEY: 'k', AGENT_TIMEOUT_MS: '30000' } });
    } catch (err) {
      await llm.close();
      throw err;
    }
  });
  after(async () => {
    await server?.close();
    await llm.close();
  });

  it('when I stop a reply while it streams, then the run ends early and the reply keeps what was written, marked stopped', async () => {
    const { user, api } = await newUser(server);
    const stream = await openSse(server.url, user.accessToken);
    try {
      const words = Array.from({ length: 40 }, (_, i) => `word${i} `);
      llm.setScript([{ type: 'text', text: words.join(''), chunks: words, chunkDelayMs: 150 }]);
      const started = Date.now();
      const sending = api.post('/api/messages', { content: 'tell me a long story' });
      const [delta] = await stream.waitFor((events) => events.some((e) => e.event === 'message.delta'), 20_000);
      const replyId = stream.events.find((e) => e.event === 'message.delta')!.data.messageId as string;
      assert.ok(delta);
      assert.equal((await api.post(`/api/messages/${replyId}/stop`)).status, 202);

      const { status, body } = await sending;
      assert.equal(status, 201);
      assert.equal(body.reply.id, replyId);
      assert.equal(body.reply.metadata.status, 'stopped');
      assert.match(body.reply.content, /^word0/);
      assert.ok(body.reply.content.length < words.join('').trim().length, 'only part of the reply was written');
      assert.ok(Date.now() - started < 40 * 150, 'the run ended before the model finished');
      // Finished: stopping again changes nothing; an unknown id is a 404.
      assert.equal((await api.post(`/api/messages/${replyId}/stop`)).status, 202);
      assert.equal((await api.post(`/api/messages/${randomUUID()}/stop`)).status, 404);
    } finally {
      stream.close();
    }
  });
});
