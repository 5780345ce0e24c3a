// Facts from ordinary conversation: a per-user setting (off by default) lets the
// configured model read the user's own messages for durable facts, stored through
// the memory service with the message as provenance. A scripted OpenAI-compatible
// server on 127.0.0.1 plays the model.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MemoriesResponse, MeResponse } from '@lifeos/contract';
import { as, registerUser } from './helpers/http.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from './helpers/scripted-llm-server.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('memory extraction from ordinary messages', () => {
  let llm: ScriptedLlmServer;
  let server: TestServer;
  before(async () => {
    llm = await startScriptedLlmServer();
    server = await startTestServer({ env: { LLM_BASE_URL: llm.baseUrl, LLM_MODEL: 'scripted-model', LLM_API_KEY: 'sk-scripted' } });
  });
  after(async () => {
    await server.close();
    await llm.close();
  });

  type Api = ReturnType<typeof as>;
  const memories = async (api: Api) => MemoriesResponse.parse((await api.get('/api/memories')).body).memories;
  async function waitForMemories(api: Api, count: number, timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await memories(api);
      if (found.length >= count) return found;
      if (Date.now() > deadline) assert.fail(`expected ${count} memories, found ${found.length}`);
      await sleep(50);
    }
  }

  it('when the setting is off (the default), then an ordinary message stores no memory and the model is asked only for the reply', async () => {
    const auth = await registerUser(server.url);
    const api = as(server.url, auth.accessToken);
    assert.deepEqual(MeResponse.parse((await api.get('/api/auth/me')).body).user.settings, { memoryExtraction: false, timeFormat: '24h' });

    llm.requests.length = 0;
    llm.setScript([{ type: 'text', text: 'Congratulations on the move!' }]);
    const res = await api.post('/api/messages', { content: 'I moved to Leipzig last week' });
    assert.equal(res.status, 201);
    await sleep(400);
    assert.equal(llm.chatRequests().length, 1);
    assert.deepEqual(await memories(api), []);
  });

  it('when the user turns it on, then GET /api/auth/me shows it and the fact in an ordinary message is stored with the message as its source, without delaying the reply', async () => {
    const auth = await registerUser(server.url);
    const api = as(server.url, auth.accessToken);
    const patched = await api.patch('/api/auth/me', { settings: { memoryExtraction: true } });
    assert.equal(patched.status, 200);
    assert.deepEqual(patched.body.user.settings, { memoryExtraction: true, timeFormat: '24h' });
    assert.deepEqual(MeResponse.parse((await api.get('/api/auth/me')).body).user.settings, { memoryExtraction: true, timeFormat: '24h' });

    llm.requests.length = 0;
    llm.setScript([
      { type: 'text', text: 'Congratulations on the move!' },
      // The extraction is slow on purpose: the reply must not wait for it.
      { type: 'tool', calls: [{ name: 'remember', args: { fact: 'I moved to Leipzig' } }], delayMs: 600 },
      { type: 'text', text: 'done' },
    ]);
    const res = await api.post('/api/messages', { content: 'I moved to Leipzig last week' });
    assert.equal(res.status, 201);
    assert.equal(res.body.reply.content, 'Congratulations on the move!');
    assert.deepEqual(await memories(api), [], 'the reply came back before the extraction finished');

    const [stored] = await waitForMemories(api, 1);
    assert.equal(stored!.content, 'I moved to Leipzig');
    assert.equal(stored!.sourceMessageId, res.body.message.id);

    // The model saw only the user's message, not the reply.
    const extraction = llm.chatRequests()[1]!;
    const turns = extraction.messages.filter((m) => m.role !== 'system');
    assert.deepEqual(turns.map((m) => [m.role, m.content]), [['user', 'I moved to Leipzig last week']]);
    assert.ok(extraction.tools?.some((t) => t.function.name === 'remember'));

    // A later fact on the same subject updates the memory (the same path as @mem's remember).
    const tell = async (content: string, fact: string) => {
      llm.setScript([
        { type: 'text', text: 'Nice.' },
        { type: 'tool', calls: [{ name: 'remember', args: { fact } }] },
        { type: 'text', text: 'done' },
      ]);
      const before = llm.chatRequests().length;
      const posted = await api.post('/api/messages', { content });
      const deadline = Date.now() + 5000;
      while ((llm.chatRequests().length < before + 3 || llm.remaining() > 0) && Date.now() < deadline) await sleep(50);
      await sleep(100);
      return posted.body.message.id as string;
    };
    await tell("My sister's name is Lena, she visits tomorrow", "my sister's name is Lena");
    const correction = await tell("Sorry, my sister's name is Lea, not Lena", "my sister's name is Lea");
    const latest = await memories(api);
    assert.deepEqual(latest.map((m) => m.content).sort(), ['I moved to Leipzig', "my sister's name is Lea"]);
    assert.equal(latest.find((m) => m.content.includes('Lea'))!.sourceMessageId, correction);
  });

  it('when a message is addressed to @mem, then only @mem handles it: no second model run, one memory', async () => {
    const auth = await registerUser(server.url);
    const api = as(server.url, auth.accessToken);
    await api.patch('/api/auth/me', { settings: { memoryExtraction: true } });

    llm.requests.length = 0;
    llm.setScript([{ type: 'tool', calls: [{ name: 'remember', args: { fact: 'my dentist is Dr. Weiss' } }] }, { type: 'text', text: 'Noted.' }]);
    const res = await api.post('/api/messages', { content: '@mem my dentist is Dr. Weiss' });
    assert.equal(res.body.reply.content, 'Noted.');
    await sleep(400);
    assert.equal(llm.chatRequests().length, 2);
    const stored = await memories(api);
    assert.deepEqual(stored.map((m) => m.content), ['my dentist is Dr. Weiss']);
    assert.equal(stored[0]!.sourceMessageId, res.body.message.id);
  });

  it('when the extraction fails, then the reply is unaffected and nothing is stored', async () => {
    const auth = await registerUser(server.url);
    const api = as(server.url, auth.accessToken);
    await api.patch('/api/auth/me', { settings: { memoryExtraction: true } });

    llm.requests.length = 0;
    llm.setScript([{ type: 'text', text: 'Sounds lovely.' }, { type: 'error', status: 400 }]);
    const res = await api.post('/api/messages', { content: 'I like my coffee black' });
    assert.equal(res.status, 201);
    assert.equal(res.body.reply.content, 'Sounds lovely.');
    await sleep(400);
    assert.equal(llm.chatRequests().length, 2);
    assert.deepEqual(await memories(api), []);
  });
});
