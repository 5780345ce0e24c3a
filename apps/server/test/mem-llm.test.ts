// @mem with a model configured: the LLM engine drives the same tools (a
// scripted OpenAI-compatible server on 127.0.0.1 plays the model).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MemoriesResponse } from '@lifeos/contract';
import { as, registerUser } from './helpers/http.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from './helpers/scripted-llm-server.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

describe('@mem through the LLM engine', () => {
  let llm: ScriptedLlmServer;
  let server: TestServer;
  before(async () => {
    llm = await startScriptedLlmServer();
    server = await startTestServer({ env: { LLM_BASE_URL: llm.baseUrl, LLM_MODEL: 'scripted-model', LLM_API_KEY: 'sk-scripted' } });
  });
  after(async () => {
    await server?.close();
    await llm?.close();
  });

  const toolResults = () =>
    llm
      .chatRequests()
      .flatMap((r) => r.messages)
      .filter((m) => m.role === 'tool')
      .map((m) => JSON.parse(String(m.content)));

  it('when the model remembers, recalls and forgets through the tools, then the store changes only as the tools and the confirmation allow', async () => {
    const auth = await registerUser(server.url);
    const api = as(server.url, auth.accessToken);

    llm.setScript([{ type: 'tool', calls: [{ name: 'remember', args: { fact: 'my dentist is Dr. Weiss' } }] }, { type: 'text', text: 'Noted.' }]);
    const told = await api.post('/api/messages', { content: '@mem btw my dentist is Dr. Weiss' });
    assert.equal(told.body.reply.content, 'Noted.');
    let stored = MemoriesResponse.parse((await api.get('/api/memories')).body).memories;
    assert.deepEqual(stored.map((m) => m.content), ['my dentist is Dr. Weiss']);
    assert.equal(stored[0]!.sourceMessageId, told.body.message.id);

    llm.requests.length = 0;
    llm.setScript([{ type: 'tool', calls: [{ name: 'recall', args: { question: "what's my dentist's name?" } }] }, { type: 'text', text: 'Dr. Weiss.' }]);
    await api.post('/api/messages', { content: "@mem what's my dentist's name?" });
    const [recalled] = toolResults();
    assert.equal(recalled.answers[0].content, 'my dentist is Dr. Weiss');

    llm.requests.length = 0;
    llm.setScript([{ type: 'tool', calls: [{ name: 'forget', args: { description: 'my dentist' } }] }, { type: 'text', text: 'Confirm to forget it.' }]);
    const forget = await api.post('/api/messages', { content: '@mem forget my dentist' });
    const pending = forget.body.reply.metadata.pendingAction;
    assert.equal(pending.kind, 'mem.forget');
    assert.equal(toolResults()[0].proposed, true);
    assert.equal(MemoriesResponse.parse((await api.get('/api/memories')).body).memories.length, 1, 'not deleted before the confirmation');
    assert.equal((await api.post(`/api/actions/${pending.id}/confirm`)).status, 200);
    stored = MemoriesResponse.parse((await api.get('/api/memories')).body).memories;
    assert.deepEqual(stored, []);
  });

  it("when the model passes another user's memory id, then the tool refuses and nothing changes", async () => {
    const alice = as(server.url, (await registerUser(server.url)).accessToken);
    const bob = as(server.url, (await registerUser(server.url)).accessToken);
    const created = await alice.post('/api/memories', { content: 'my dentist is Dr. Weiss' });
    const id = created.body.memory.id;

    llm.requests.length = 0;
    llm.setScript([
      { type: 'tool', calls: [{ name: 'update_memory', args: { id, content: 'my dentist is Dr. Evil' } }] },
      { type: 'text', text: 'unused' },
    ]);
    const res = await bob.post('/api/messages', { content: '@mem change it' });
    assert.match(res.body.reply.content, /there is no such memory/);
    assert.equal(res.body.reply.metadata.pendingAction, undefined);

    llm.setScript([{ type: 'tool', calls: [{ name: 'forget', args: { ids: [id] } }] }, { type: 'text', text: 'unused' }]);
    const forget = await bob.post('/api/messages', { content: '@mem forget it' });
    assert.match(forget.body.reply.content, /there is no such memory/);
    assert.equal(forget.body.reply.metadata.pendingAction, undefined);
    assert.deepEqual(MemoriesResponse.parse((await alice.get('/api/memories')).body).memories.map((m) => m.content), ['my dentist is Dr. Weiss']);
  });
});
